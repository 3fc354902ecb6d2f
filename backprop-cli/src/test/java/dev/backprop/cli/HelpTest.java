package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help with its usage and exit code 0, wrapped at word boundaries; --version. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "predict", "inspect", "gradcheck", "report", "experiment", "bench"})
    void everyCommandHasHelp(String command) {
        Cli.Result r = Cli.run(command, "--help").expect(0);
        assertTrue(r.out().contains("Usage: backprop " + command), r.out());
    }

    /** Help at {@code width} columns. */
    private static String help(int width, String... args) {
        String old = System.getProperty("picocli.usage.width");
        System.setProperty("picocli.usage.width", Integer.toString(width));
        try {
            return Cli.run(args).expect(0).out();
        } finally {
            if (old == null) {
                System.clearProperty("picocli.usage.width");
            } else {
                System.setProperty("picocli.usage.width", old);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {60, 80, 120})
    void helpWrapsAtWordBoundaries(int width) {
        String train = help(width, "train", "--help");
        for (String line : train.split("\\R")) {
            assertTrue(line.length() <= width || !line.strip().contains(" "), "line longer than " + width + ": "
                    + line);
        }
        // words that a cut at the column edge split ("lin" + "ear", "model." + "safetensors") stay whole
        for (String word : List.of("linear", "model.safetensors", "initial.safetensors", "lecun-normal",
                "xavier-uniform", "--early-stop", "(1-2*eta*lambda)w")) {
            assertTrue(train.contains(word), word + " broken in:\n" + train);
        }
        String top = help(width, "--help");
        assertTrue(top.contains("report") && top.contains("Write a self-contained HTML report"), top);
        assertFalse(top.contains("%n"), top);
    }

    @Test
    void versionNamesBackpropAndTheJavaThatRunsIt() {
        List<String> lines = Cli.run("--version").expect(0).out().lines().toList();
        assertEquals("backprop " + Main.VERSION, lines.get(0));
        assertTrue(lines.get(1).startsWith("Java " + Runtime.version()), lines.toString());
    }
}
