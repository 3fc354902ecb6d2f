package dev.backprop.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.backprop.fuzz.FuzzProperty;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes the CSV reader: any bytes give a data set, or an {@link IOException} or {@link IllegalArgumentException}
 * naming the file, within the time and memory bounds of {@link FuzzProperty}. Replayed from
 * {@code CsvReaderFuzzTestInputs} by every test run; fuzzed with {@code JAZZER_FUZZ=1} (docs/reliability.md).
 */
class CsvReaderFuzzTest {
    @FuzzTest
    void readClassification(byte[] data) throws IOException {
        Path f = FuzzProperty.file("train.csv", data);
        FuzzProperty.check(f, () -> CsvReader.readClassification(f, CsvReader.Column.at(-1)), IOException.class,
                IllegalArgumentException.class);
    }

    @FuzzTest
    void readRegression(byte[] data) throws IOException {
        Path f = FuzzProperty.file("target.csv", data);
        FuzzProperty.check(f, () -> CsvReader.readRegression(f, CsvReader.Column.named("y")), IOException.class,
                IllegalArgumentException.class);
    }
}
