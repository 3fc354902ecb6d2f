package dev.backprop.cli.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.backprop.diagnose.MetricsJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a growing metrics.jsonl from an offset: only the complete lines after it, each parsed by
 * {@link MetricsJson#parseLine} into the record training wrote. A last line without its newline (training is
 * writing it) is left for the next read, so the offset always stands at the start of a line.
 *
 * <p>The caller keeps the state: the offset and line number a read returns ({@link Chunk#next},
 * {@link Chunk#nextLine}) and the file's identity ({@link Chunk#file}). When the file was replaced (a resumed run
 * rewrites it, cut back to its checkpoint), shrank below the offset, or the offset does not follow a newline, the
 * read starts again from the beginning and says so ({@link Chunk#reset}). One read takes at most {@code maxBytes}
 * of lines ({@link Chunk#more} when more are waiting), so a large file is read in bounded pieces.
 */
final class MetricsTail {
    /** A line longer than this is skipped as malformed (a metrics line of a very deep network is some 100 kB). */
    static final int MAX_LINE = 16 << 20;

    private MetricsTail() {
    }

    /**
     * What one read found.
     *
     * @param records the parsed lines, in order: EpochMetrics, StepStats, EpochSummary (lines of other types are
     *     skipped)
     * @param errors one message per malformed line, naming its line number
     * @param next the offset to read from next time
     * @param nextLine the number of lines before {@code next}
     * @param file the identity of the file read, to pass back next time
     * @param reset whether the read started again from the beginning (the caller drops what it had)
     * @param more whether complete lines are waiting beyond {@code next}
     */
    record Chunk(List<Object> records, List<String> errors, long next, long nextLine, String file, boolean reset,
                 boolean more) {
    }

    /**
     * Reads the complete lines of {@code path} after {@code since}.
     *
     * @param file the identity the previous read returned, or null on the first read
     * @param since the offset the previous read returned (0 on the first)
     * @param line the line number the previous read returned (0 on the first)
     * @param maxBytes at most this many bytes of lines are read
     * @throws IOException when the file cannot be read (a link is refused)
     */
    static Chunk read(Path path, String file, long since, long line, int maxBytes) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException(path.getFileName() + " is not a regular file");
        }
        String key = identity(a);
        try (SeekableByteChannel ch = Files.newByteChannel(path, Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            long size = ch.size();
            boolean reset = since < 0 || line < 0 || since > size || (file != null && !file.equals(key))
                    || (since > 0 && byteAt(ch, since - 1) != '\n');
            if (reset) {
                since = 0;
                line = 0;
            }
            int want = (int) Math.min(size - since, maxBytes);
            ByteBuffer buf = readAt(ch, since, want);
            int end = lastNewline(buf);
            while (end < 0 && want < size - since && want < MAX_LINE) { // one line longer than maxBytes
                want = (int) Math.min(size - since, Math.min((long) want * 2, MAX_LINE));
                buf = readAt(ch, since, want);
                end = lastNewline(buf);
            }
            List<Object> records = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            long consumed;
            if (end < 0 && want >= MAX_LINE) { // skip the over-long line: up to the next newline or the end
                long skipTo = nextNewline(ch, since + want, size);
                if (skipTo < 0) {
                    return new Chunk(records, errors, since, line, key, reset, false);
                }
                errors.add("metrics.jsonl line " + (line + 1) + ": longer than " + MAX_LINE + " bytes, skipped");
                return new Chunk(records, errors, skipTo + 1, line + 1, key, reset, skipTo + 1 < size);
            }
            consumed = end + 1;
            byte[] bytes = new byte[(int) consumed];
            buf.get(0, bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int start = 0;
            while (start < text.length()) {
                int nl = text.indexOf('\n', start);
                String l = text.substring(start, nl);
                start = nl + 1;
                line++;
                if (l.isBlank()) {
                    continue;
                }
                try {
                    Object r = MetricsJson.parseLine(l);
                    if (r != null) {
                        records.add(r);
                    }
                } catch (JsonProcessingException e) {
                    errors.add("metrics.jsonl line " + line + ": invalid JSON: " + e.getOriginalMessage());
                } catch (IllegalArgumentException e) {
                    errors.add("metrics.jsonl line " + line + ": " + e.getMessage());
                }
            }
            long next = since + Math.max(consumed, 0);
            return new Chunk(records, errors, next, line, key, reset, next < size && hasNewline(ch, next, size));
        }
    }

    /** An identity of the file that changes when it is replaced (not when it grows). */
    static String identity(BasicFileAttributes a) {
        Object k = a.fileKey();
        return Integer.toHexString(Objects.hash(k, a.creationTime()));
    }

    private static ByteBuffer readAt(SeekableByteChannel ch, long pos, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        ch.position(pos);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // read until full or the end
        }
        buf.flip();
        return buf;
    }

    private static int byteAt(SeekableByteChannel ch, long pos) throws IOException {
        ByteBuffer b = readAt(ch, pos, 1);
        return b.hasRemaining() ? b.get(0) : -1;
    }

    private static int lastNewline(ByteBuffer buf) {
        for (int i = buf.limit() - 1; i >= 0; i--) {
            if (buf.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long nextNewline(SeekableByteChannel ch, long from, long size) throws IOException {
        for (long pos = from; pos < size; pos += 1 << 16) {
            ByteBuffer b = readAt(ch, pos, (int) Math.min(1 << 16, size - pos));
            for (int i = 0; i < b.limit(); i++) {
                if (b.get(i) == '\n') {
                    return pos + i;
                }
            }
        }
        return -1;
    }

    private static boolean hasNewline(SeekableByteChannel ch, long from, long size) throws IOException {
        return nextNewline(ch, from, size) >= 0;
    }
}
