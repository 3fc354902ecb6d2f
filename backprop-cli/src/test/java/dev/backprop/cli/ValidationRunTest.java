package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with a {@code --val-split} hold-out: it is called validation (summary, JSON, epoch lines), {@code eval} of
 * the run scores exactly the held-out rows, {@code --restore-best} saves the best epoch's model and
 * {@code best_epoch} names it, and every epoch has a training accuracy.
 */
class ValidationRunTest {
    @TempDir
    Path tmp;

    /** Three well separated classes in a CSV file of {@code n} rows, with a header. */
    static Path csv(Path file, int n, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("a,b,kind\n");
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(3);
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", k + 0.4 * r.nextGaussian(),
                    -k + 0.4 * r.nextGaussian(), "k" + k));
        }
        return Files.writeString(file, sb.toString());
    }

    @Test
    void aValSplitRunIsValidatedAndEvalScoresTheHeldOutRowsNotTheWholeFile() throws IOException {
        Path data = csv(tmp.resolve("three.csv"), 200, 1);
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run("train", "--data", data.toString(), "--val-split", "0.25", "--layers", "2-8-3",
                "--epochs", "3", "--out", run.toString(), "--json").expect(0);
        JsonNode j = r.json();
        assertTrue(Cli.fields(j).containsAll(List.of("train_accuracy", "validation_loss", "validation_accuracy",
                "best_epoch")), j.toString());
        assertFalse(j.has("test_loss") || j.has("test_accuracy"), "a hold-out is not a test set: " + j);
        for (JsonNode e : j.get("epochs")) {
            assertTrue(e.has("validation_loss") && e.has("validation_accuracy") && !e.has("test_loss"), e.toString());
            assertTrue(e.get("train_accuracy").asDouble() > 0 && e.get("train_accuracy").asDouble() <= 1,
                    e.toString());
        }
        assertTrue(r.err().contains("50 more held out for validation"), r.err());
        assertTrue(r.err().contains("val loss") && !r.err().contains("test loss"), r.err());

        // split.json: 50 of the 200 data rows
        JsonNode split = Cli.JSON.readTree(run.resolve(RunFiles.SPLIT).toFile());
        assertEquals(200, split.get("source_rows").asInt());
        assertEquals(50, split.get("validation_rows").size());

        JsonNode e = Cli.run("eval", "--model", run.toString(), "--json").expect(0).json();
        assertEquals(50, e.get("samples").asInt(), "the held-out rows, not the 200 of the file: " + e);
        assertEquals(j.get("validation_accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-12);
        assertEquals(j.get("validation_loss").asDouble(), e.get("loss").asDouble(), 1e-5);
        assertTrue(e.get("data").asText().contains("validation rows"), e.toString());

        // the data file changed since training: said so, not silently scored on other rows
        csv(data, 180, 1);
        Cli.Result changed = Cli.run("eval", "--model", run.toString()).expect(2);
        assertTrue(changed.err().contains("has 180 samples, but the run held its validation rows out of 200"),
                changed.err());
    }

    @Test
    void evalScoresTheHeldOutRowsOfAnOlderRunFolderWithoutSplitJsonToo() throws IOException {
        Path data = csv(tmp.resolve("three.csv"), 120, 2);
        Path run = tmp.resolve("run");
        JsonNode j = Cli.run("train", "--data", data.toString(), "--val-split", "0.3", "--layers", "2-8-3",
                "--epochs", "2", "--out", run.toString(), "--json").expect(0).json();
        Files.delete(run.resolve(RunFiles.SPLIT));
        JsonNode e = Cli.run("eval", "--model", run.toString(), "--json").expect(0).json();
        assertEquals(36, e.get("samples").asInt());
        assertEquals(j.get("validation_accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void restoreBestSavesTheBestEpochsModelAndNamesIt() throws IOException {
        Path data = csv(tmp.resolve("three.csv"), 200, 3);
        Path run = tmp.resolve("run");
        // a learning rate so high that the validation loss jumps around: the best epoch is rarely the last
        JsonNode j = Cli.run("train", "--data", data.toString(), "--val-split", "0.25", "--layers", "2-32-3",
                "--epochs", "8", "--lr", "2", "--momentum", "0.9", "--restore-best", "--log-every", "0",
                "--out", run.toString(), "--json").expect(0).json();
        int best = j.get("best_epoch").asInt();
        double lowest = Double.POSITIVE_INFINITY;
        int argmin = 0;
        for (JsonNode ep : j.get("epochs")) {
            if (ep.get("validation_loss").asDouble() < lowest) {
                lowest = ep.get("validation_loss").asDouble();
                argmin = ep.get("epoch").asInt();
            }
        }
        assertEquals(argmin, best, j.toString());
        assertTrue(j.get("restored_best").asBoolean());
        assertTrue(best < 8, "this setting is meant to have its best epoch before the last: " + j);
        // the saved model scores the validation rows as the best epoch did, not as the last one
        JsonNode e = Cli.run("eval", "--model", run.toString(), "--json").expect(0).json();
        assertEquals(lowest, e.get("loss").asDouble(), 1e-5);
        JsonNode last = j.get("epochs").get(7);
        assertTrue(Math.abs(last.get("validation_loss").asDouble() - e.get("loss").asDouble()) > 1e-4,
                "the last epoch's model is not the one saved");

        Cli.Result text = Cli.run("train", "--data", data.toString(), "--val-split", "0.25", "--layers", "2-32-3",
                "--epochs", "8", "--lr", "2", "--restore-best", "--log-every", "0", "--out",
                tmp.resolve("text").toString()).expect(0);
        assertTrue(text.out().contains("best epoch " + best + " (validation loss")
                && text.out().contains("the saved model is that epoch's (--restore-best)"), text.out());
    }

    @Test
    void aModelThatGetsWorseOnHeldOutDataIsFoundOverfittingAndTheRemedyIsNamed() throws IOException {
        Path train = csv(tmp.resolve("train.csv"), 300, 4);
        // the same rows with every label moved to the next class: the better the model fits the training data,
        // the worse it does here
        List<String> rows = Files.readAllLines(train);
        StringBuilder swapped = new StringBuilder(rows.getFirst()).append('\n');
        for (String row : rows.subList(1, rows.size())) {
            int k = row.charAt(row.length() - 1) - '0';
            swapped.append(row, 0, row.length() - 1).append((k + 1) % 3).append('\n');
        }
        Path test = Files.writeString(tmp.resolve("swapped.csv"), swapped.toString());
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run("train", "--data", train.toString(), "--test", test.toString(), "--layers", "2-16-3",
                "--epochs", "8", "--out", run.toString()).expect(0);
        assertTrue(r.out().contains("finding: overfitting: since epoch 1 the training loss fell"), r.out());
        assertTrue(r.out().contains("--early-stop 3 --restore-best"), r.out());
        JsonNode findings = Cli.JSON.readTree(run.resolve("findings.json").toFile());
        assertTrue(findings.toString().contains("\"kind\":\"overfitting\""), findings.toString());

        Cli.Result healthy = Cli.run("train", "--data", train.toString(), "--val-split", "0.3", "--layers", "2-16-3",
                "--epochs", "8", "--out", tmp.resolve("healthy").toString()).expect(0);
        assertFalse(healthy.out().contains("overfitting"), healthy.out());
    }
}
