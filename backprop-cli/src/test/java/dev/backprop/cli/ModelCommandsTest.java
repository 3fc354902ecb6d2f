package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.io.Safetensors;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval}, {@code predict} and {@code inspect} on models trained once, in-process, on tiny data. */
class ModelCommandsTest {
    static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

    @TempDir
    static Path tmp;
    static Path spirals;
    static Path flowers;
    static Path train;
    static Path test;
    static JsonNode spiralsRun;
    static JsonNode flowersRun;

    /** Three well separated classes with string labels, on very different feature scales (for --normalize). */
    static Path flowersCsv(Path file, int rows, long seed, boolean label) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(label ? "length,width,weight,species\n" : "length,width,weight\n");
        for (int i = 0; i < rows; i++) {
            int k = r.nextInt(3);
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%.3f", 100 + 30 * k + 5 * r.nextGaussian(),
                    0.01 * k + 0.002 * r.nextGaussian(), r.nextGaussian()));
            sb.append(label ? "," + SPECIES.get(k) : "").append('\n');
        }
        return Files.writeString(file, sb.toString());
    }

    @BeforeAll
    static void trainModels() throws IOException {
        spirals = tmp.resolve("spirals");
        spiralsRun = Cli.run("train", "--samples", "200", "--epochs", "2", "--layers", "2-16-2", "--out",
                spirals.toString(), "--json").expect(0).json();
        train = flowersCsv(tmp.resolve("train.csv"), 150, 1, true);
        test = flowersCsv(tmp.resolve("test.csv"), 60, 2, true);
        flowers = tmp.resolve("flowers");
        flowersRun = Cli.run("train", "--data", train.toString(), "--test", test.toString(), "--label-column",
                "species", "--normalize", "standard", "--layers", "3-8-3", "--epochs", "5", "--out",
                flowers.toString(), "--json").expect(0).json();
    }

    @Test
    void evalReproducesTheRunsTestScoresWithTheSavedNormaliser() {
        for (JsonNode[] run : new JsonNode[][] {{spiralsRun}, {flowersRun}}) {
            String dir = run[0].get("run").asText();
            JsonNode e = Cli.run("eval", "--model", dir, "--json").expect(0).json();
            assertEquals(List.of("model", "data", "loss", "accuracy", "samples", "seconds", "samples_per_second",
                    "confusion", "classes"), Cli.fields(e));
            assertEquals(run[0].get("test_accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-12, dir);
            assertEquals(run[0].get("test_loss").asDouble(), e.get("loss").asDouble(), 1e-5, dir);
            int diagonal = 0;
            int total = 0;
            for (int t = 0; t < e.get("confusion").size(); t++) {
                for (int p = 0; p < e.get("confusion").get(t).size(); p++) {
                    total += e.get("confusion").get(t).get(p).asInt();
                    diagonal += t == p ? e.get("confusion").get(t).get(p).asInt() : 0;
                }
            }
            assertEquals(e.get("samples").asInt(), total);
            assertEquals(e.get("accuracy").asDouble(), (double) diagonal / total, 1e-12);
        }
    }

    /** {@code --repeat} scores the data again, with the same results, and reports the median pass's speed. */
    @Test
    void evalRepeatReportsTheSpeedOfItsForwardPasses() {
        String dir = spiralsRun.get("run").asText();
        JsonNode once = Cli.run("eval", "--model", dir, "--json").expect(0).json();
        JsonNode e = Cli.run("eval", "--model", dir, "--repeat", "3", "--threads", "1", "--json").expect(0).json();
        assertEquals(once.get("accuracy").asDouble(), e.get("accuracy").asDouble(), 0, "same scores on every pass");
        assertEquals(once.get("loss").asDouble(), e.get("loss").asDouble(), 0);
        double seconds = e.get("seconds").asDouble();
        assertTrue(seconds > 0 && seconds < 60, e.toString());
        assertEquals(e.get("samples").asInt() / seconds, e.get("samples_per_second").asDouble(), 1.0, e.toString());
        String repeat = Cli.run("eval", "--model", dir, "--repeat", "0").expect(2).err();
        assertTrue(repeat.contains("--repeat"), repeat);
        String threads = Cli.run("eval", "--model", dir, "--threads", "0").expect(2).err();
        assertTrue(threads.contains("--threads"), threads);
    }

    @Test
    void evalOnAGivenCsvMapsLabelsByTheModelsClassNames() throws IOException {
        // Only two of the three species occur: the mapping must still use the model's three names.
        Path two = Files.writeString(tmp.resolve("two.csv"), "length,width,weight,species\n"
                + "160,0.02,0,virginica\n100,0,0,setosa\n");
        Cli.Result r = Cli.run("eval", "--model", flowers.toString(), "--data", two.toString()).expect(0);
        assertTrue(r.out().contains("confusion matrix (rows: true class, columns: predicted class)"), r.out());
        JsonNode e = Cli.run("eval", "--model", flowers.toString(), "--data", two.toString(), "--json").expect(0).json();
        assertEquals(SPECIES, Cli.JSON.convertValue(e.get("classes"), List.class));
        assertEquals(2, e.get("samples").asInt());
        assertEquals(1, e.get("confusion").get(0).get(0).asInt() + e.get("confusion").get(0).get(1).asInt()
                + e.get("confusion").get(0).get(2).asInt(), "one setosa row");
        assertEquals(0, e.get("confusion").get(1).get(0).asInt() + e.get("confusion").get(1).get(1).asInt()
                + e.get("confusion").get(1).get(2).asInt(), "no versicolor row");
    }

    @Test
    void evalRejectsDataOfTheWrongWidthNamingBothSizes() {
        Cli.Result r = Cli.run("eval", "--model", flowers.toString(), "--data", "spirals").expect(2).noStackTrace();
        assertTrue(r.err().contains("the model takes 3 input features, but spirals (test split) has 2"), r.err());
    }

    @Test
    void predictWritesOneLinePerRowWithProbabilities() throws IOException {
        Path input = flowersCsv(tmp.resolve("new.csv"), 7, 3, false);
        Cli.Result r = Cli.run("predict", "--model", flowers.toString(), "--input", input.toString()).expect(0);
        List<String> lines = r.out().lines().toList();
        assertEquals("prediction,p_setosa,p_versicolor,p_virginica", lines.get(0));
        assertEquals(8, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            double sum = 0;
            int best = 0;
            for (int c = 0; c < 3; c++) {
                double p = Double.parseDouble(cells[1 + c]);
                assertTrue(p >= 0 && p <= 1, line);
                sum += p;
                best = p > Double.parseDouble(cells[1 + best]) ? c : best;
            }
            assertEquals(1, sum, 2e-6, line);
            assertEquals(SPECIES.get(best), cells[0], line);
        }
    }

    @Test
    void predictionsOfTheTestFileAgreeWithEval() throws IOException {
        Path out = tmp.resolve("predictions.csv");
        Cli.Result r = Cli.run("predict", "--model", flowers.toString(), "--input", test.toString(),
                "--label-column", "species", "--output", out.toString()).expect(0);
        assertEquals("", r.out(), "predictions go to --output only");
        List<String> predicted = Files.readAllLines(out).stream().skip(1).map(l -> l.split(",")[0]).toList();
        List<String> truth = Files.readAllLines(test).stream().skip(1).map(l -> l.split(",")[3]).toList();
        assertEquals(truth.size(), predicted.size());
        int correct = 0;
        for (int i = 0; i < truth.size(); i++) {
            correct += truth.get(i).equals(predicted.get(i)) ? 1 : 0;
        }
        assertEquals(flowersRun.get("test_accuracy").asDouble(), (double) correct / truth.size(), 1e-12);
    }

    @Test
    void anF64RunReadsItsCsvInDoubleWhereAnF32RunRejectsWhatNoFloatHolds() throws IOException {
        Path wide = Files.writeString(tmp.resolve("wide.csv"),
                "a,b,label\n1e39,0.1,x\n-1e39,0.2,y\n2e39,0.3,x\n-2e39,0.4,y\n3e39,0.5,x\n-3e39,0.6,y\n");
        Cli.Result f32 = Cli.run("train", "--data", wide.toString(), "--label-column", "label", "--layers", "2-4-2",
                "--epochs", "1", "--out", tmp.resolve("wide32").toString()).expect(1).noStackTrace();
        assertTrue(f32.err().contains(wide + " line 2, column 1 ('a'): '1e39' is outside the float range of an F32"
                + " model"), f32.err());
        assertTrue(Files.notExists(tmp.resolve("wide32")), "a bad file writes no run folder");
        Path run = tmp.resolve("wide64");
        Cli.run("train", "--data", wide.toString(), "--label-column", "label", "--layers", "2-4-2", "--epochs", "3",
                "--dtype", "f64", "--normalize", "standard", "--out", run.toString()).expect(0);
        // predict reads the same file in double and writes what the library computes from the parsed doubles
        Cli.Result p = Cli.run("predict", "--model", run.toString(), "--input", wide.toString()).expect(0);
        dev.backprop.Model m = dev.backprop.Model.load(run);
        double[][] probs = m.predictProbabilities(new double[][] {{1e39, 0.1}, {-1e39, 0.2}});
        List<String> lines = p.out().lines().toList();
        for (int r = 0; r < 2; r++) {
            String[] cells = lines.get(1 + r).split(",");
            for (int c = 0; c < 2; c++) {
                assertEquals(String.format(Locale.ROOT, "%.6f", probs[r][c]), cells[1 + c], lines.get(1 + r));
            }
        }
    }

    @Test
    void predictNamesTheFileLineAndColumnOfABadValue() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "length,width,weight\n1,2,3\n4,five,6\n");
        Cli.Result r = Cli.run("predict", "--model", flowers.toString(), "--input", bad.toString()).expect(1)
                .noStackTrace();
        assertTrue(r.err().contains(bad + " line 3, column 2 ('width'): 'five' is not a number"), r.err());
        Path narrow = Files.writeString(tmp.resolve("narrow.csv"), "a,length,b\n1,2,3\n");
        Cli.Result n = Cli.run("predict", "--model", flowers.toString(), "--input", narrow.toString()).expect(2);
        assertTrue(n.err().contains(narrow + ": the header lacks 2 of the 3 columns the model needs: [width, weight]"),
                n.err());
    }

    @Test
    void predictFindsTheModelsColumnsByName() throws IOException {
        // the label column is ignored, and shuffled columns give the same predictions
        Cli.Result plain = Cli.run("predict", "--model", flowers.toString(), "--input", test.toString()).expect(0);
        List<String> lines = Files.readAllLines(test);
        List<String> header = List.of(lines.get(0).split(","));
        int[] perm = new int[header.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
        }
        StringBuilder shuffled = new StringBuilder();
        for (String line : lines) {
            String[] cells = line.split(",");
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < perm.length; i++) {
                row.append(i == 0 ? "" : ",").append(cells[perm[i]]);
            }
            shuffled.append(row).append(",extra\n");
        }
        Path reversed = Files.writeString(tmp.resolve("reversed.csv"), shuffled.toString());
        Cli.Result r = Cli.run("predict", "--model", flowers.toString(), "--input", reversed.toString()).expect(0);
        assertEquals(plain.out(), r.out());
        assertTrue(plain.out().lines().count() > 1, plain.out());
    }

    @Test
    void inspectShowsLayersTensorsAndStatistics() {
        Cli.Result text = Cli.run("inspect", spirals.toString()).expect(0);
        assertTrue(text.out().contains("Linear(2->16)") && text.out().contains("0.weight"), text.out());
        JsonNode j = Cli.run("inspect", spirals.toString(), "--json").expect(0).json();
        assertEquals(spiralsRun.get("parameters").asLong(), j.get("parameters").asLong());
        assertEquals(3, j.get("layers").size());
        assertEquals(16, j.get("layers").get(0).get("output").asInt());
        assertEquals(2 * 16 + 16, j.get("layers").get(0).get("parameters").asInt());
        assertEquals(0.0, j.get("layers").get(0).get("weight_zero_fraction").asDouble());
        assertTrue(j.get("layers").get(1).get("weight_zero_fraction").isNull(), "ReLU has no weights");
        List<String> names = new ArrayList<>();
        j.get("tensors").forEach(t -> names.add(t.get("name").asText()));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), names);
        assertEquals(List.of(16, 2), Cli.JSON.convertValue(j.get("tensors").get(0).get("shape"), List.class));
    }

    @Test
    void inspectStatisticsOfAKnownTensor() throws IOException {
        // w = [[0, 1], [2, -3]]: mean 0, std sqrt(14/4), min -3, max 2, L2 norm sqrt(14), 1 of 4 exactly zero.
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("0.weight", Tensor.of(new float[] {0, 1, 2, -3}, 2, 2));
        state.put("1.running_mean", Tensor.of(new float[] {0, 0}, 2));
        Path file = tmp.resolve("known.safetensors");
        Safetensors.write(file, state);
        JsonNode j = Cli.run("inspect", file.toString(), "--json").expect(0).json();
        JsonNode w = j.get("tensors").get(0);
        assertEquals(0.0, w.get("mean").asDouble(), 1e-12);
        assertEquals(Math.sqrt(14 / 4.0), w.get("std").asDouble(), 1e-12);
        assertEquals(-3.0, w.get("min").asDouble());
        assertEquals(2.0, w.get("max").asDouble());
        assertEquals(Math.sqrt(14), w.get("l2_norm").asDouble(), 1e-12);
        assertEquals(0.25, w.get("zero_fraction").asDouble());
        assertTrue(w.get("trainable").asBoolean());
        assertTrue(!j.get("tensors").get(1).get("trainable").asBoolean(), "running_mean is a buffer");
        assertEquals(4, j.get("parameters").asInt());
        assertEquals(0.25, j.get("zero_weight_fraction").asDouble());
    }

    @Test
    void inspectNamesAMalformedSafetensorsFile() throws IOException {
        Path junk = Files.write(tmp.resolve("junk.safetensors"), new byte[] {1, 2, 3});
        Cli.Result r = Cli.run("inspect", junk.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains(junk.toString()), r.err());
        Cli.Result verbose = Cli.run("inspect", junk.toString(), "--verbose").expect(1);
        assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose: " + verbose.err());
        Cli.Result missing = Cli.run("inspect", tmp.resolve("nothing").toString()).expect(1).noStackTrace();
        assertTrue(missing.err().contains("nothing"), missing.err());
    }
}
