package dev.backprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small text files of a run (model.json, trainer.json, config files) as strict UTF-8: a byte sequence
 * that is not UTF-8 is an error naming the file, the byte offset, the line and the column instead of a bare
 * "Input length = 1" or a silently replaced character; a leading byte-order mark is dropped; a file larger than
 * {@link #MAX_BYTES} is refused before it is read.
 */
public final class TextFiles {
    /** The largest text file read: far above any model.json, trainer.json or config a run writes. */
    public static final long MAX_BYTES = 64L << 20;

    private TextFiles() {
    }

    /**
     * The text of {@code file}, decoded as strict UTF-8, without a leading byte-order mark.
     *
     * @param file the file
     * @return its text
     * @throws IOException naming the file when it cannot be read, is larger than {@link #MAX_BYTES}, or holds bytes
     *     that are not UTF-8 (with the byte offset, line and column of the first one)
     */
    public static String readUtf8(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + ": " + size + " bytes is more than the " + MAX_BYTES
                    + " bytes a text file of a run may have");
        }
        return decode(Files.readAllBytes(file), file.toString());
    }

    /**
     * Where a JSON or YAML parser stopped, for an error message.
     *
     * @param e the parser's exception
     * @return {@code " (line L, column C)"}, or {@code ""} when the parser gave no location
     */
    public static String location(com.fasterxml.jackson.core.JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation l = e.getLocation();
        return l == null || l.getLineNr() < 1 ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
    }

    /**
     * {@code bytes} decoded as strict UTF-8, without a leading byte-order mark.
     *
     * @param bytes the encoded text
     * @param what the name of the file (or part of one) for the error message
     * @return the text
     * @throws IOException naming {@code what}, the byte offset, line and column of the first byte that is not UTF-8
     */
    public static String decode(byte[] bytes, String what) throws IOException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            int column = 1;
            for (int i = 0; i < out.position(); i++) {
                if (out.get(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            throw new IOException(String.format("%s: invalid UTF-8 at byte offset %d (line %d, column %d): 0x%02x",
                    what, at, line, column, bytes[at] & 0xFF));
        }
        try {
            r = d.flush(out);
            if (r.isError()) {
                r.throwException();
            }
        } catch (CharacterCodingException e) {
            throw new IOException(what + ": invalid UTF-8 at the end of the file", e);
        }
        out.flip();
        if (out.hasRemaining() && out.get(0) == '\uFEFF') {
            out.get();
        }
        return out.toString();
    }
}
