package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backprop experiment}: each experiment on a small synthetic set, checking its JSON keys and the lecture's
 * qualitative result; reference values are closed forms (derivatives, eq. 2.7), never the code under test.
 */
class ExperimentCommandTest {
    @TempDir
    Path tmp;

    private JsonNode run(String name, String... extra) {
        String[] base = {"experiment", name, "--json", "--data", "synthetic", "--samples", "600", "--epochs", "2",
            "--threads", "2", "--out", tmp.resolve(name).toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        JsonNode j = Cli.run(args).expect(0).json();
        assertEquals(name, j.get("experiment").asText());
        assertTrue(Files.isRegularFile(tmp.resolve(name).resolve("report.html")), "report.html written");
        assertTrue(Files.isRegularFile(tmp.resolve(name).resolve("result.json")), "result.json written");
        return j;
    }

    private static Map<String, JsonNode> byName(JsonNode variants) {
        Map<String, JsonNode> m = new HashMap<>();
        variants.forEach(v -> m.put(v.get("name").asText(), v));
        return m;
    }

    @Test
    void vanishingSigmoidRatioIsTinyNextToReluHeAndBatchNorm() {
        JsonNode j = run("vanishing");
        Map<String, JsonNode> v = byName(j.get("variants"));
        assertEquals(List.of("sigmoid", "tanh", "relu-he", "prelu-he", "sigmoid-batchnorm").stream().sorted().toList(),
                v.keySet().stream().sorted().toList());
        for (JsonNode x : v.values()) {
            for (String k : List.of("name", "layer_grad_norms", "first_to_last_ratio", "test_accuracy", "loss_curve")) {
                assertTrue(x.has(k), () -> x.get("name") + " lacks " + k);
            }
            assertEquals(9, x.get("layer_grad_norms").get("init").size(), "8 hidden + output Linear layers");
            assertEquals(9, x.get("layer_grad_norms").get("trained").size());
            assertTrue(x.get("loss_curve").size() > 1);
            JsonNode init = x.get("layer_grad_norms").get("init");
            assertEquals(init.get(0).asDouble() / init.get(8).asDouble(), x.get("first_to_last_ratio").asDouble(),
                    1e-12 * x.get("first_to_last_ratio").asDouble());
        }
        double sigmoid = v.get("sigmoid").get("first_to_last_ratio").asDouble();
        assertTrue(sigmoid < 1e-4, "sigmoid with U(±1/√n): first/last " + sigmoid);
        for (String healthy : List.of("relu-he", "prelu-he", "sigmoid-batchnorm")) {
            double r = v.get(healthy).get("first_to_last_ratio").asDouble();
            assertTrue(r > 1e-2 && r > 1000 * sigmoid, healthy + ": first/last " + r + " against sigmoid's " + sigmoid);
        }
        assertTrue(hasFinding(v.get("sigmoid"), "vanishing-gradient"), "the vanishing-gradient finding fires");
        assertFalse(hasFinding(v.get("relu-he"), "vanishing-gradient"));
    }

    @Test
    void vanishingOnFashionMnistWhenItsFilesArePresent() {
        Path dir = dev.backprop.data.FashionMnist.DEFAULT_DIR;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST not installed in " + dir);
        JsonNode j = Cli.run("experiment", "vanishing", "--json", "--data", "fashion-mnist", "--samples", "300",
                "--epochs", "1", "--threads", "2", "--out", tmp.resolve("fm").toString()).expect(0).json();
        assertTrue(j.get("data").asText().startsWith("Fashion-MNIST"), j.get("data").asText());
        Map<String, JsonNode> v = byName(j.get("variants"));
        double sigmoid = v.get("sigmoid").get("first_to_last_ratio").asDouble();
        double relu = v.get("relu-he").get("first_to_last_ratio").asDouble();
        assertTrue(sigmoid < 1e-4 && relu > 1000 * sigmoid, "sigmoid " + sigmoid + " against ReLU-He " + relu);
    }

    private static boolean hasFinding(JsonNode variant, String kind) {
        for (JsonNode f : variant.get("findings")) {
            if (f.get("kind").asText().equals(kind)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void symmetryConstantInitLeavesIdenticalNeuronsAndFiresTheFinding() {
        Map<String, JsonNode> v = byName(run("symmetry").get("variants"));
        JsonNode constant = v.get("constant");
        JsonNode random = v.get("random");
        JsonNode units = constant.get("units");
        for (int layer = 0; layer < units.size() - 1; layer++) {
            assertEquals(units.get(layer).asInt(), constant.get("identical_neurons").get(layer).asInt(),
                    "every hidden neuron still has a twin, layer " + layer);
            assertEquals(0, random.get("identical_neurons").get(layer).asInt());
        }
        assertTrue(constant.get("symmetry_finding").asBoolean());
        assertFalse(random.get("symmetry_finding").asBoolean());
        assertTrue(random.get("test_accuracy").asDouble() > constant.get("test_accuracy").asDouble());
    }

    @Test
    void regularizationL1MakesZerosThatGrowWithLambdaL2DoesNotAndEq27Holds() {
        JsonNode j = run("regularization");
        double prevL1 = -1;
        double firstL1 = Double.NaN;
        double lastL1 = Double.NaN;
        double prevL2Norm = Double.POSITIVE_INFINITY;
        for (JsonNode x : j.get("variants")) {
            for (String k : List.of("penalty", "lambda", "test_accuracy", "zero_weight_fraction", "weight_norm")) {
                assertTrue(x.has(k), () -> x + " lacks " + k);
            }
            double zeros = x.get("zero_weight_fraction").asDouble();
            switch (x.get("penalty").asText()) {
                case "none" -> assertEquals(0.0, zeros);
                case "l2" -> {
                    assertEquals(0.0, zeros, "L2 makes weights small, not zero");
                    assertTrue(x.get("weight_norm").asDouble() < prevL2Norm, "L2 norm shrinks as λ grows");
                    prevL2Norm = x.get("weight_norm").asDouble();
                }
                case "l1" -> {
                    assertTrue(zeros >= prevL1, "L1 zeros do not shrink as λ grows");
                    firstL1 = Double.isNaN(firstL1) ? zeros : firstL1;
                    lastL1 = zeros;
                    prevL1 = zeros;
                }
                default -> throw new AssertionError("unknown penalty " + x.get("penalty"));
            }
        }
        assertTrue(lastL1 > 0 && lastL1 > firstL1, "L1 zeros grow with λ: " + firstL1 + " -> " + lastL1);
        JsonNode d = j.get("decay_check");
        double factor = 1 - 2 * d.get("lr").asDouble() * d.get("lambda").asDouble();
        double closed = Math.pow(factor, d.get("steps").asInt()) * d.get("w0").asDouble();
        assertEquals(closed, d.get("w_final").asDouble(), 1e-6 * Math.abs(closed), "eq. 2.7 closed form");
        assertTrue(d.get("max_relative_error").asDouble() < 1e-6);
        assertTrue(d.get("steps").asInt() > 50);
    }

    @Test
    void activationDerivativesFromAutogradMatchClosedForms() throws IOException {
        JsonNode j = run("activations", "--png");
        Map<String, DoubleUnaryOperator> expect = Map.of(
                "sigmoid", x -> sigmoid(x) * (1 - sigmoid(x)),
                "tanh", x -> 1 - Math.tanh(x) * Math.tanh(x),
                "relu", x -> x > 0 ? 1 : 0,
                "prelu", x -> x > 0 ? 1 : 0.25,
                "l2", w -> 2 * w,
                "l1", w -> Math.signum(w));
        int checked = 0;
        for (String group : List.of("functions", "penalties")) {
            for (JsonNode c : j.get(group)) {
                DoubleUnaryOperator f = expect.get(c.get("name").asText());
                JsonNode xs = c.get("x");
                for (int i : new int[] {3, xs.size() / 3, xs.size() / 2 + 7, xs.size() - 5}) {
                    double x = xs.get(i).asDouble();
                    assertEquals(f.applyAsDouble(x), c.get("derivative").get(i).asDouble(), 1e-12,
                            c.get("name") + "'(" + x + ")");
                    checked++;
                }
            }
        }
        assertEquals(24, checked);
        for (JsonNode file : j.get("files")) {
            assertTrue(Files.size(tmp.resolve("activations").resolve(file.asText())) > 0, file.asText());
        }
        assertTrue(Files.size(tmp.resolve("activations").resolve("activation-derivatives.png")) > 1000, "--png");
        String html = Files.readString(tmp.resolve("activations").resolve("report.html"));
        assertTrue(html.contains("<table>") && !html.contains("<script"), "self-contained report with tables");
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void printsATableWithoutJsonAndRejectsUnknownNames() {
        Cli.Result r = Cli.run("experiment", "activations", "--out", tmp.resolve("a").toString()).expect(0);
        assertTrue(r.out().contains("sigmoid") && r.out().contains("report.html"), r.out());
        Cli.Result bad = Cli.run("experiment", "nonsense").expect(2).noStackTrace();
        assertTrue(bad.err().contains("valid: vanishing|symmetry|regularization|activations"), bad.err());
        Cli.run("experiment", "symmetry", "--data", "mnist").expect(2).noStackTrace();
        assertTrue(Cli.run("experiment", "--help").expect(0).out().contains("regularization"));
    }
}
