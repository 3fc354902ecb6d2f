package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** The bytes of an IDX file: magic, dimensions, data (written here by hand, independent of the reader). */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    @Test
    void readsRawAndGzippedImages() throws IOException {
        byte[] px = ramp(3 * 4 * 5);
        byte[] file = idx(0x803, new int[] {3, 4, 5}, px);
        for (Path p : new Path[] {write("img", file), write("img.gz", gzip(file))}) {
            IdxReader.Images im = IdxReader.readImages(p);
            assertEquals(3, im.count());
            assertEquals(4, im.rows());
            assertEquals(5, im.cols());
            assertEquals(20, im.pixelsPerImage());
            assertArrayEquals(px, im.pixels());
        }
    }

    @Test
    void readsLabelsAsUnsignedBytes() throws IOException {
        byte[] file = idx(0x801, new int[] {4}, new byte[] {0, 9, (byte) 200, 1});
        assertArrayEquals(new int[] {0, 9, 200, 1}, IdxReader.readLabels(write("lab", file)));
        assertArrayEquals(new int[] {0, 9, 200, 1}, IdxReader.readLabels(write("lab.gz", gzip(file))));
    }

    @Test
    void truncatedDataNamesFileAndByteCounts() throws IOException {
        byte[] full = idx(0x803, new int[] {10, 28, 28}, ramp(7840));
        byte[] cut = Arrays.copyOf(full, 16 + 1000);
        for (Path p : new Path[] {write("train-images-idx3-ubyte", cut), write("train-images-idx3-ubyte.gz", gzip(cut))}) {
            IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(p));
            assertTrue(e.getMessage().startsWith(p.toString() + ": expected 7840 bytes of pixels, file ends after 1000"),
                    e.getMessage());
        }
    }

    @Test
    void truncatedGzipStreamIsReportedLikeAShortFile() throws IOException {
        byte[] gz = gzip(idx(0x801, new int[] {5000}, ramp(5000)));
        Path p = write("labels.gz", Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(p));
        assertTrue(e.getMessage().contains("labels.gz") && e.getMessage().contains("expected 5000 bytes of labels"),
                e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] file = idx(0x801, new int[] {2}, new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(write("lab", file)));
        assertTrue(e.getMessage().contains("1 unexpected bytes after the 2 bytes of labels"), e.getMessage());
    }

    @Test
    void badMagicNumbersAreRejected() throws IOException {
        Path notIdx = write("x.idx", idx(0x12345678, new int[] {1}, new byte[1]));
        var e1 = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(notIdx));
        assertTrue(e1.getMessage().contains("x.idx") && e1.getMessage().contains("bad magic number 0x12345678"),
                e1.getMessage());

        Path floats = write("f.idx", idx(0x0D01, new int[] {1}, new byte[4]));
        var e2 = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(floats));
        assertTrue(e2.getMessage().contains("element type 0xd is not supported"), e2.getMessage());

        Path labels = write("labels.idx", idx(0x801, new int[] {1}, new byte[1]));
        var e3 = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(labels));
        assertTrue(e3.getMessage().contains("expected an IDX file of images (magic 0x00000803)"), e3.getMessage());
    }

    @Test
    void shortHeaderIsReported() throws IOException {
        Path p = write("short", new byte[] {0, 0, 8, 3, 0, 0});
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("file ends inside the header"), e.getMessage());
    }

    /** Bytes allocated on this thread while {@code r} runs (HotSpot's per-thread allocation counter). */
    private static long allocatedBy(org.junit.jupiter.api.function.Executable r) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        assertThrows(IOException.class, r);
        return mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
    }

    @Test
    void aTinyFileDeclaringBillionsOfElementsAllocatesNothingOfTheKind() throws IOException {
        Path raw = write("labels-raw", idx(IdxReader.LABELS_MAGIC, new int[] {Integer.MAX_VALUE}, new byte[3]));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(raw));
        assertEquals(raw + ": expected " + Integer.MAX_VALUE + " bytes of labels, file ends after 3", e.getMessage());
        assertTrue(allocatedBy(() -> IdxReader.readLabels(raw)) < (8 << 20), "checked against the file size first");
        Path gz = write("images-gz", gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {100_000, 100, 200}, new byte[5])));
        IOException g = assertThrows(IOException.class, () -> IdxReader.readImages(gz));
        assertEquals(gz + ": expected 2000000000 bytes of pixels, file ends after 5", g.getMessage());
        assertTrue(allocatedBy(() -> IdxReader.readImages(gz)) < (8 << 20), "a gzip buffer grows with its data");
        Path overflow = write("images-overflow", idx(IdxReader.IMAGES_MAGIC,
                new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[0]));
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(overflow));
        assertTrue(o.getMessage().startsWith(overflow + ": ") && o.getMessage().contains("more than one array"),
                o.getMessage());
    }
}
