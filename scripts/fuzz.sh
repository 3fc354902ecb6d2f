#!/usr/bin/env bash
# Fuzzes one reader for a bounded time with Jazzer (coverage-guided), e.g.
#   scripts/fuzz.sh IdxReaderFuzzTest#readLabels 2m
# Targets: IdxReaderFuzzTest#readLabels|readImages, CsvReaderFuzzTest#readClassification|readRegression,
# SafetensorsFuzzTest#read, ModelFileFuzzTest#load, CheckpointFuzzTest#load (backprop-core),
# RunConfigFuzzTest#loadJson|loadYaml (backprop-cli). A finding fails the run and is written as crash-* into the
# target's seed folder (src/test/resources/.../<Class>Inputs/<method>/), which every later ./test replays; the
# corpus the fuzzer grows stays in the module's .cifuzz-corpus/ (not committed). See docs/reliability.md.
set -eu
[ $# -ge 1 ] || { echo "usage: scripts/fuzz.sh CLASS#METHOD [DURATION, default 2m] [MAVEN ARGS...]" >&2; exit 2; }
target=$1 duration=${2:-2m}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/find-jdk.sh"
class=${target%%#*}
file=$(cd "$root" && ls backprop-*/src/test/java/dev/backprop/*/"$class.java" backprop-*/src/test/java/dev/backprop/"$class.java" 2>/dev/null | head -1)
[ -n "$file" ] || { echo "no fuzz test class $class" >&2; exit 2; }
module=${file%%/*}
cd "$root"
# -am builds the modules it depends on; jacoco and the other modules' tests are left out
JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$duration exec ./mvnw -B -ntp -pl "$module" -am test -Djacoco.skip \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false -Dbackprop.fuzzing=true "${@:3}"
