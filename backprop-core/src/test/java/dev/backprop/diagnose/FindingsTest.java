package dev.backprop.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.Dataset;
import dev.backprop.data.Synthetic;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.Sigmoid;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.init.Initializer;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each finding provoked by the failure it names, and silence on healthy runs. */
class FindingsTest {

    private static List<Finding> of(GradientDiagnostics d, Finding.Kind kind) {
        return d.findings().stream().filter(f -> f.kind() == kind).toList();
    }

    private static String kinds(GradientDiagnostics d) {
        return d.findings().stream().map(Finding::message).toList().toString();
    }

    // ------------------------------------------------------------------ healthy runs

    @Test
    void healthyReluNetworkWithHeInitHasNoFindings() {
        GradientDiagnostics d = DiagnoseFixtures.train(DiagnoseFixtures.healthyRelu(1), 0.1, 5, 4);
        assertTrue(d.steps().size() > 5);
        assertEquals(List.of(), d.findings(), kinds(d));
    }

    @Test
    void healthyNetworksOnBlobsHaveNoFindings() {
        Dataset blobs = Synthetic.blobs(256, 0, 3, 4, 1.0, 5).train();
        for (String act : List.of("relu", "tanh", "sigmoid", "prelu")) {
            Sequential net = Mlp.of(4, 16, 16, 3).activation(ActivationKind.parse(act)).seed(3).build(); // default init
            GradientDiagnostics d = DiagnoseFixtures.train(net, blobs, 0.05, 3, 2, new Regularizer.None());
            assertEquals(List.of(), d.findings(), act + ": " + kinds(d));
        }
    }

    // ------------------------------------------------------------------ overfitting

    /** Feeds epochs of (training loss, evaluation loss) to fresh findings and returns them. */
    private static List<Finding> epochs(double[][] losses) {
        Findings f = new Findings();
        for (int e = 0; e < losses.length; e++) {
            f.observeEpoch(new dev.backprop.train.EpochMetrics(e + 1, losses[e][0], 0, losses[e][1], Double.NaN, 1,
                    1, 0.1), 10L * (e + 1));
        }
        return f.all();
    }

    @Test
    void trainingLossFallingWhileTheHeldOutLossRisesIsOverfittingWithItsRemedies() {
        List<Finding> found = epochs(new double[][] {{1.0, 1.1}, {0.9, 1.0}, {0.8, 0.95}, {0.75, 0.97}, {0.7, 1.0},
                {0.65, 1.02}});
        assertEquals(1, found.size(), found.toString());
        Finding o = found.getFirst();
        assertEquals(Finding.Kind.OVERFITTING, o.kind());
        assertEquals(-1, o.layer());
        assertEquals(60, o.step()); // the step at the end of epoch 6, when three epochs had passed the best one
        assertTrue(o.message().startsWith("overfitting: since epoch 3 the training loss fell from 0.800 to 0.650"
                + " while the held-out loss rose from 0.950 to 1.02 over 3 epochs"), o.message());
        for (String remedy : List.of("--l2", "chapter 2", "--l1", "--dropout", "--early-stop", "--restore-best",
                "more data")) {
            assertTrue(o.message().contains(remedy), remedy + " in: " + o.message());
        }
        // two epochs past the best are not yet "several"
        assertEquals(List.of(), epochs(new double[][] {{1.0, 1.1}, {0.9, 1.0}, {0.8, 0.95}, {0.75, 0.97},
                {0.7, 1.0}}));
    }

    @Test
    void aLargeAndGrowingGapIsOverfittingEvenWhileTheHeldOutLossStillFalls() {
        List<Finding> found = epochs(new double[][] {{0.5, 0.7}, {0.3, 0.62}, {0.2, 0.6}, {0.1, 0.55},
                {0.05, 0.5}});
        assertEquals(1, found.size(), found.toString());
        assertEquals(40, found.getFirst().step());
        assertTrue(found.getFirst().message().startsWith("overfitting: after epoch 4 the held-out loss 0.550 is 5.50×"
                + " the training loss 0.100, and the gap grew in each of the last 3 epochs (from 0.200 to 0.450)"),
                found.getFirst().message());
    }

    @Test
    void healthyOrNoisyLossesAreNotOverfitting() {
        // both falling, a small gap
        assertEquals(List.of(), epochs(new double[][] {{1.0, 1.05}, {0.8, 0.86}, {0.6, 0.65}, {0.5, 0.56},
                {0.45, 0.5}, {0.4, 0.46}}));
        // the held-out loss wobbles at its floor (less than 2% above its best) while training improves
        assertEquals(List.of(), epochs(new double[][] {{1.0, 0.8}, {0.9, 0.7}, {0.85, 0.705}, {0.8, 0.706},
                {0.75, 0.71}}));
        // the held-out loss rises, but so does the training loss: not overfitting (a learning-rate problem)
        assertEquals(List.of(), epochs(new double[][] {{0.5, 0.6}, {0.6, 0.7}, {0.7, 0.8}, {0.8, 0.9}, {0.9, 1.0}}));
        // a large gap that shrinks
        assertEquals(List.of(), epochs(new double[][] {{0.1, 0.9}, {0.1, 0.8}, {0.1, 0.7}, {0.1, 0.6}}));
        // no evaluation set: nothing to compare
        assertEquals(List.of(), epochs(new double[][] {{1.0, Double.NaN}, {0.5, Double.NaN}, {0.2, Double.NaN},
                {0.1, Double.NaN}, {0.05, Double.NaN}}));
    }

    @Test
    void aRealRunThatFitsTheTrainingDataAndGetsWorseOnTheHeldOutSetIsFoundOverfitting() {
        // held-out set: the training samples with their labels flipped, so fitting the one is failing the other
        Dataset train = DiagnoseFixtures.SPIRALS.train();
        float[] x = new float[train.size() * 2];
        int[] y = new int[train.size()];
        for (int i = 0; i < train.size(); i++) {
            x[2 * i] = train.feature(i, 0);
            x[2 * i + 1] = train.feature(i, 1);
            y[i] = 1 - train.label(i);
        }
        Dataset flipped = Dataset.classification(x, 2, y, 2);
        for (boolean provoke : new boolean[] {true, false}) {
            GradientDiagnostics d = new GradientDiagnostics(10);
            Sequential net = DiagnoseFixtures.healthyRelu(1);
            dev.backprop.train.Trainer.builder(net, new dev.backprop.nn.loss.Loss.CrossEntropy(
                                    dev.backprop.autograd.Reduction.MEAN),
                            dev.backprop.optim.SGD.of(net.parameters(), 0.1, new Regularizer.None()),
                            dev.backprop.data.DataLoader.shuffled(train, 32, 3))
                    .evaluateOn(provoke ? flipped : DiagnoseFixtures.SPIRALS.test()).epochs(8).listener(d).build()
                    .fit();
            assertEquals(provoke ? 1 : 0, of(d, Finding.Kind.OVERFITTING).size(), provoke + ": " + kinds(d));
        }
    }

    @Test
    void overfittingThatSpansAResumeIsFoundAfterIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        Dataset train = DiagnoseFixtures.SPIRALS.train();
        float[] x = new float[train.size() * 2];
        int[] y = new int[train.size()];
        for (int i = 0; i < train.size(); i++) {
            x[2 * i] = train.feature(i, 0);
            x[2 * i + 1] = train.feature(i, 1);
            y[i] = 1 - train.label(i);
        }
        Dataset flipped = Dataset.classification(x, 2, y, 2);
        java.util.function.IntFunction<dev.backprop.train.Trainer.Builder> builder = epochs -> {
            Sequential net = DiagnoseFixtures.healthyRelu(1);
            return dev.backprop.train.Trainer.builder(net, new dev.backprop.nn.loss.Loss.CrossEntropy(
                            dev.backprop.autograd.Reduction.MEAN),
                            dev.backprop.optim.SGD.of(net.parameters(), 0.1, new Regularizer.None()),
                            dev.backprop.data.DataLoader.shuffled(train, 32, 3))
                    .evaluateOn(flipped).epochs(epochs).checkpointTo(tmp);
        };
        builder.apply(2).build().fit(); // two epochs, then a resume: the rule needs three epochs past the best
        GradientDiagnostics after = new GradientDiagnostics(10);
        dev.backprop.train.Trainer t = builder.apply(5).listener(after).build();
        t.resume(tmp);
        t.fit();
        assertEquals(1, of(after, Finding.Kind.OVERFITTING).size(), kinds(after));
        assertTrue(of(after, Finding.Kind.OVERFITTING).getFirst().message().contains("since epoch 1"), kinds(after));
    }

    // ------------------------------------------------------------------ vanishing and saturation

    @Test
    void deepSigmoidWithStandardInitHasVanishingGradient() {
        Sequential deep = DiagnoseFixtures.standardInit(
                Mlp.of(DiagnoseFixtures.widths(2, 32, 8, 2)).activation(ActivationKind.SIGMOID).seed(1).build(), 1);
        GradientDiagnostics d = DiagnoseFixtures.train(deep, 0.1, 2, 5);
        List<Finding> v = of(d, Finding.Kind.VANISHING_GRADIENT);
        assertEquals(1, v.size(), "reported once: " + kinds(d));
        assertEquals(0, v.get(0).layer());
        assertEquals(1, v.get(0).step(), "the first step of the persistent run");
        assertTrue(v.get(0).message().contains("sigmoid") && v.get(0).message().contains("ReLU"), v.get(0).message());
        assertTrue(d.steps().stream().allMatch(s -> s.firstToLastRatio() < 1e-4));
    }

    @Test
    void largeInitSaturatesSigmoidUnits() {
        Sequential net = DiagnoseFixtures.reinit(
                Mlp.of(DiagnoseFixtures.widths(2, 32, 3, 2)).activation(ActivationKind.SIGMOID).seed(1).build(),
                new Initializer.Normal(0, 3), new Initializer.Constant(0), 2);
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.1, 2, 5);
        List<Finding> s = of(d, Finding.Kind.SATURATION);
        assertFalse(s.isEmpty(), kinds(d));
        assertTrue(net.get(s.get(0).layer()) instanceof Sigmoid);
        assertTrue(s.get(0).message().contains("saturated"), s.get(0).message());
        double measured = d.steps().get(0).layers().get(s.get(0).layer()).saturatedFraction();
        assertTrue(measured > 0.5, "measured " + measured);
    }

    // ------------------------------------------------------------------ exploding

    @Test
    void hugeInitExplodesTheGradient() {
        Sequential net = DiagnoseFixtures.reinit(
                Mlp.of(DiagnoseFixtures.widths(2, 32, 3, 2)).activation(ActivationKind.RELU).seed(1).build(),
                new Initializer.Normal(0, 10), new Initializer.Constant(0), 2);
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.01, 1, 5);
        List<Finding> e = of(d, Finding.Kind.EXPLODING_GRADIENT);
        assertEquals(1, e.size(), kinds(d));
        assertTrue(e.get(0).message().contains("--clip-norm"), e.get(0).message());
    }

    @Test
    void aLossFarAboveItsEarlyLevelIsExplodingWithTheLearningRateFirst() {
        Findings f = new Findings();
        for (int s = 1; s <= 10; s++) {
            f.observeLoss(s, 2.3 - 0.01 * s);
        }
        f.observeLoss(11, 150); // 150 < 100 x median 2.25
        assertEquals(List.of(), f.all());
        f.observeLoss(12, 1e4);
        f.observeLoss(13, Double.NaN); // a NaN is a divergence, not this finding
        assertEquals(1, f.all().size());
        Finding e = f.all().get(0);
        assertEquals(Finding.Kind.EXPLODING_LOSS, e.kind());
        assertEquals(12, e.step());
        String m = e.message();
        assertTrue(m.startsWith("exploding loss at step 12: the loss is 1.0e+04"), m);
        assertTrue(m.indexOf("learning rate") > 0 && m.indexOf("learning rate") < m.indexOf("--clip-norm"), m);
    }

    @Test
    void gradientNormFarAboveItsEarlyMedianIsExploding() {
        Findings f = new Findings();
        for (int s = 1; s <= 10; s++) {
            f.observeGradNorm(s, 1.0 + 0.01 * s, 2, "2", "Linear(8->8)");
        }
        f.observeGradNorm(11, 900, 2, "2", "Linear(8->8)"); // 900 < 1000 × median
        assertEquals(List.of(), f.all());
        f.observeGradNorm(12, 3e3, 2, "2", "Linear(8->8)");
        f.observeGradNorm(13, 1e4, 2, "2", "Linear(8->8)");
        assertEquals(1, f.all().size());
        Finding e = f.all().get(0);
        assertEquals(12, e.step());
        assertTrue(e.message().startsWith("exploding gradient at step 12: global gradient norm 3.00e+03"),
                e.message());
        assertTrue(e.message().contains("layer 2 (Linear(8->8))"), e.message());
        Findings first = new Findings();
        first.observeGradNorm(1, 2e5, -1, "", "");
        assertEquals(Finding.Kind.EXPLODING_GRADIENT, first.all().get(0).kind(), "absolute bound from step 1");
    }

    // ------------------------------------------------------------------ dead units

    @Test
    void veryNegativeBiasesKillReluUnits() {
        Sequential net = DiagnoseFixtures.healthyRelu(1);
        ((Linear) net.get(0)).bias().value().fill(-10);
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.1, 1, 2);
        List<Finding> dead = of(d, Finding.Kind.DEAD_UNITS);
        assertEquals(List.of(1, 3), dead.stream().map(Finding::layer).toList(), kinds(d));
        assertTrue(dead.get(0).message().startsWith("dead units: 100% of layer 1 (ReLU)"), dead.get(0).message());
        assertTrue(of(d, Finding.Kind.VANISHING_GRADIENT).isEmpty(), "a zero gradient is reported as dead units");
    }

    @Test
    void deadUnitsAreFoundForTheWholeReluFamily() {
        // a unit whose input is negative for every sample is dead for ReLU and nearly so for its variants
        for (ActivationKind kind : List.of(ActivationKind.LEAKY_RELU, ActivationKind.ELU, ActivationKind.PRELU)) {
            Sequential net = DiagnoseFixtures.reinit(
                    Mlp.of(2, 32, 32, 2).activation(kind).seed(1).build(),
                    new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, Math.sqrt(2)), new Initializer.Constant(0), 1);
            ((Linear) net.get(0)).bias().value().fill(-10);
            GradientDiagnostics d = DiagnoseFixtures.train(net, 0.01, 1, 2);
            List<Finding> dead = of(d, Finding.Kind.DEAD_UNITS);
            assertEquals(1, dead.stream().filter(f -> f.layer() == 1).count(), kind + ": " + kinds(d));
            assertTrue(dead.get(0).message().contains("negative input for every sample"), dead.get(0).message());
        }
    }

    // ------------------------------------------------------------------ symmetry

    @Test
    void constantInitLeavesHiddenNeuronsIdentical() {
        Sequential net = DiagnoseFixtures.reinit(
                Mlp.of(2, 16, 16, 2).activation(ActivationKind.RELU).seed(1).build(),
                new Initializer.Constant(0.1), new Initializer.Constant(0), 2);
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.1, 2, 4);
        List<Finding> s = of(d, Finding.Kind.SYMMETRY);
        assertEquals(List.of(0, 2), s.stream().map(Finding::layer).toList(),
                "hidden layers only: the output rows get different gradients per class; " + kinds(d));
        assertTrue(s.get(0).message().contains("all 16 neurons are identical"), s.get(0).message());
        assertTrue(s.get(0).message().contains("random initializer"), s.get(0).message());
        assertEquals(16, d.epochs().getLast().layers().get(2).identicalNeurons(), "still identical at the end");
    }

    @Test
    void partialSymmetryIsCountedInGroups() {
        Sequential net = DiagnoseFixtures.healthyRelu(1);
        Linear first = (Linear) net.get(0);
        for (int c = 0; c < 2; c++) { // neuron 5 copies neuron 3's incoming weights (both biases are 0) ...
            first.weight().value().set(first.weight().value().get(3, c), 5, c);
        }
        Linear next = (Linear) net.get(2);
        for (int r = 0; r < next.out(); r++) { // ... and its outgoing weights, so both get the same update
            next.weight().value().set(next.weight().value().get(r, 3), r, 5);
        }
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.1, 1, 4);
        List<Finding> s = of(d, Finding.Kind.SYMMETRY);
        assertEquals(1, s.size(), kinds(d));
        assertTrue(s.get(0).message().contains("2 of its 32 neurons fall into 1 group"), s.get(0).message());
    }

    // ------------------------------------------------------------------ divergence

    @Test
    void nanInputIsADivergenceAtTheFirstLayer() {
        Dataset clean = DiagnoseFixtures.SPIRALS.train();
        float[] x = new float[clean.size() * 2];
        int[] y = new int[clean.size()];
        for (int i = 0; i < clean.size(); i++) {
            x[2 * i] = clean.feature(i, 0);
            x[2 * i + 1] = clean.feature(i, 1);
            y[i] = clean.label(i);
        }
        x[7] = Float.NaN;
        GradientDiagnostics d = DiagnoseFixtures.train(DiagnoseFixtures.healthyRelu(1),
                Dataset.classification(x, 2, y, 2), 0.1, 1, 50, new Regularizer.None());
        List<Finding> div = of(d, Finding.Kind.DIVERGENCE);
        assertEquals(1, div.size(), kinds(d));
        assertEquals(0, div.get(0).layer());
        assertTrue(div.get(0).message().contains("NaN"), div.get(0).message());
        Map<String, Object> m = MetricsJson.map(div.get(0));
        assertEquals("divergence", m.get("kind"));
        assertEquals(0, m.get("layer"));
    }

    @Test
    void hugeLearningRateDiverges() {
        GradientDiagnostics d = DiagnoseFixtures.train(DiagnoseFixtures.healthyRelu(1), 1e30, 2, 50);
        List<Finding> div = of(d, Finding.Kind.DIVERGENCE);
        assertEquals(1, div.size(), kinds(d));
        assertTrue(div.get(0).step() <= 3, "step " + div.get(0).step());
        assertTrue(div.get(0).layer() >= 0, div.get(0).message());
    }

    @Test
    void infiniteActivationIsLocatedAtItsLayerAndOp() {
        // 1e38·10 overflows F32 to +inf in the first Linear; the sigmoid maps it to 1, so the loss stays finite
        Sequential net = Mlp.of(2, 4, 2).activation(ActivationKind.SIGMOID).weightInit(Init.parse("xavier-uniform", ActivationKind.SIGMOID)).seed(1).build();
        ((Linear) net.get(0)).weight().value().set(1e38, 0, 0);
        float[] x = {10, 0, 10, 0};
        GradientDiagnostics d = DiagnoseFixtures.train(net, Dataset.classification(x, 2, new int[] {0, 1}, 2), 0.0,
                1, 1, new Regularizer.None());
        List<Finding> div = of(d, Finding.Kind.DIVERGENCE);
        assertEquals(1, div.size(), kinds(d));
        assertEquals(0, div.get(0).layer());
        assertTrue(div.get(0).message().contains("op linear"), div.get(0).message());
    }

    /** Identity forward whose backward returns NaN: a stand-in for an op whose derivative overflows. */
    private static final class NanBackward extends dev.backprop.nn.Module {
        @Override
        public dev.backprop.autograd.Variable forward(dev.backprop.autograd.Variable x) {
            return dev.backprop.autograd.Variable.op("nan_backward", x.value().copy(),
                    g -> new dev.backprop.tensor.Tensor[] {
                        dev.backprop.tensor.Tensor.full(g.dtype(), Double.NaN, g.shape().dims())}, x);
        }

        @Override
        public dev.backprop.nn.LayerSpec spec() {
            return new dev.backprop.nn.Identity().spec();
        }
    }

    @Test
    void nonFiniteGradientIsLocatedAtTheBackwardThatProducedIt() {
        Sequential net = new Sequential(new Linear(2, 4, DType.F32), new NanBackward(),
                new Linear(4, 2, DType.F32));
        ((Linear) net.get(0)).resetParameters(ActivationKind.IDENTITY, new java.util.SplittableRandom(1));
        ((Linear) net.get(2)).resetParameters(ActivationKind.IDENTITY, new java.util.SplittableRandom(2));
        GradientDiagnostics d = DiagnoseFixtures.train(net, 0.1, 1, 1);
        List<Finding> div = of(d, Finding.Kind.DIVERGENCE);
        assertEquals(1, div.size(), kinds(d));
        assertEquals(1, div.get(0).layer());
        assertTrue(div.get(0).message().contains("backward of layer 1 (NanBackward), op nan_backward"),
                div.get(0).message());
    }

    // ------------------------------------------------------------------ persistence and de-duplication

    private static StepStats saturatedStep(long step, double fraction) {
        LayerStats sig = new LayerStats(1, "1", "Sigmoid", "sigmoid", 4, List.of(), 1, 0.5, 0.1, fraction, Double.NaN,
                null, List.of());
        return new StepStats(step, 1, 1, 0.1, 1, Double.NaN, List.of(sig));
    }

    @Test
    void persistentConditionsNeedConsecutiveLoggedSteps() {
        List<Finding> seen = new ArrayList<>();
        Findings f = new Findings().onFinding(seen::add);
        f.observe(saturatedStep(1, 0.9));
        f.observe(saturatedStep(2, 0.9));
        f.observe(saturatedStep(3, 0.1)); // the run breaks
        assertEquals(List.of(), f.all());
        f.observe(saturatedStep(4, 0.9));
        f.observe(saturatedStep(5, 0.9));
        assertEquals(List.of(), seen);
        f.observe(saturatedStep(6, 0.9));
        assertEquals(1, seen.size(), "reported as soon as it is persistent");
        assertEquals(4, seen.get(0).step(), "with the first step of the run");
        f.observe(saturatedStep(7, 0.95));
        f.finish();
        assertEquals(1, f.all().size(), "reported once");
    }

    @Test
    void aShortRunReportsConditionsThatHeldOnEveryLoggedStep() {
        assertEquals(1, Findings.analyze(List.of(saturatedStep(1, 0.9), saturatedStep(2, 0.8)),
                Thresholds.defaults()).size());
        assertEquals(0, Findings.analyze(List.of(saturatedStep(1, 0.9), saturatedStep(2, 0.3)),
                Thresholds.defaults()).size());
    }

    @Test
    void findingsArriveThroughTheCallbackDuringTraining() {
        List<Long> atStep = new ArrayList<>();
        GradientDiagnostics d = new GradientDiagnostics(1);
        d.onFinding(f -> atStep.add(f.step()));
        Sequential net = DiagnoseFixtures.reinit(
                Mlp.of(2, 8, 2).activation(ActivationKind.RELU).seed(1).build(),
                new Initializer.Constant(0.1), new Initializer.Constant(0), 2);
        var t = dev.backprop.train.Trainer.builder(net, new dev.backprop.nn.loss.Loss.CrossEntropy(
                        dev.backprop.autograd.Reduction.MEAN), dev.backprop.optim.SGD.of(net.parameters(), 0.1,
                        new Regularizer.None()), dev.backprop.data.DataLoader.shuffled(DiagnoseFixtures.SPIRALS.train(),
                        32, 1))
                .epochs(1).listener(d).listener(new dev.backprop.train.TrainingListener() {
                    @Override
                    public void afterStep(dev.backprop.train.StepContext s) {
                        if (s.step() == 1) {
                            assertEquals(List.of(1L), atStep, "symmetry is reported within step 1");
                        }
                    }
                }).build();
        t.fit();
        assertEquals(1, d.findingMaps().size());
    }
}
