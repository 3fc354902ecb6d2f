package dev.backprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.backprop.fuzz.FuzzProperty;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes the safetensors reader: any bytes give tensors, or an {@link IOException} naming the file, within the time
 * and memory bounds of {@link FuzzProperty}. Replayed from {@code SafetensorsFuzzTestInputs} by every test run;
 * fuzzed with {@code JAZZER_FUZZ=1} (docs/reliability.md).
 */
class SafetensorsFuzzTest {
    @FuzzTest
    void read(byte[] data) throws IOException {
        Path f = FuzzProperty.file("weights.safetensors", data);
        FuzzProperty.check(f, () -> Safetensors.readContents(f), IOException.class);
    }
}
