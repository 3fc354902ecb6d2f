package dev.backprop.diagnose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.Reduction;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.PReLU;
import dev.backprop.nn.ReLU;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.Sigmoid;
import dev.backprop.nn.Tanh;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import dev.backprop.train.Trainer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-step statistics measured through a real Trainer on tiny hand-built networks, against closed forms. */
class StepStatisticsTest {

    /** One regression step (MSE, plain SGD, no shuffling) of {@code net} on the given rows, logging every step. */
    private static GradientDiagnostics oneStep(Sequential net, float[] x, int in, float[] t, int out, double lr) {
        GradientDiagnostics d = new GradientDiagnostics(1);
        Dataset data = Dataset.regression(x, in, t, out);
        Trainer.builder(net, new Loss.Mse(Reduction.MEAN), SGD.of(net.parameters(), lr, new Regularizer.None()),
                DataLoader.sequential(data, data.size()).withDType(DType.F64)).epochs(1).listener(d).build().fit();
        return d;
    }

    private static Linear linear(int in, int out, double[] w, double[] b) {
        Linear l = new Linear(in, out, DType.F64);
        for (int i = 0; i < w.length; i++) {
            l.weight().value().setFlat(i, w[i]);
        }
        for (int i = 0; i < b.length; i++) {
            l.bias().value().setFlat(i, b[i]);
        }
        return l;
    }

    @Test
    void gradientNormsUpdateRatioAndActivationsOfOneLinearStep() {
        // y = w·x + b with w = 2, b = 0, x = 1, t = 0: L = (y - t)² = 4, dL/dy = 2(y - t) = 4,
        // dL/dw = 4·x = 4, dL/db = 4; SGD with η = 0.1 moves w to 1.6: ‖Δw‖/‖w‖ = 0.4 / 2 = 0.2.
        Sequential net = new Sequential(linear(1, 1, new double[] {2}, new double[] {0}));
        GradientDiagnostics d = oneStep(net, new float[] {1}, 1, new float[] {0}, 1, 0.1);
        StepStats s = d.steps().get(0);
        assertEquals(1, s.step());
        assertEquals(4, s.loss(), 1e-12);
        assertEquals(Math.sqrt(32), s.gradNorm(), 1e-12);
        assertTrue(Double.isNaN(s.firstToLastRatio()), "one Linear has no first-to-last ratio");
        LayerStats l = s.layers().get(0);
        assertEquals(4, l.outputGradNorm(), 1e-12);
        assertEquals(2, l.activationMean(), 1e-12);
        assertEquals(0, l.activationStd(), 1e-12);
        ParamStats w = l.weight();
        assertEquals("0.weight", w.name());
        assertEquals(4, w.gradNorm(), 1e-12);
        assertEquals(0.2, w.updateRatio(), 1e-12);
        assertEquals(1.6, w.norm(), 1e-12);
        ParamStats b = l.params().get(1);
        assertEquals(Double.POSITIVE_INFINITY, b.updateRatio(), "a zero bias that moved has an infinite ratio");
        assertNull(MetricsJson.map(b).get("update_ratio"), "JSON has no infinity: null");
    }

    @Test
    void firstToLastRatioIsTheRatioOfTheWeightGradientNorms() {
        // y = v·(w·x) with w = 3, v = 0.5, x = 1, t = 0: y = 1.5, dL/dy = 3, dL/dv = 3·3 = 9, dL/dw = 3·0.5·1 = 1.5
        Sequential net = new Sequential(linear(1, 1, new double[] {3}, new double[] {0}),
                linear(1, 1, new double[] {0.5}, new double[] {0}));
        StepStats s = oneStep(net, new float[] {1}, 1, new float[] {0}, 1, 0.0).steps().get(0);
        assertEquals(1.5 / 9, s.firstToLastRatio(), 1e-12);
        assertEquals(3, s.layers().get(1).outputGradNorm(), 1e-12);
        assertEquals(1.5, s.layers().get(0).outputGradNorm(), 1e-12, "dL/dh₁ = dL/dy · v");
    }

    @Test
    void saturatedFractionOfSigmoidAndTanhComesFromThePreActivation() {
        // pre-activations 6.0, -5.9, 100, 0: beyond 5.987 for the sigmoid: 2 of 4
        Sequential sig = new Sequential(linear(1, 4, new double[] {6.0, -5.9, 100, 0}, new double[4]), new Sigmoid(),
                linear(4, 1, new double[] {1, 1, 1, 1}, new double[1]));
        assertEquals(0.5, oneStep(sig, new float[] {1}, 1, new float[] {0}, 1, 0).steps().get(0).layers().get(1)
                .saturatedFraction(), 1e-12);
        // pre-activations 3.5, -3.0, 2.9, 0: beyond 2.993 for tanh: 2 of 4
        Sequential tanh = new Sequential(linear(1, 4, new double[] {3.5, -3.0, 2.9, 0}, new double[4]), new Tanh(),
                linear(4, 1, new double[] {1, 1, 1, 1}, new double[1]));
        LayerStats t = oneStep(tanh, new float[] {1}, 1, new float[] {0}, 1, 0).steps().get(0).layers().get(1);
        assertEquals(0.5, t.saturatedFraction(), 1e-12);
        assertTrue(Double.isNaN(t.deadFraction()));
        assertEquals("tanh", t.type());
    }

    @Test
    void deadFractionOfReluAndPreluUnits() {
        // weights [1, -1, 1, -1], biases [0, 0, -5, 0], x ∈ {1, 2}: pre-activations [1,-1,-4,-1], [2,-2,-3,-2]:
        // only unit 0 is ever positive, so 3 of 4 ReLU units are dead on this batch
        double[] w = {1, -1, 1, -1};
        double[] b = {0, 0, -5, 0};
        Sequential relu = new Sequential(linear(1, 4, w, b), new ReLU(), linear(4, 1, new double[] {1, 1, 1, 1},
                new double[1]));
        LayerStats r = oneStep(relu, new float[] {1, 2}, 1, new float[] {0, 0}, 1, 0).steps().get(0).layers().get(1);
        assertEquals(0.75, r.deadFraction(), 1e-12);
        assertEquals(4, r.units());
        PReLU prelu = new PReLU(4, 0.25, DType.F64);
        Sequential pnet = new Sequential(linear(1, 4, w, b), prelu, linear(4, 1, new double[] {1, 1, 1, 1},
                new double[1]));
        LayerStats p = oneStep(pnet, new float[] {1, 2}, 1, new float[] {0, 0}, 1, 0).steps().get(0).layers().get(1);
        assertEquals(0.75, p.deadFraction(), 1e-12, "PReLU units in the negative regime for the whole batch");
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, p.preluAlpha(), 0);
        assertEquals(List.of(0.25, 0.25, 0.25, 0.25), MetricsJson.map(p).get("prelu_alpha"));
    }

    @Test
    void l1RegularizationShowsAsExactZerosAndUnregularizedWeightsHaveNone() {
        Sequential plain = DiagnoseFixtures.healthyRelu(4);
        GradientDiagnostics d0 = DiagnoseFixtures.train(plain, DiagnoseFixtures.SPIRALS.train(), 0.1, 3, 8,
                new Regularizer.None());
        Sequential sparse = DiagnoseFixtures.healthyRelu(4);
        GradientDiagnostics d1 = DiagnoseFixtures.train(sparse, DiagnoseFixtures.SPIRALS.train(), 0.1, 3, 8,
                new Regularizer.L1(0.1));
        double z0 = d0.steps().getLast().layers().get(2).weight().zeroFraction();
        double z1 = d1.steps().getLast().layers().get(2).weight().zeroFraction();
        assertEquals(0, z0, 0);
        assertTrue(z1 > 0.3, "L1's proximal step should zero many weights, got " + z1);
        double norm0 = d0.epochs().getLast().layers().get(2).weightNorm();
        double norm1 = d1.epochs().getLast().layers().get(2).weightNorm();
        assertTrue(norm1 < norm0, "L1 should shrink the weights: " + norm1 + " vs " + norm0);
        assertEquals(Stats.zeroFraction(((Linear) sparse.get(2)).weight().value()),
                d1.epochs().getLast().layers().get(2).zeroFraction(), 0, "epoch summary measures the final weights");
    }

    @Test
    void onlyLoggedStepsAreMeasuredAndEveryEpochIsSummarised() {
        Sequential net = DiagnoseFixtures.healthyRelu(2);
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.05, 3, 5); // 8 steps per epoch, 24 in all
        assertEquals(List.of(1L, 5L, 10L, 15L, 20L), d.steps().stream().map(StepStats::step).toList());
        assertEquals(3, d.epochs().size());
        assertEquals(List.of(2, 2, 1), d.epochs().stream().map(EpochSummary::loggedSteps).toList());
        assertTrue(d.epochs().get(0).maxGradNorm() >= d.steps().get(0).gradNorm());
        assertFalse(d.wantsActivations(2));
        assertTrue(d.wantsActivations(1) && d.wantsActivations(10));
    }

    @Test
    void mapsAreJsonReady() throws Exception {
        GradientDiagnostics d = DiagnoseFixtures.train(Mlp.of(2, 8, 2).activation(ActivationKind.RELU).weightInit(Init.parse("he-normal", ActivationKind.RELU)).seed(1).build(), 0.05, 1, 4);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = MetricsJson.mapper().readValue(MetricsJson.line(d.steps().get(0)), Map.class);
        assertEquals("step", m.get("type"));
        assertEquals(1, m.get("step"));
        for (String k : List.of("epoch", "loss", "lr", "grad_norm", "first_to_last_grad_ratio", "layers")) {
            assertTrue(m.containsKey(k), k);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> layer0 = ((List<Map<String, Object>>) m.get("layers")).get(0);
        for (String k : List.of("index", "layer", "type", "units", "output_grad_norm", "activation_mean",
                "activation_std", "identical_neurons", "identical_groups", "params")) {
            assertTrue(layer0.containsKey(k), k);
        }
        assertEquals("epoch_diagnostics", MetricsJson.mapper().readTree(MetricsJson.line(d.epochs().get(0))).get("type")
                .asText());
        long last = d.steps().getLast().step();
        assertEquals(List.of("grad_norm", "first_to_last_grad_ratio", "layers"),
                List.copyOf(d.stepFields(last).keySet()));
        assertEquals(Map.of(), d.stepFields(last + 1));
        assertAllJsonValues(m);
    }

    /** Only JSON types: maps, lists, strings, integers, finite doubles, booleans, null. */
    private static void assertAllJsonValues(Object o) {
        switch (o) {
            case null -> { }
            case Map<?, ?> m -> m.values().forEach(StepStatisticsTest::assertAllJsonValues);
            case List<?> l -> l.forEach(StepStatisticsTest::assertAllJsonValues);
            case Double v -> assertTrue(Double.isFinite(v));
            case String s -> { }
            case Integer i -> { }
            case Long i -> { }
            case Boolean b -> { }
            default -> throw new AssertionError("not a JSON value: " + o.getClass());
        }
    }
}
