package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void missingFilesGiveTheDirectoryAndTheFix() {
        var e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains(dir.toString()), m);
        assertTrue(m.contains("train-images-idx3-ubyte"), m);
        assertTrue(m.contains("apt-get install dataset-fashion-mnist"), m);
        assertTrue(m.contains("--data-dir"), m);
    }

    @Test
    void loadsATinySetOfRawAndGzippedFiles() throws IOException {
        byte[] px = new byte[3 * 784];
        px[784] = (byte) 255; // image 1, pixel 0
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"),
                IdxReaderTest.gzip(IdxReaderTest.idx(0x803, new int[] {3, 28, 28}, px)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxReaderTest.idx(0x801, new int[] {3}, new byte[] {9, 0, 4}));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.idx(0x803, new int[] {1, 28, 28}, new byte[784]));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"),
                IdxReaderTest.gzip(IdxReaderTest.idx(0x801, new int[] {1}, new byte[] {7})));
        TrainTest t = FashionMnist.load(dir);
        assertEquals(3, t.train().size());
        assertEquals(784, t.train().featureCount());
        assertArrayEquals(new int[] {9, 0, 4}, t.train().labels());
        assertEquals(1f, t.train().feature(1, 0));
        assertEquals("Ankle boot", t.train().classNames().get(9));
        assertEquals(7, t.test().label(0));
    }

    @Test
    void mismatchedCountsAreRejected() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxReaderTest.idx(0x803, new int[] {2, 28, 28}, new byte[2 * 784]));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxReaderTest.idx(0x801, new int[] {3}, new byte[3]));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.idx(0x803, new int[] {1, 28, 28}, new byte[784]));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.idx(0x801, new int[] {1}, new byte[1]));
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("holds 2 images but"), e.getMessage());
    }

    @Test
    void installedDatasetHasTheKnownShape() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST not installed");
        TrainTest t = FashionMnist.load();
        assertEquals(60000, t.train().size());
        assertEquals(10000, t.test().size());
        assertEquals(784, t.train().featureCount());
        assertTrue(t.train().isU8());
        // The published set is balanced: 6000 training and 1000 test images per class.
        int[] six = new int[10];
        int[] one = new int[10];
        java.util.Arrays.fill(six, 6000);
        java.util.Arrays.fill(one, 1000);
        assertArrayEquals(six, t.train().classCounts());
        assertArrayEquals(one, t.test().classCounts());
        assertEquals(FashionMnist.CLASS_NAMES, t.train().classNames());
    }
}
