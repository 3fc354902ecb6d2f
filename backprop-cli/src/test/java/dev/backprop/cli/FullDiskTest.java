package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails midway, as on a full disk (the test seam {@code backprop.test.failWrite=NAME:BYTES} of
 * AtomicFiles makes the write of one file fail after so many bytes with "No space left on device"): the command
 * ends with exit code 1 and a clear message, leaves no temporary file, and the previous checkpoint and model still
 * load; resumed with room on the disk, the run ends as if nothing had happened.
 */
class FullDiskTest {
    private static final List<String> TRAIN = List.of("train", "--samples", "200", "--layers", "2-8-2", "--batch", "16",
            "--threads", "1", "--seed", "3");

    @TempDir
    Path tmp;

    record Exit(int code, String output) {
    }

    private Exit backprop(String failWrite, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector"));
        if (failWrite != null) {
            cmd.add("-Dbackprop.test.failWrite=" + failWrite);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.backprop.cli.Main"));
        cmd.addAll(args);
        Path log = tmp.resolve("log.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Exit(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static int committedEpoch(Path run) throws Exception {
        return Cli.JSON.readTree(run.resolve("checkpoint").resolve("trainer.json").toFile()).get("epoch").asInt();
    }

    private static void noTemporaryFiles(Path run) throws Exception {
        try (var files = Files.walk(run)) {
            List<Path> tmp = files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(tmp.isEmpty(), "temporary files left: " + tmp);
        }
    }

    @Test
    void aFullDiskMidwayLeavesThePreviousCheckpointAndModelLoadable() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, backprop(null, with(TRAIN, "--epochs", "3", "--out", run.toString())).code());
        byte[] model3 = Files.readAllBytes(run.resolve("model.safetensors"));

        // the disk fills up inside the optimizer file of epoch 5's checkpoint
        Exit full = backprop("optimizer-e5.safetensors:100", List.of("train", "--resume", run.toString(),
                "--epochs", "6"));
        assertEquals(1, full.code(), full.output());
        assertTrue(full.output().contains(run.resolve("checkpoint").resolve("optimizer-e5.safetensors")
                + ": cannot write: No space left on device"), full.output());
        assertFalse(full.output().contains("\tat "), "no stack trace: " + full.output());
        noTemporaryFiles(run);
        assertEquals(4, committedEpoch(run), "epoch 4's checkpoint is the last one committed");
        assertArrayEquals(model3, Files.readAllBytes(run.resolve("model.safetensors")), "the model is untouched");
        assertEquals(2, Model.load(run).outputCount());

        // then inside model.safetensors, at the end of the run
        Exit end = backprop("model.safetensors:64", List.of("train", "--resume", run.toString(), "--epochs", "6"));
        assertEquals(1, end.code(), end.output());
        assertTrue(end.output().contains(run.resolve("model.safetensors") + ": cannot write: No space left on device"),
                end.output());
        noTemporaryFiles(run);
        assertEquals(6, committedEpoch(run));
        assertArrayEquals(model3, Files.readAllBytes(run.resolve("model.safetensors")), "the old model still loads");
        Model.load(run);

        // with room again, resuming ends as an uninterrupted run does
        assertEquals(0, backprop(null, List.of("train", "--resume", run.toString(), "--epochs", "6")).code());
        Path ref = tmp.resolve("ref");
        assertEquals(0, backprop(null, with(TRAIN, "--epochs", "6", "--out", ref.toString())).code());
        assertArrayEquals(Files.readAllBytes(ref.resolve("model.safetensors")),
                Files.readAllBytes(run.resolve("model.safetensors")));
    }
}
