package dev.backprop.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.train.EpochMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * metrics.jsonl and findings.json through {@link MetricsJson}: records become JSON lines under today's property
 * names and read back into equal records, NaN included; null, missing and "NaN" numbers read as NaN.
 */
class MetricsJsonTest {
    static final double NaN = Double.NaN;

    static StepStats step() {
        LayerStats linear = new LayerStats(0, "0", "Linear(2->3)", "linear", 3,
                List.of(new ParamStats("0.weight", "weight", 6, 1.5, 0.25, 1e-3, 0.5),
                        new ParamStats("0.bias", "bias", 3, 0, 0.125, NaN, 1)),
                0.75, 0.1, 0.9, NaN, NaN, new double[0], List.of(new int[] {0, 2}));
        LayerStats prelu = new LayerStats(1, "1", "PReLU(3)", "prelu", 3,
                List.of(new ParamStats("1.alpha", "prelu_alpha", 3, 0.4, NaN, NaN, 0)),
                NaN, 0.2, 0.3, NaN, 1.0 / 3, new double[] {0.25, NaN, 0.5}, List.of());
        LayerStats tanh = new LayerStats(2, "2", "Tanh", "tanh", 3, List.of(), 0.5, 0, 0.6, 0.25, NaN,
                new double[0], List.of());
        return new StepStats(7, 2, 0.69, 0.05, 2.5, NaN, List.of(linear, prelu, tanh));
    }

    @Test
    void aStepLineHasTodaysPropertyNames() {
        assertEquals("{\"type\":\"step\",\"step\":7,\"epoch\":2,\"loss\":0.69,\"lr\":0.05,\"grad_norm\":2.5,"
                + "\"first_to_last_grad_ratio\":null,\"layers\":["
                + "{\"index\":0,\"path\":\"0\",\"layer\":\"Linear(2->3)\",\"type\":\"linear\",\"units\":3,"
                + "\"output_grad_norm\":0.75,\"activation_mean\":0.1,\"activation_std\":0.9,"
                + "\"identical_neurons\":2,\"identical_groups\":[[0,2]],\"params\":["
                + "{\"name\":\"0.weight\",\"role\":\"weight\",\"size\":6,\"norm\":1.5,\"grad_norm\":0.25,"
                + "\"update_ratio\":0.001,\"zero_fraction\":0.5},"
                + "{\"name\":\"0.bias\",\"role\":\"bias\",\"size\":3,\"norm\":0.0,\"grad_norm\":0.125,"
                + "\"update_ratio\":null,\"zero_fraction\":1.0}]},"
                + "{\"index\":1,\"path\":\"1\",\"layer\":\"PReLU(3)\",\"type\":\"prelu\",\"units\":3,"
                + "\"output_grad_norm\":null,\"activation_mean\":0.2,\"activation_std\":0.3,"
                + "\"dead_fraction\":0.3333333333333333,\"prelu_alpha\":[0.25,null,0.5],\"params\":["
                + "{\"name\":\"1.alpha\",\"role\":\"prelu_alpha\",\"size\":3,\"norm\":0.4,\"grad_norm\":null,"
                + "\"update_ratio\":null,\"zero_fraction\":0.0}]},"
                + "{\"index\":2,\"path\":\"2\",\"layer\":\"Tanh\",\"type\":\"tanh\",\"units\":3,"
                + "\"output_grad_norm\":0.5,\"activation_mean\":0.0,\"activation_std\":0.6,"
                + "\"saturated_fraction\":0.25,\"params\":[]}]}", MetricsJson.line(step()));
    }

    @Test
    void aStepReadsBackEqualWithItsNaNs() throws Exception {
        StepStats s = step();
        Object back = MetricsJson.parseLine(MetricsJson.line(s));
        assertEquals(s, back);
        StepStats b = (StepStats) back;
        assertTrue(Double.isNaN(b.firstToLastRatio()));
        assertTrue(Double.isNaN(b.layers().get(0).saturatedFraction()), "left out: NaN");
        assertTrue(Double.isNaN(b.layers().get(1).preluAlpha()[1]));
        assertArrayEquals(new int[] {0, 2}, b.layers().get(0).identicalGroups().getFirst());
        assertEquals(2, b.layers().get(0).identicalNeurons());
    }

    @Test
    void epochLinesReadBackEqual() throws Exception {
        EpochMetrics e = new EpochMetrics(3, 0.5, 0, NaN, NaN, 1.25, 800, 0.01);
        String line = MetricsJson.line(e);
        assertEquals("{\"type\":\"epoch\",\"epoch\":3,\"seconds\":1.25,\"train_loss\":0.5,\"train_accuracy\":null,\"penalty\":0.0,"
                + "\"test_loss\":null,\"test_accuracy\":null,\"samples_per_second\":800.0,\"lr\":0.01}", line);
        assertEquals(e, MetricsJson.parseLine(line));
        EpochMetrics withAccuracy = new EpochMetrics(3, 0.5, 0, 0.75, 0.625, 1.25, 800, 0.01, 0.875);
        String acc = MetricsJson.line(withAccuracy);
        assertTrue(acc.contains("\"train_loss\":0.5,\"train_accuracy\":0.875,"), acc);
        assertEquals(withAccuracy, MetricsJson.parseLine(acc));
        // a line of an earlier version, written before the training accuracy was measured: NaN, not 0
        EpochMetrics old = (EpochMetrics) MetricsJson.parseLine("{\"type\":\"epoch\",\"epoch\":3,\"seconds\":1.25,"
                + "\"train_loss\":0.5,\"penalty\":0.0,\"test_loss\":0.75,\"test_accuracy\":0.625,"
                + "\"samples_per_second\":800.0,\"lr\":0.01}");
        assertTrue(Double.isNaN(old.trainAccuracy()));
        assertEquals(0.625, old.testAccuracy());
        EpochSummary d = new EpochSummary(3, 2, 4.5, NaN, List.of(
                new EpochSummary.Layer(0, "Linear(2->3)", 1.5, 0.25, 2, 0.5, 0.75, 1e-3, NaN, 0.125)));
        String dl = MetricsJson.line(d);
        assertTrue(dl.startsWith("{\"type\":\"epoch_diagnostics\",\"epoch\":3,\"logged_steps\":2,"
                + "\"max_grad_norm\":4.5,\"first_to_last_grad_ratio\":null,\"layers\":[{\"index\":0,"), dl);
        assertTrue(dl.contains("\"mean_update_ratio\":0.001,\"mean_saturated_fraction\":null"), dl);
        assertEquals(d, MetricsJson.parseLine(dl));
    }

    @Test
    void infinitiesAreWrittenAsNullAndReadAsNaN() throws Exception {
        EpochMetrics e = new EpochMetrics(1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, 1, 1, 1, 1);
        JsonNode n = MetricsJson.mapper().readTree(MetricsJson.line(e));
        assertTrue(n.get("train_loss").isNull() && n.get("penalty").isNull());
        EpochMetrics back = (EpochMetrics) MetricsJson.parseLine(MetricsJson.line(e));
        assertTrue(Double.isNaN(back.trainLoss()) && Double.isNaN(back.penalty()));
    }

    @Test
    void oldAndSparseLinesRead() throws Exception {
        // earlier versions wrote epoch numbers raw ("NaN" strings), had no layer path, and may lack any field
        EpochMetrics e = (EpochMetrics) MetricsJson.parseLine("{\"type\":\"epoch\",\"epoch\":2,\"train_loss\":\"NaN\","
                + "\"seconds\":\"Infinity\",\"some_future_field\":[1,2]}");
        assertEquals(2, e.epoch());
        assertTrue(Double.isNaN(e.trainLoss()) && Double.isNaN(e.testLoss()) && Double.isNaN(e.lr()));
        assertEquals(Double.POSITIVE_INFINITY, e.seconds());
        StepStats s = (StepStats) MetricsJson.parseLine("{\"type\":\"step\",\"step\":1,\"layers\":[{\"index\":0,"
                + "\"layer\":\"ReLU\",\"type\":\"relu\",\"params\":[{\"name\":\"w\",\"role\":\"weight\"}]}]}");
        LayerStats l = s.layers().getFirst();
        assertEquals("", l.path());
        assertEquals("0", l.label());
        assertTrue(Double.isNaN(l.deadFraction()) && Double.isNaN(l.outputGradNorm()));
        assertEquals(0, l.preluAlpha().length);
        assertTrue(l.identicalGroups().isEmpty());
        assertTrue(Double.isNaN(l.weight().updateRatio()));
        assertTrue(Double.isNaN(s.loss()));
        assertNull(MetricsJson.parseLine("{\"type\":\"checkpoint\",\"epoch\":1}"), "other types are skipped");
        assertThrows(IllegalArgumentException.class, () -> MetricsJson.parseLine("[1]"));
    }

    @Test
    void findingsReadBackEqual() throws Exception {
        List<Finding> fs = List.of(
                new Finding(Finding.Kind.VANISHING_GRADIENT, 0, "0", "Linear(2->3)", 5, "first layer: tiny"),
                new Finding(Finding.Kind.DIVERGENCE, -1, "", "", 9, "the loss is NaN"));
        String doc = new String(MetricsJson.findingsDocument(fs), StandardCharsets.UTF_8);
        JsonNode n = MetricsJson.mapper().readTree(doc);
        assertEquals("vanishing-gradient", n.get(0).get("kind").asText());
        assertEquals(0, n.get(0).get("layer").asInt());
        assertEquals("Linear(2->3)", n.get(0).get("layer_name").asText());
        assertTrue(n.get(1).get("layer").isNull(), "the whole network: null");
        assertEquals(List.of("kind", "layer", "path", "layer_name", "step", "message"),
                List.copyOf(MetricsJson.map(fs.get(1)).keySet()));
        assertEquals(fs, MetricsJson.parseFindings(doc));
        assertEquals(-1, MetricsJson.parseFindings("[{\"kind\":\"symmetry\",\"step\":1}]").getFirst().layer());
        assertThrows(IllegalArgumentException.class, () -> MetricsJson.parseFindings("{\"kind\":\"symmetry\"}"));
    }
}
