package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./backprop} script at the repository root, as a user runs it: it finds a JDK, runs the packaged jar with
 * the Vector API flags, keeps stdout clean and passes the exit code through. Run by Maven's failsafe plugin in the
 * integration-test phase, after the shaded jar is packaged, so the script finds its jar current and builds nothing.
 */
class BackpropScriptIT {
    @TempDir
    Path tmp;

    record Exit(int code, String out, String err) {
    }

    private Exit backprop(String... args) throws Exception {
        Path root = ProcessTest.repoRoot();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("backprop").toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        Exit e = new Exit(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertFalse(e.err().contains("building"), "the script rebuilt a jar that was just packaged:\n" + e.err());
        return e;
    }

    @Test
    void versionAndHelp() throws Exception {
        Exit v = backprop("--version");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().startsWith("backprop "), v.out());
        Exit h = backprop("train", "--help");
        assertEquals(0, h.code(), h.err());
        assertTrue(h.out().contains("--layers"), h.out());
    }

    @Test
    void trainWithJsonPrintsOneObjectAndNoJvmNoticeOnStderr() throws Exception {
        Path run = tmp.resolve("run");
        Exit e = backprop("train", "--samples", "200", "--epochs", "2", "--layers", "2-8-2", "--json", "--out",
                run.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        assertEquals(run.toString(), j.get("run").asText());
        assertTrue(Files.isRegularFile(run.resolve("model.safetensors")));
        assertFalse(e.err().contains("incubator"), e.err());
    }

    @Test
    void exitCodesPassThrough() throws Exception {
        Exit usage = backprop("gradcheck", "--bogus");
        assertEquals(2, usage.code(), usage.err());
        assertTrue(usage.err().contains("Unknown option: '--bogus'"), usage.err());
        Exit failure = backprop("train", "--samples", "200", "--epochs", "3", "--lr", "1e9", "--out",
                tmp.resolve("nan").toString());
        assertEquals(1, failure.code(), failure.err());
        assertTrue(failure.err().contains("diverged at step"), failure.err());
        assertFalse(failure.err().contains("\tat "), failure.err());
    }

    /** {@code script}, which runs a command in a pseudo-terminal, or null where it is not installed. */
    private static Path script() {
        for (String p : List.of("/usr/bin/script", "/bin/script")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /** Starts {@code ./backprop ARGS} in a pseudo-terminal of 120 columns; its output, both streams, on stdout. */
    private Process inTerminal(String args) throws Exception {
        Path script = script();
        org.junit.jupiter.api.Assumptions.assumeTrue(script != null, "no 'script' to run a pseudo-terminal");
        String cmd = "stty cols 120 rows 40; " + ProcessTest.repoRoot().resolve("backprop") + " " + args;
        return new ProcessBuilder(script.toString(), "-qec", cmd, "/dev/null").directory(tmp.toFile())
                .redirectErrorStream(true).start();
    }

    @Test
    void inATerminalTheJvmNoticeIsHiddenTooAndExitCodesPassThrough() throws Exception {
        Process v = inTerminal("--version");
        String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(v.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, v.exitValue(), out);
        assertTrue(out.startsWith("backprop "), out);
        assertFalse(out.contains("incubator"), out);
        Process u = inTerminal("train --epoch 3");
        String usage = new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(u.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, u.exitValue(), usage);
        assertTrue(usage.contains("Did you mean --epochs?"), usage);
        assertFalse(usage.contains("incubator"), usage);
    }

    @Test
    void ctrlCInATerminalStillPrintsHowToResume() throws Exception {
        Path run = tmp.resolve("run");
        Process p = inTerminal("train --epochs 10000 --out " + run);
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (seen) {
                        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        long until = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < until) {
            synchronized (seen) {
                if (seen.indexOf("epoch   2") >= 0) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        p.getOutputStream().write(3); // Ctrl-C, as typed: the terminal interrupts its foreground processes
        p.getOutputStream().flush();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), seen::toString);
        reader.join(10_000);
        String out;
        synchronized (seen) {
            out = seen.toString();
        }
        assertTrue(out.contains("interrupted: continue with  backprop train --resume " + run), out);
        assertFalse(out.contains("incubator"), out);
        assertEquals(130, p.exitValue(), out);
    }
}
