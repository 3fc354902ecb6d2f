package dev.backprop.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed (recognised by the gzip magic bytes
 * {@code 1f 8b}) or raw.
 *
 * <p>An IDX file is a big-endian header followed by the data: a 4-byte magic number {@code 00 00 TT NN} where
 * {@code TT} is the element type and {@code NN} the number of dimensions, then {@code NN} 4-byte dimension sizes,
 * then {@code prod(dims)} elements in row-major order. Only the unsigned-byte type ({@code TT = 0x08}) is
 * supported: labels have magic {@code 0x00000801} (one dimension, N), images {@code 0x00000803} (three
 * dimensions, N x rows x cols). The reader checks the magic number, the dimensions and that the data is exactly as
 * long as the header says; every error names the file and what is wrong.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned-byte labels, one dimension: {@code 0x00000801}. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic number of an IDX file of unsigned-byte images, three dimensions: {@code 0x00000803}. */
    public static final int IMAGES_MAGIC = 0x00000803;

    /**
     * Images of an IDX3 file: {@code count} images of {@code rows x cols} pixels, row-major, one byte each.
     *
     * @param count the number of images N
     * @param rows the height of an image in pixels
     * @param cols the width of an image in pixels
     * @param pixels {@code count·rows·cols} unsigned bytes (read with {@code & 0xFF}), image after image
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** {@return the number of pixels per image, {@code rows·cols}} */
        public int pixelsPerImage() {
            return rows * cols;
        }
    }

    private IdxReader() {
    }

    /**
     * Reads an IDX1 file of labels.
     *
     * @param file the file, gzipped or raw
     * @return the labels, each unsigned byte as an int in [0, 255]
     * @throws IOException if the file cannot be read, ends early, has bytes after the data or is a corrupt gzip stream
     * @throws IllegalArgumentException if the magic number is not {@link #LABELS_MAGIC} or the count is negative
     */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            int[] dims = readHeader(in, file, LABELS_MAGIC, "labels");
            byte[] bytes = readExactly(in, file, dims[0], 8, "labels");
            int[] labels = new int[bytes.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        }
    }

    /**
     * Reads an IDX3 file of unsigned-byte images.
     *
     * @param file the file, gzipped or raw
     * @return the images and their dimensions
     * @throws IOException if the file cannot be read, ends early, has bytes after the data or is a corrupt gzip stream
     * @throws IllegalArgumentException if the magic number is not {@link #IMAGES_MAGIC}, a dimension is negative, an
     *         image has no rows or columns, or the pixels do not fit in one array
     */
    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            int[] dims = readHeader(in, file, IMAGES_MAGIC, "images");
            long perImage = (long) dims[1] * dims[2]; // below 2^62: no overflow, nor in the product when checked
            if (dims[0] > 0 && perImage > (Integer.MAX_VALUE - 8) / dims[0]) {
                throw new IllegalArgumentException(file + ": " + dims[0] + " x " + dims[1] + " x " + dims[2]
                        + " pixels is more than one array can hold");
            }
            byte[] pixels = readExactly(in, file, (int) (dims[0] * perImage), 16, "pixels");
            return new Images(dims[0], dims[1], dims[2], pixels);
        }
    }

    /** The first buffer for the data; it doubles as data arrives, up to the count of the header. */
    private static final int FIRST_BUFFER = 1 << 16;

    /** Whether {@code file} starts with the gzip magic bytes {@code 1f 8b}. */
    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Opens {@code file}, decompressing it when it starts with the gzip magic bytes. */
    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw new IOException(file + ": broken gzip header (" + e.getMessage() + ")", e);
            }
        }
        return in;
    }

    private static int[] readHeader(InputStream in, Path file, int expectedMagic, String what) throws IOException {
        byte[] head = readSome(in, file, 4, "magic number");
        int magic = readInt(head, 0);
        if (magic != expectedMagic) {
            throw new IllegalArgumentException(file + ": " + describeMagic(magic) + "; expected an IDX file of "
                    + what + " (magic 0x" + hex(expectedMagic) + ")");
        }
        int rank = magic & 0xFF;
        byte[] dimBytes = readSome(in, file, 4 * rank, "dimensions");
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = readInt(dimBytes, 4 * i);
            if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                throw new IllegalArgumentException(file + ": dimension " + i + " of the header is " + dims[i]);
            }
        }
        return dims;
    }

    private static String describeMagic(int magic) {
        if ((magic >>> 16) != 0) {
            return "bad magic number 0x" + hex(magic) + " (not an IDX file)";
        }
        int type = (magic >>> 8) & 0xFF;
        if (type != 0x08) {
            return "element type 0x" + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)";
        }
        return "magic number 0x" + hex(magic) + " means " + (magic & 0xFF) + " dimension(s)";
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    /** Reads a part of the header; a short file is an error that says which part is missing. */
    private static byte[] readSome(InputStream in, Path file, int n, String what) throws IOException {
        byte[] b = new byte[n];
        int got = readFully(in, file, b, what);
        if (got < n) {
            throw new IOException(file + ": file ends inside the header, while reading the " + what
                    + " (" + got + " of " + n + " bytes)");
        }
        return b;
    }

    /**
     * Reads exactly {@code n} data bytes after a header of {@code header} bytes and checks that nothing follows
     * them. The count comes from the header, so
     * it is not trusted for an allocation: a raw file must hold exactly the header plus {@code n} bytes (checked
     * against its size before anything is allocated), and a gzip stream's bytes are read into a buffer that grows
     * with the data that actually arrives (at most twice its size), so a header claiming a billion labels in a
     * few-byte file costs a few bytes.
     */
    private static byte[] readExactly(InputStream in, Path file, int n, int header, String what)
            throws IOException {
        if (!isGzip(file)) {
            long data = Files.size(file) - header;
            if (data < n) {
                throw new IOException(file + ": expected " + n + " bytes of " + what + ", file ends after " + data);
            }
            if (data > n) {
                throw new IOException(file + ": " + (data - n) + " unexpected bytes after the " + n + " bytes of "
                        + what);
            }
        }
        byte[] b = new byte[Math.min(n, FIRST_BUFFER)];
        int got = 0;
        while (true) {
            got += readFully(in, file, b, got, what);
            if (got < b.length || b.length == n) {
                break;
            }
            b = java.util.Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
        }
        if (got < n) {
            throw new IOException(file + ": expected " + n + " bytes of " + what + ", file ends after " + got);
        }
        long extra = 0;
        try {
            extra = in.skip(Long.MAX_VALUE);
            while (in.read() >= 0) {
                extra += 1 + in.skip(Long.MAX_VALUE);
            }
        } catch (EOFException | ZipException e) {
            throw new IOException(file + ": broken gzip stream after the " + what + " (" + e.getMessage() + ")", e);
        }
        if (extra > 0) {
            throw new IOException(file + ": " + extra + " unexpected bytes after the " + n + " bytes of " + what);
        }
        return b;
    }

    /**
     * Fills {@code b} as far as the data goes and returns the number of bytes read. A gzip stream cut short ends
     * the data like a short raw file does; a corrupt one is an error.
     */
    private static int readFully(InputStream in, Path file, byte[] b, String what) throws IOException {
        return readFully(in, file, b, 0, what);
    }

    /** {@link #readFully(InputStream, Path, byte[], String)} from {@code b[from]} on; returns the bytes read. */
    private static int readFully(InputStream in, Path file, byte[] b, int from, String what) throws IOException {
        int got = from;
        try {
            while (got < b.length) {
                int r = in.read(b, got, b.length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (EOFException e) {
            return got - from;
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip data after " + got + " bytes of " + what + " ("
                    + e.getMessage() + ")", e);
        }
        return got - from;
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }
}
