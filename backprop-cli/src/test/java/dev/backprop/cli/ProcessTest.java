package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a separate process: real exit codes, real stdout and stderr.
 *
 * <p>Surefire runs before the shaded jar is packaged, so these tests start {@code java -cp <the test class path>
 * dev.backprop.cli.Main} with the JDK running the tests: that works from a clean clone ({@code ./mvnw -B verify})
 * without a nested build. The {@code ./backprop} script itself is tested by {@link BackpropScriptIT}, which Maven's
 * failsafe plugin runs after the jar is packaged.
 */
class ProcessTest {
    @TempDir
    Path tmp;

    record Exit(int code, String out, String err) {
    }

    private static Exit exec(List<String> command, Path stdout, Path stderr) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Exit(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private Exit backprop(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.backprop.cli.Main"));
        cmd.addAll(List.of(args));
        return exec(cmd, tmp.resolve("out.txt"), tmp.resolve("err.txt"));
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Exit e = backprop("--help");
        assertEquals(0, e.code(), e.err());
        for (String c : List.of("train", "eval", "predict", "inspect", "gradcheck")) {
            assertTrue(e.out().contains("  " + c), c + " in\n" + e.out());
        }
    }

    @Test
    void trainJsonPrintsExactlyOneObjectOnStdout() throws Exception {
        Path run = tmp.resolve("run");
        Exit e = backprop("train", "--epochs", "1", "--samples", "200", "--json", "--out", run.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode j = Cli.JSON.readTree(e.out());
        assertTrue(j.isObject());
        assertEquals(run.toString(), j.get("run").asText());
        assertEquals(1, j.get("epochs").size());
        assertTrue(e.err().contains("epoch   1"), "progress on stderr: " + e.err());
        Exit inspect = backprop("inspect", run.toString(), "--json");
        assertEquals(0, inspect.code(), inspect.err());
        assertEquals(j.get("parameters").asLong(), Cli.JSON.readTree(inspect.out()).get("parameters").asLong());
    }

    @Test
    void exitCodesOfUsageErrorsAndFailures() throws Exception {
        Exit usage = backprop("train", "--layers", "10-5-3", "--samples", "200");
        assertEquals(2, usage.code(), usage.err());
        assertTrue(usage.err().contains("layer 1"), usage.err());
        Exit failure = backprop("eval", "--model", tmp.resolve("missing").toString());
        assertEquals(1, failure.code(), failure.err());
        assertFalse(failure.err().contains("\tat "), failure.err());
    }

    /** The folder holding the {@code backprop} script, found by walking up from the working directory. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("backprop")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no folder with the backprop script above " + Path.of("").toAbsolutePath());
    }

    @Test
    void anInterruptedRunSaysHowToResume() throws Exception {
        Path run = tmp.resolve("interrupted");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.backprop.cli.Main", "train", "--samples", "2000", "--epochs", "100000", "--out", run.toString()));
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(err.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(run.resolve("checkpoint").resolve("trainer.json")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(run.resolve("checkpoint").resolve("trainer.json")), "a first epoch finished");
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(); // what Ctrl-C sends
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run stopped");
        } finally {
            p.destroyForcibly();
        }
        String e = Files.readString(err, StandardCharsets.UTF_8);
        assertTrue(e.contains("interrupted: continue with  backprop train --resume " + run), e);
    }
}
