package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.io.ModelFile;
import dev.backprop.io.Safetensors;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backprop train} in-process on tiny synthetic sets: output, run folder, config files, resume. */
class TrainCommandTest {
    static final String[] SMALL = {"--samples", "200", "--epochs", "2", "--layers", "2-8-2"};

    @TempDir
    Path tmp;

    /** {@code train} with {@link #SMALL} and {@code more}. */
    static String[] small(String... more) {
        String[] all = new String[1 + SMALL.length + more.length];
        all[0] = "train";
        System.arraycopy(SMALL, 0, all, 1, SMALL.length);
        System.arraycopy(more, 0, all, 1 + SMALL.length, more.length);
        return all;
    }

    @Test
    void theKernelWarmUpChangesNoWeight() throws IOException {
        // explicit widths start the warm-up beside the data loading; with it off the weights must be the same bytes
        String[] args = {"--samples", "4000", "--layers", "2-64-64-2", "--epochs", "2", "--threads", "2"};
        Path with = tmp.resolve("with-warmup");
        Path without = tmp.resolve("without-warmup");
        Cli.run(concat(args, "--out", with.toString())).expect(0);
        System.setProperty("backprop.warmup", "false");
        try {
            Cli.run(concat(args, "--out", without.toString())).expect(0);
        } finally {
            System.clearProperty("backprop.warmup");
        }
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(with.resolve("model.safetensors")),
                Files.readAllBytes(without.resolve("model.safetensors"))), "bit-identical weights");
    }

    @Test
    void defaultsTrainAndSayWhereTheRunFolderIs() throws IOException {
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run("train", "--samples", "200", "--epochs", "2", "--out", run.toString()).expect(0);
        assertTrue(r.out().contains("run folder: " + run), r.out());
        assertTrue(r.out().contains("epoch   2"), r.out());
        for (String f : List.of("config.json", "metrics.jsonl", ModelFile.ARCHITECTURE, ModelFile.WEIGHTS)) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        assertTrue(Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"epoch\"")).count() >= 2, "one metrics line per epoch at least");
    }

    @Test
    void jsonHasEveryKeyOfTheIssue() {
        Path run = tmp.resolve("json");
        Cli.Result r = Cli.run(small("--out", run.toString(), "--json")).expect(0);
        JsonNode j = r.json();
        assertTrue(Cli.fields(j).containsAll(List.of("run", "train_loss", "test_loss", "test_accuracy", "epochs",
                "samples_per_second", "parameters", "zero_weight_fraction")), j.toString());
        assertEquals(run.toString(), j.get("run").asText());
        assertEquals(2 * 8 + 8 + 8 * 2 + 2, j.get("parameters").asInt());
        assertTrue(j.get("test_accuracy").asDouble() >= 0 && j.get("test_accuracy").asDouble() <= 1);
        assertEquals(2, j.get("epochs").size());
        for (int e = 0; e < 2; e++) {
            JsonNode ep = j.get("epochs").get(e);
            assertTrue(Cli.fields(ep).containsAll(List.of("epoch", "seconds", "train_loss", "test_loss",
                    "test_accuracy")), ep.toString());
            assertEquals(e + 1, ep.get("epoch").asInt());
        }
        assertEquals(j.get("train_loss").asDouble(), j.get("epochs").get(1).get("train_loss").asDouble());
        assertTrue(r.err().contains("training on spirals"), "messages go to stderr with --json: " + r.err());
    }

    @Test
    void rerunFromConfigJsonReproducesTheWeights() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Cli.run(small("--out", a.toString(), "--batch-norm", "--dropout", "0.2")).expect(0);
        Cli.run("train", "--config", a.resolve("config.json").toString(), "--out", b.toString()).expect(0);
        assertSameWeights(Safetensors.read(a.resolve(ModelFile.WEIGHTS)), Safetensors.read(b.resolve(ModelFile.WEIGHTS)));
    }

    @Test
    void resumeContinuesFromTheCheckpoint() {
        Path run = tmp.resolve("resume");
        Cli.run("train", "--samples", "200", "--epochs", "1", "--layers", "2-8-2", "--out", run.toString()).expect(0);
        Cli.Result r = Cli.run("train", "--resume", run.toString(), "--epochs", "3", "--json").expect(0);
        assertTrue(r.err().contains("resuming " + run + " after epoch 1"), r.err());
        JsonNode epochs = r.json().get("epochs");
        assertEquals(3, epochs.size());
        assertEquals(3, epochs.get(2).get("epoch").asInt());
    }

    @Test
    void yamlConfigWithFlagsOverridingIt() throws IOException {
        Path yaml = Files.writeString(tmp.resolve("run.yaml"),
                "layers: 2-8-2\nepochs: 1\nsamples: 200\nactivation: tanh\nbatch-norm: true\n");
        JsonNode fromFile = Cli.run("train", "--config", yaml.toString(), "--out", tmp.resolve("y1").toString(),
                "--json").expect(0).json();
        // No bias in a Linear followed by batch norm (its shift makes it redundant); batch norm has 2 x 8.
        assertEquals(2 * 8 + 2 * 8 + 8 * 2 + 2, fromFile.get("parameters").asInt());
        assertEquals(1, fromFile.get("epochs").size());
        Path y2 = tmp.resolve("y2");
        JsonNode overridden = Cli.run("train", "--config", yaml.toString(), "--layers", "2-4-2", "--epochs", "2",
                "--out", y2.toString(), "--json").expect(0).json();
        assertEquals(2 * 4 + 2 * 4 + 4 * 2 + 2, overridden.get("parameters").asInt());
        assertEquals(2, overridden.get("epochs").size());
        JsonNode saved = Cli.JSON.readTree(y2.resolve("config.json").toFile());
        assertEquals("2-4-2", saved.get("layers").asText());
        assertEquals("tanh", saved.get("activation").asText());
    }

    static void assertSameWeights(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            Tensor x = a.get(k);
            Tensor y = b.get(k);
            assertEquals(x.shape(), y.shape(), k);
            for (int i = 0; i < x.size(); i++) {
                assertEquals(x.getFlat(i), y.getFlat(i), 0.0, k + "[" + i + "]");
            }
        }
    }

    @Test
    void initFromStartsFromTheGivenWeights() throws IOException {
        Path first = tmp.resolve("first");
        Cli.run(small("--out", first.toString())).expect(0);
        Path second = tmp.resolve("second");
        Cli.run(small("--out", second.toString(), "--seed", "999", "--init-from",
                first.resolve(ModelFile.WEIGHTS).toString())).expect(0);
        Map<String, Tensor> trained = Safetensors.read(first.resolve(ModelFile.WEIGHTS));
        Map<String, Tensor> start = Safetensors.read(second.resolve("initial.safetensors"));
        assertEquals(trained.keySet(), start.keySet());
        for (String k : trained.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(trained.get(k).toFloatArray(), start.get(k).toFloatArray(), k);
        }
    }

    @Test
    void initFromWithOtherShapesNamesTheFileAndTensor() {
        Path first = tmp.resolve("wide");
        Cli.run("train", "--samples", "200", "--epochs", "1", "--layers", "2-16-2", "--out", first.toString()).expect(0);
        Path weights = first.resolve(ModelFile.WEIGHTS);
        Cli.Result r = Cli.run(small("--out", tmp.resolve("x").toString(), "--init-from", weights.toString()))
                .expect(1).noStackTrace();
        assertTrue(r.err().contains(weights.toString()) && r.err().contains("0.weight"), r.err());
    }

    /** Every file under {@code dir} with its bytes, to check that nothing changed. */
    private static java.util.Map<String, String> snapshot(Path dir) throws java.io.IOException {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    @Test
    void trainingIntoAnExistingRunIsAnErrorThatLeavesItUntouched(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Cli.run("train", "--samples", "100", "--epochs", "1", "--out", run.toString()).expect(0);
        var before = snapshot(run);
        Cli.Result again = Cli.run("train", "--samples", "100", "--epochs", "2", "--out", run.toString()).expect(2);
        assertTrue(again.err().contains("already holds a run") && again.err().contains("--resume " + run)
                && again.err().contains("--force"), again.err());
        assertEquals(before, snapshot(run), "a refused run leaves the folder byte for byte as it was");
        // a usage error in another flag leaves it untouched too, --force or not
        Cli.run("train", "--epochs", "0", "--force", "--out", run.toString()).expect(2);
        assertEquals(before, snapshot(run));

        Cli.run("train", "--samples", "100", "--epochs", "2", "--force", "--out", run.toString()).expect(0);
        long epochLines = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"epoch\"")).count();
        assertEquals(2, epochLines, "--force replaced the old metrics instead of appending to them");
    }

    @Test
    void forceNeverDeletesWhatARunDidNotWriteNorFollowsLinks(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Cli.run("train", "--samples", "100", "--epochs", "1", "--out", run.toString()).expect(0);
        Path notes = Files.writeString(run.resolve("notes.txt"), "mine");
        Cli.Result r = Cli.run("train", "--samples", "100", "--epochs", "1", "--force", "--out", run.toString())
                .expect(2);
        assertTrue(r.err().contains("notes.txt") && r.err().contains("nothing was deleted"), r.err());
        assertTrue(Files.exists(run.resolve("model.safetensors")) && Files.exists(notes));
        Files.delete(notes);
        // a metrics.jsonl that links out of the run folder: refused, and the target is not touched
        Path outside = Files.writeString(tmp.resolve("precious.txt"), "keep");
        Files.delete(run.resolve("metrics.jsonl"));
        Files.createSymbolicLink(run.resolve("metrics.jsonl"), outside);
        Cli.run("train", "--samples", "100", "--epochs", "1", "--force", "--out", run.toString()).expect(2);
        assertEquals("keep", Files.readString(outside));
        assertTrue(Files.isSymbolicLink(run.resolve("metrics.jsonl")));
    }

    /** The lines of metrics.jsonl without the fields that measure time. */
    private static List<String> metricsWithoutTimes(Path run) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Cli.JSON.readTree(line);
            n.remove(List.of("seconds", "samples_per_second"));
            out.add(n.toString());
        }
        return out;
    }

    @Test
    void aResumeThatStretchesTheCosineScheduleSaysSoAndMarksTheMetrics(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        // 200 samples in batches of 50: 4 steps per epoch
        Cli.run("train", "--samples", "200", "--layers", "2-8-2", "--batch", "50", "--epochs", "2", "--schedule",
                "cosine", "--lr", "0.1", "--out", run.toString()).expect(0);
        Cli.Result r = Cli.run("train", "--resume", run.toString(), "--epochs", "4").expect(0);
        // cosine: lr(t) = lr0 (1 + cos(pi t / T)) / 2; the next step t = 8 was the end of the 8-step schedule
        // (rate 0) and is now the middle of a 16-step one (rate lr0 / 2 = 0.05)
        assertTrue(r.out().contains("note: this resume changes the learning-rate schedule: epochs 2 -> 4 (the cosine"
                + " schedule spans the whole run); the learning rate of the next step is 0.05 instead of 0"), r.out());
        String mark = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"resume\"")).findFirst().orElseThrow();
        JsonNode m = Cli.JSON.readTree(mark);
        assertEquals(2, m.get("epoch").asInt());
        assertEquals(8, m.get("step").asInt());
        assertEquals(2, m.get("changes").size(), mark);

        Path same = tmp.resolve("same");
        Cli.run("train", "--samples", "200", "--layers", "2-8-2", "--batch", "50", "--epochs", "2", "--out",
                same.toString()).expect(0);
        Cli.Result longer = Cli.run("train", "--resume", same.toString(), "--epochs", "4").expect(0);
        assertTrue(!longer.out().contains("changes the learning-rate schedule"), "a constant rate continues as it"
                + " was: " + longer.out());
    }

    @Test
    void aResumeAfterACrashLeavesTheMetricsAsAnUninterruptedRunWritesThem(@TempDir Path tmp) throws Exception {
        String[] common = {"--samples", "200", "--layers", "2-8-2", "--log-every", "3", "--batch", "32"};
        Path straight = tmp.resolve("straight");
        Cli.run(concat(common, "--epochs", "4", "--out", straight.toString())).expect(0);
        Path crashed = tmp.resolve("crashed");
        Cli.run(concat(common, "--epochs", "2", "--out", crashed.toString())).expect(0);
        // what a kill during epoch 3 leaves: its first lines, a half-written line and a temporary file
        List<String> later = Files.readAllLines(straight.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"epoch\":3")).limit(2).toList();
        Files.writeString(crashed.resolve("metrics.jsonl"), String.join("\n", later) + "\n{\"type\":\"st",
                java.nio.file.StandardOpenOption.APPEND);
        Path stale = Files.writeString(crashed.resolve("checkpoint").resolve(".model-e3.safetensors.123.tmp"), "x");
        Cli.run("train", "--resume", crashed.toString(), "--epochs", "4").expect(0);
        // the same lines as the uninterrupted run's, and one mark where the run was resumed (same schedule)
        List<String> resumed = new java.util.ArrayList<>(metricsWithoutTimes(crashed));
        List<String> marks = resumed.stream().filter(l -> l.contains("\"type\":\"resume\"")).toList();
        assertEquals(List.of("{\"type\":\"resume\",\"epoch\":2,\"step\":14,\"changes\":[]}"), marks);
        resumed.removeAll(marks);
        assertEquals(metricsWithoutTimes(straight), resumed);
        assertTrue(!Files.exists(stale), "the stale temporary file is removed");
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(crashed.resolve("model.safetensors")), "bit-identical weights");
    }

    @Test
    void aResumeThatFailsToLoadItsCheckpointChangesNothing(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Cli.run("train", "--samples", "100", "--epochs", "1", "--out", run.toString()).expect(0);
        Files.writeString(run.resolve("checkpoint").resolve("trainer.json"), "{ broken");
        var before = snapshot(run);
        Cli.run("train", "--resume", run.toString(), "--epochs", "3", "--lr", "0.5").expect(1).noStackTrace();
        assertEquals(before, snapshot(run), "config.json is rewritten only after the checkpoint has loaded");
        // a checkpoint/ that links elsewhere is refused before anything is written
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path ckpt = run.resolve("checkpoint");
        try (var files = Files.list(ckpt)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(ckpt);
        Files.createSymbolicLink(ckpt, elsewhere);
        Cli.Result r = Cli.run("train", "--resume", run.toString(), "--epochs", "3").expect(2);
        assertTrue(r.err().contains("checkpoint is a symbolic link"), r.err());
        try (var files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "nothing written through the link");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length + 1);
        out[0] = "train";
        System.arraycopy(a, 0, out, 1, a.length);
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }
}
