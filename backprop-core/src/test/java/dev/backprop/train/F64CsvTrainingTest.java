package dev.backprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Variable;
import dev.backprop.data.CsvReader;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.data.Normalizer;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec.Sgd;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An F64 run sees F64 data: from a CSV file whose values no float can hold, through the reader, the standard
 * normalisation, the loader and 96 steps of SGD with momentum and L2, the weights equal PyTorch's float64 run to
 * 1e-12 relative. The reference is {@code scripts/golden/make_f64_training_golden.py} (golden/f64_training.json);
 * with the features rounded to float on the way the weights differ by about 1e-7.
 */
class F64CsvTrainingTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void trainingFromCsvInF64MatchesPyTorchFloat64() throws IOException, URISyntaxException {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/f64_training.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        JsonNode s = golden.get("settings");
        Path csv = Path.of(getClass().getResource("/golden/f64_train.csv").toURI());

        Dataset raw = CsvReader.readClassification(csv, CsvReader.Column.named("label"), null, DType.F64);
        assertTrue(raw.isF64(), "the F64 read keeps doubles");
        Normalizer norm = Normalizer.fit("standard", raw);
        double[][] params = norm.parameters();
        for (int j = 0; j < raw.featureCount(); j++) {
            assertClose(golden.get("mean").get(j).asDouble(), params[0][j], "mean of feature " + j);
            assertClose(golden.get("std").get(j).asDouble(), params[1][j], "std of feature " + j);
        }
        Dataset train = norm.apply(raw);

        int[] layers = new int[s.get("layers").size()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = s.get("layers").get(i).asInt();
        }
        Sequential net = Mlp.of(layers).activation(ActivationKind.RELU).dtype(DType.F64).build();
        net.loadStateDict(stateDict(golden.get("initial")));

        List<Double> losses = new ArrayList<>();
        Trainer trainer = Trainer.builder(net, Loss.crossEntropy(),
                        Sgd.lr(s.get("lr").asDouble()).momentum(s.get("momentum").asDouble())
                                .build(net.parameters(), new Regularizer.L2(s.get("l2").asDouble())),
                        DataLoader.sequential(train, s.get("batch").asInt()).withDType(DType.F64))
                .epochs(s.get("epochs").asInt())
                .listener(TrainingListener.onStep(step -> losses.add(step.loss())))
                .build();
        trainer.fit();

        assertEquals(s.get("steps").asInt(), losses.size());
        for (int i = 0; i < losses.size(); i++) {
            assertClose(golden.get("step_losses").get(i).asDouble(), losses.get(i), "loss of step " + (i + 1));
        }
        Map<String, Tensor> finalState = net.stateDict();
        JsonNode expected = golden.get("final");
        assertEquals(expected.size(), finalState.size());
        expected.fieldNames().forEachRemaining(name -> {
            Tensor t = finalState.get(name);
            double[] want = flatten(expected.get(name));
            assertEquals(want.length, t.size(), name);
            for (int i = 0; i < want.length; i++) {
                assertClose(want[i], t.getFlat(i), name + "[" + i + "]");
            }
        });
        try (var ignored = NoGrad.enter()) {
            Tensor logits = net.apply(Variable.constant(train.features(DType.F64))).value();
            JsonNode want = golden.get("logits_first_rows");
            for (int r = 0; r < want.size(); r++) {
                for (int c = 0; c < want.get(r).size(); c++) {
                    assertClose(want.get(r).get(c).asDouble(), logits.get(r, c), "logit [" + r + "][" + c + "]");
                }
            }
        }
    }

    private static void assertClose(double want, double got, String what) {
        double scale = Math.max(Math.abs(want), 1e-3);
        assertTrue(Math.abs(got - want) <= TOLERANCE * scale,
                what + ": PyTorch float64 " + want + ", Backprop " + got + " (relative " + Math.abs(got - want) / scale + ")");
    }

    private static Map<String, Tensor> stateDict(JsonNode node) {
        Map<String, Tensor> m = new HashMap<>();
        node.fieldNames().forEachRemaining(name -> {
            JsonNode v = node.get(name);
            double[] flat = flatten(v);
            Tensor t = v.get(0).isArray() ? Tensor.zeros(DType.F64, v.size(), v.get(0).size())
                    : Tensor.zeros(DType.F64, v.size());
            for (int i = 0; i < flat.length; i++) {
                t.setFlat(i, flat[i]);
            }
            m.put(name, t);
        });
        return m;
    }

    private static double[] flatten(JsonNode v) {
        List<Double> out = new ArrayList<>();
        if (v.get(0).isArray()) {
            v.forEach(row -> row.forEach(x -> out.add(x.asDouble())));
        } else {
            v.forEach(x -> out.add(x.asDouble()));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
