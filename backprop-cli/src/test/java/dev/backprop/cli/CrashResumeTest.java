package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of {@code backprop train}, as a user would meet it: a training process is killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) 20 times, and each time continued with {@code --resume} (or started
 * again with {@code --force} when it died before its first checkpoint). The run then ends with weights bit-identical
 * to an uninterrupted run's and the same epoch lines in metrics.jsonl. The test seam
 * {@code backprop.test.checkpointPauseMs} stretches each checkpoint write (a pause after each weight file, before
 * trainer.json commits), so that kills land inside one. Each process is killed after it has committed an epoch of
 * its own (so that every life makes progress): every fourth right inside its next checkpoint write (a weight file
 * of an epoch that trainer.json does not yet commit), the others at a random moment of the next 2.5 epochs.
 */
class CrashResumeTest {
    private static final int KILLS = 20;
    private static final int EPOCHS = 30;
    private static final List<String> TRAIN = List.of("train", "--samples", "300", "--layers", "2-16-2",
            "--epochs", Integer.toString(EPOCHS), "--batch", "16", "--threads", "1", "--seed", "7", "--lr", "0.05",
            "--momentum", "0.9");
    private static final Pattern WEIGHT_FILE = Pattern.compile("(model|optimizer)-e([0-9]+)\\.safetensors");

    @TempDir
    Path tmp;

    private Process start(List<String> args, String log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dbackprop.test.checkpointPauseMs=60",
                "-cp", System.getProperty("java.class.path"), "dev.backprop.cli.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile()).start();
    }

    private static int finish(Process p) throws Exception {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("a training process did not finish");
        }
        return p.exitValue();
    }

    @Test
    void killedTwentyTimesAndResumedItEndsBitIdenticalToAnUninterruptedRun() throws Exception {
        Path ref = tmp.resolve("ref");
        List<String> refArgs = new ArrayList<>(TRAIN);
        refArgs.addAll(List.of("--out", ref.toString()));
        long t0 = System.nanoTime();
        Process reference = start(refArgs, "ref.log");
        while (reference.isAlive() && !Files.exists(ref.resolve("checkpoint").resolve("trainer.json"))) {
            Thread.sleep(10);
        }
        long firstCheckpointMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, finish(reference), () -> log("ref.log"));
        long epochMs = ((System.nanoTime() - t0) / 1_000_000 - firstCheckpointMs) / (EPOCHS - 1);
        int latest = (int) (2.5 * epochMs) + 2; // however fast this machine is

        Path run = tmp.resolve("crashed");
        Path checkpoint = run.resolve("checkpoint");
        SplittableRandom random = new SplittableRandom(2026);
        int insideWrites = 0;
        TreeSet<Integer> epochsAtKill = new TreeSet<>();
        for (int kill = 0; kill <= KILLS; kill++) {
            List<String> args = new ArrayList<>();
            if (Files.isRegularFile(checkpoint.resolve("trainer.json"))) {
                args.addAll(List.of("train", "--resume", run.toString()));
            } else { // died before its first checkpoint: a fresh start, replacing what it left
                args.addAll(TRAIN);
                args.addAll(List.of("--out", run.toString(), "--force"));
            }
            Process p = start(args, "run.log");
            if (kill == KILLS) {
                assertEquals(0, finish(p), () -> log("run.log"));
                break;
            }
            // once this process has committed an epoch of its own ...
            int before = committedEpoch(checkpoint);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && committedEpoch(checkpoint) <= before && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            if (kill % 4 == 3) { // ... right inside its next checkpoint write
                while (p.isAlive() && !writeInProgress(checkpoint, committedEpoch(checkpoint))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            } else { // ... or at a random moment of the next 2.5 epochs
                Thread.sleep(random.nextInt(0, latest));
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            p.waitFor(30, TimeUnit.SECONDS);
            int committed = committedEpoch(checkpoint);
            epochsAtKill.add(committed);
            if (writeInProgress(checkpoint, committed)) {
                insideWrites++;
            }
        }
        assertArrayEquals(Files.readAllBytes(ref.resolve("model.safetensors")),
                Files.readAllBytes(run.resolve("model.safetensors")), "final weights, bit for bit");
        assertEquals(epochLines(ref), epochLines(run));
        assertEquals(EPOCHS, epochLines(run).size());
        String kills = insideWrites + " kills inside a checkpoint write, at checkpoints of epochs " + epochsAtKill
                + " (random delays up to " + latest + " ms)";
        assertTrue(insideWrites >= KILLS / 4, kills);
        assertTrue(epochsAtKill.size() >= 10, kills);
    }

    /** The epoch trainer.json commits, 0 when there is none yet. */
    private static int committedEpoch(Path checkpoint) throws Exception {
        Path index = checkpoint.resolve("trainer.json");
        return Files.isRegularFile(index) ? Cli.JSON.readTree(index.toFile()).get("epoch").asInt() : 0;
    }

    /** Whether the folder holds a temporary file or a weight file of an epoch trainer.json does not yet commit. */
    private static boolean writeInProgress(Path checkpoint, int committed) throws Exception {
        if (!Files.isDirectory(checkpoint)) {
            return false;
        }
        try (var files = Files.list(checkpoint)) {
            return files.map(f -> f.getFileName().toString()).anyMatch(name -> {
                Matcher m = WEIGHT_FILE.matcher(name);
                return name.endsWith(".tmp") || m.matches() && Integer.parseInt(m.group(2)) > committed;
            });
        }
    }

    /** The epoch lines of a run's metrics.jsonl, without their timings. */
    private static List<JsonNode> epochLines(Path run) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = Cli.JSON.readTree(line);
            if ("epoch".equals(n.path("type").asText())) {
                ((ObjectNode) n).remove(List.of("seconds", "samples_per_second"));
                lines.add(n);
            }
        }
        return lines;
    }

    private String log(String name) {
        try {
            return Files.readString(tmp.resolve(name), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
