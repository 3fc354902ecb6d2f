package dev.backprop.cli.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The folder of runs that {@code backprop serve} shows, and the only way the server reaches a file: a run is a
 * sub-folder named by one path segment, a file is one of the names a run writes ({@link #FILES}). Nothing is
 * reached through a symbolic link: a run folder or file that is a link (wherever it points) is refused, and files
 * are opened with {@link LinkOption#NOFOLLOW_LINKS}.
 *
 * <p>Names from a request are decoded once by {@link #decodeSegment} and checked by {@link #checkName}: no
 * separator ({@code /}, {@code \}), no {@code .} or {@code ..} and no leading dot, no control character or NUL, no
 * {@code %} left after decoding (double encoding), no malformed escape or UTF-8. What passes names a direct child of
 * the root and nothing else.
 */
final class RunsRoot {
    /** The files of a run folder that the server reads or serves. */
    static final Set<String> FILES = Set.of("config.json", "metrics.jsonl", "findings.json", "model.json",
            "report.html");

    private final Path root;

    /**
     * @param dir the runs folder; resolved to its real path once (the folder itself may be a link the user chose)
     * @throws IOException when it does not exist or is not a folder
     */
    RunsRoot(Path dir) throws IOException {
        this.root = dir.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException(dir + " is not a folder");
        }
    }

    /** The runs folder, as a real path. */
    Path path() {
        return root;
    }

    /** A request was refused: {@code status} is the HTTP status to answer with. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * Percent-decodes one path segment or query value, strictly: every {@code %} must start a two-digit hex escape
     * and the bytes must be UTF-8.
     *
     * @throws Refused (400) otherwise
     */
    static String decodeSegment(String raw) throws Refused {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new Refused(400, "malformed percent escape in " + quote(raw));
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c > 0x7f) {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Refused(400, "not UTF-8 after decoding: " + quote(raw));
        }
    }

    /**
     * Checks a decoded run or file name: one plain path segment.
     *
     * @throws Refused (400) naming what is wrong
     */
    static String checkName(String name) throws Refused {
        if (name.isEmpty()) {
            throw new Refused(400, "empty name");
        }
        if (name.startsWith(".")) {
            throw new Refused(400, "a name may not start with '.': " + quote(name));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw new Refused(400, "a name may not hold a path separator: " + quote(name));
            }
            if (c == '%') {
                throw new Refused(400, "a name may not hold '%' (double encoding?): " + quote(name));
            }
            if (c < 0x20 || c == 0x7f) {
                throw new Refused(400, "a name may not hold a control character or NUL: " + quote(name));
            }
        }
        return name;
    }

    /**
     * The run folder {@code name} (already checked by {@link #checkName}).
     *
     * @throws Refused 404 when there is no such folder, 403 when it is a symbolic link or resolves outside the root
     */
    Path run(String name) throws Refused {
        checkName(name);
        Path p = root.resolve(name).normalize();
        if (!root.equals(p.getParent())) {
            throw new Refused(400, "not a run name: " + quote(name));
        }
        if (Files.isSymbolicLink(p)) {
            throw new Refused(403, name + " is a symbolic link: serve shows only folders inside " + root);
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(404, "no run " + quote(name) + " in " + root);
        }
        try {
            if (!p.toRealPath().equals(p)) {
                throw new Refused(403, name + " resolves outside " + root);
            }
        } catch (IOException e) {
            throw new Refused(404, "no run " + quote(name) + ": " + e.getMessage());
        }
        return p;
    }

    /**
     * The file {@code name} of a run folder: one of {@link #FILES}, a regular file and not a link.
     *
     * @return the path, or null when the run has no such file
     * @throws Refused 404 for a name the server does not serve, 403 for a symbolic link
     */
    static Path file(Path run, String name) throws Refused {
        if (!FILES.contains(name)) {
            throw new Refused(404, "not a file serve shows: " + quote(name) + " (only " + String.join(", ",
                    FILES.stream().sorted().toList()) + ")");
        }
        Path p = run.resolve(name);
        if (Files.isSymbolicLink(p)) {
            throw new Refused(403, run.getFileName() + "/" + name + " is a symbolic link: refused");
        }
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    /** The attributes of {@code p} without following a link, or null when it does not exist. */
    static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads a whole run file, never through a link (the open fails on a link that appeared since the check). */
    static byte[] read(Path p) throws IOException {
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(p, Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)))) {
            return in.readAllBytes();
        }
    }

    /** The names of the root's entries that may be runs: folders and links (refused later), no dot-names. */
    List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && (Files.isSymbolicLink(p) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return names;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('\'').toString();
    }
}
