# Sourced by ./backprop and ./test: sets JAVA_HOME to a JDK 21+ (JAVA_HOME if new enough, else `java` on PATH,
# else the newest under /usr/lib/jvm) or prints what to install and exits 2.
java_major() { # major version of the java binary $1, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  echo "${v%%.*}" | grep -E '^[0-9]+$' || echo 0
}
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
    echo "$JAVA_HOME"; return
  fi
  if command -v javac >/dev/null 2>&1; then
    local j; j=$(readlink -f "$(command -v javac)")
    local home; home=$(dirname "$(dirname "$j")")
    if [ "$(java_major "$home/bin/java")" -ge 21 ]; then echo "$home"; return; fi
  fi
  local best="" bestv=0 d v
  for d in /usr/lib/jvm/*/; do
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d/bin/java")
    if [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best=${d%/}; bestv=$v; fi
  done
  [ -n "$best" ] && echo "$best"
}
jdk=$(find_jdk || true)
if [ -z "$jdk" ]; then
  echo "backprop: needs a JDK 21 or newer; none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
  echo "Install one (for example Temurin 21+ or openjdk-21-jdk) or set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME="$jdk"
