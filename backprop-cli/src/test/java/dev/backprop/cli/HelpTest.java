package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help with its usage and exit code 0. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "predict", "inspect", "gradcheck", "report", "experiment", "bench"})
    void everyCommandHasHelp(String command) {
        Cli.Result r = Cli.run(command, "--help").expect(0);
        assertTrue(r.out().contains("Usage: backprop " + command), r.out());
    }
}
