package dev.backprop.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.backprop.fuzz.FuzzProperty;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes the config files of {@code backprop train --config}: a JSON or YAML file of any bytes gives a resolved
 * configuration, or an {@link IOException} (not JSON or YAML) or a {@link UsageError} (a key or value that is not
 * valid: exit code 2) naming the file, within the time and memory bounds of {@link FuzzProperty}. Replayed from
 * {@code RunConfigFuzzTestInputs} by every test run; fuzzed with {@code JAZZER_FUZZ=1} (docs/reliability.md).
 */
class RunConfigFuzzTest {
    @FuzzTest
    void loadJson(byte[] data) throws IOException {
        Path f = FuzzProperty.file("config.json", data);
        FuzzProperty.check(f, () -> RunConfig.load(f), IOException.class, UsageError.class);
    }

    @FuzzTest
    void loadYaml(byte[] data) throws IOException {
        Path f = FuzzProperty.file("experiment.yaml", data);
        FuzzProperty.check(f, () -> RunConfig.load(f), IOException.class, UsageError.class);
    }
}
