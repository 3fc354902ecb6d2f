package dev.backprop.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.backprop.fuzz.FuzzProperty;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes the IDX reader (raw and gzip): any bytes give labels or images, or an {@link IOException} or
 * {@link IllegalArgumentException} naming the file, within the time and memory bounds of {@link FuzzProperty}.
 * Replayed from {@code IdxReaderFuzzTestInputs} by every test run; fuzzed with {@code JAZZER_FUZZ=1}
 * (docs/reliability.md).
 */
class IdxReaderFuzzTest {
    @FuzzTest
    void readLabels(byte[] data) throws IOException {
        Path f = FuzzProperty.file("labels-idx1-ubyte", data);
        FuzzProperty.check(f, () -> IdxReader.readLabels(f), IOException.class, IllegalArgumentException.class);
    }

    @FuzzTest
    void readImages(byte[] data) throws IOException {
        Path f = FuzzProperty.file("images-idx3-ubyte", data);
        FuzzProperty.check(f, () -> IdxReader.readImages(f), IOException.class, IllegalArgumentException.class);
    }
}
