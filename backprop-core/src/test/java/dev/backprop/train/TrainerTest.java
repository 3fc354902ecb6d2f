package dev.backprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.Reduction;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final TrainTest SPIRALS = Synthetic.spirals(600, 300, 0.05, 7);

    private static Sequential mlp(long seed) {
        return Mlp.of(2, 32, 32, 2).activation(ActivationKind.RELU).weightInit(Init.parse("he-normal", ActivationKind.RELU)).seed(seed).build();
    }

    private static Trainer trainer(Sequential model, int epochs, Path checkpoints, double lr) {
        Optimizer opt = SGD.of(model.parameters(), lr, 0.9, false, new Regularizer.None());
        Trainer.Builder b = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN), opt,
                        DataLoader.shuffled(SPIRALS.train(), 32, 11))
                .evaluateOn(SPIRALS.test()).epochs(epochs);
        if (checkpoints != null) {
            b.checkpointTo(checkpoints);
        }
        return b.build();
    }

    @Test
    void learnsTwoSpirals() {
        TrainingResult r = trainer(mlp(1), 60, null, 0.05).fit();
        assertEquals(60, r.epochs().size());
        assertTrue(r.last().trainLoss() < 0.5 * r.epochs().get(0).trainLoss(), "loss should fall: " + r.epochs());
        assertTrue(r.last().testAccuracy() > 0.9, "test accuracy " + r.last().testAccuracy());
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Sequential a = mlp(3);
        Sequential b = mlp(3);
        trainer(a, 3, null, 0.05).fit();
        trainer(b, 3, null, 0.05).fit();
        assertStatesEqual(a.stateDict(), b.stateDict());
    }

    @Test
    void checkpointsDeleteOnlyTheirOwnOlderFiles(@TempDir Path tmp) throws Exception {
        Path mine = Files.writeString(tmp.resolve("model.safetensors"), "the user's file");
        trainer(mlp(5), 3, tmp, 0.05).fit();
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("model-e3.safetensors", "model.safetensors", "optimizer-e3.safetensors",
                    "trainer.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("the user's file", Files.readString(mine));
    }

    @Test
    void resumeContinuesExactlyWhereItStopped(@TempDir Path tmp) throws Exception {
        Sequential straight = mlp(5);
        trainer(straight, 4, null, 0.05).fit();

        Sequential first = mlp(5);
        trainer(first, 2, tmp, 0.05).fit();
        assertTrue(Files.exists(tmp.resolve("trainer.json")));
        Sequential resumed = mlp(99); // different init: everything must come from the checkpoint
        Trainer t = trainer(resumed, 4, tmp, 0.05);
        t.resume(tmp);
        TrainingResult r = t.fit();
        assertEquals(4, r.epochs().size());
        assertStatesEqual(straight.stateDict(), resumed.stateDict());
    }

    @Test
    void aCheckpointOfAnEarlierVersionWithoutTrainingAccuracyResumesWithItAsNaN(@TempDir Path tmp) throws Exception {
        trainer(mlp(5), 2, tmp, 0.05).fit();
        Path index = tmp.resolve("trainer.json");
        String json = Files.readString(index);
        assertTrue(json.contains("\"trainAccuracy\""), json);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var tree = mapper.readTree(json);
        tree.get("epochs").forEach(e -> ((com.fasterxml.jackson.databind.node.ObjectNode) e).remove("trainAccuracy"));
        Files.writeString(index, mapper.writeValueAsString(tree));
        Trainer t = trainer(mlp(5), 3, tmp, 0.05);
        t.resume(tmp);
        assertEquals(2, t.history().size());
        assertTrue(t.history().stream().allMatch(e -> Double.isNaN(e.trainAccuracy())), t.history().toString());
        assertTrue(t.fit().last().trainAccuracy() > 0);
    }

    @Test
    void resumeWithDropoutDrawsTheMasksOfTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        java.util.function.LongFunction<Sequential> build = seed -> Mlp.of(2, 32, 32, 2).activation(ActivationKind.RELU).dropout(0.3).weightInit(Init.parse("he-normal", ActivationKind.RELU)).seed(seed).build();
        Sequential straight = build.apply(5);
        trainer(straight, 4, null, 0.05).fit();
        trainer(build.apply(5), 2, tmp, 0.05).fit();
        Sequential resumed = build.apply(5);
        Trainer t = trainer(resumed, 4, tmp, 0.05);
        t.resume(tmp);
        t.fit();
        assertStatesEqual(straight.stateDict(), resumed.stateDict());
    }

    @Test
    void penaltyBesideTheLossIsLambdaTimesTheSumOfSquaredWeights() {
        Sequential model = mlp(8);
        double lambda = 1e-3;
        TrainingResult r = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN),
                        SGD.of(model.parameters(), 0.05, 0.9, false, new Regularizer.L2(lambda)),
                        DataLoader.shuffled(SPIRALS.train(), 32, 1))
                .epochs(1).build().fit();
        double sumSq = 0;
        for (dev.backprop.nn.Parameter p : model.parameters()) {
            if (p.role() == dev.backprop.nn.Role.WEIGHT) { // biases are not penalised by default
                for (double w : p.value().toDoubleArray()) {
                    sumSq += w * w;
                }
            }
        }
        assertEquals(lambda * sumSq, r.last().penalty(), 1e-9 * Math.max(1, lambda * sumSq));
        assertTrue(r.last().penalty() > 0);
    }

    @Test
    void divergenceNamesStepAndLayer() {
        Trainer t = trainer(mlp(2), 5, null, 1e6);
        DivergenceException e = assertThrows(DivergenceException.class, t::fit);
        assertTrue(e.step() > 0);
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        assertFalse(e.where().isEmpty());
    }

    @Test
    void earlyStoppingStopsWhenEvaluationLossStopsImproving() {
        Sequential model = mlp(4);
        Optimizer opt = SGD.of(model.parameters(), 0.0, new Regularizer.None()); // lr 0: loss never improves
        TrainingResult r = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN), opt,
                        DataLoader.shuffled(SPIRALS.train(), 32, 1))
                .evaluateOn(SPIRALS.test()).epochs(20).earlyStopping(2).build().fit();
        assertTrue(r.stoppedEarly());
        assertEquals(3, r.epochs().size());
        assertEquals(1, r.bestEpoch());
    }

    @Test
    void trainingAccuracyIsTheShareOfTrainingSamplesTheModelGotRightAsItTrained() {
        Sequential model = mlp(4);
        // lr 0: the weights never change, so the running accuracy over the epoch's batches is the accuracy of the
        // fixed model on the whole training set, which Evaluation computes independently (in data order, one pass)
        Optimizer opt = SGD.of(model.parameters(), 0.0, new Regularizer.None());
        TrainingResult r = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN), opt,
                        DataLoader.shuffled(SPIRALS.train(), 32, 1))
                .evaluateOn(SPIRALS.test()).epochs(2).build().fit();
        double expected = Evaluation.of(model, new Loss.CrossEntropy(Reduction.MEAN), SPIRALS.train(), 256,
                DType.F32).accuracy();
        assertEquals(expected, r.epochs().get(0).trainAccuracy(), 1e-12);
        assertEquals(expected, r.last().trainAccuracy(), 1e-12);

        TrainingResult learning = trainer(mlp(1), 30, null, 0.05).fit();
        assertTrue(learning.last().trainAccuracy() > learning.epochs().get(0).trainAccuracy() + 0.2,
                "training accuracy should rise as the model learns: " + learning.epochs());
    }

    /** The spirals' training set with every label flipped: the better a model fits the data, the worse it scores. */
    private static dev.backprop.data.Dataset flipped(dev.backprop.data.Dataset d) {
        float[] x = new float[d.size() * d.featureCount()];
        int[] y = new int[d.size()];
        for (int i = 0; i < d.size(); i++) {
            for (int j = 0; j < d.featureCount(); j++) {
                x[i * d.featureCount() + j] = d.feature(i, j);
            }
            y[i] = 1 - d.label(i);
        }
        return dev.backprop.data.Dataset.classification(x, d.featureCount(), y, 2);
    }

    @Test
    void restoreBestLeavesTheModelWithTheWeightsOfTheBestEpoch(@TempDir Path tmp) throws Exception {
        List<Map<String, Tensor>> after = new ArrayList<>(); // the weights after each epoch, copied
        Sequential model = mlp(6);
        TrainingListener keep = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m) {
                Map<String, Tensor> copy = new java.util.LinkedHashMap<>();
                model.stateDict().forEach((k, t) -> copy.put(k, t.copy()));
                after.add(copy);
            }
        };
        Trainer t = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN),
                        SGD.of(model.parameters(), 0.05, 0.9, false, new Regularizer.None()),
                        DataLoader.shuffled(SPIRALS.train(), 32, 11))
                .evaluateOn(flipped(SPIRALS.train())).epochs(6).restoreBest(true).listener(keep)
                .checkpointTo(tmp).build();
        TrainingResult r = t.fit();
        assertTrue(r.bestEpoch() >= 1 && r.bestEpoch() < 6, "the flipped evaluation set should get worse: " + r);
        int best = 0;
        for (int i = 1; i < r.epochs().size(); i++) {
            best = r.epochs().get(i).testLoss() < r.epochs().get(best).testLoss() ? i : best;
        }
        assertEquals(best + 1, r.bestEpoch());
        assertStatesEqual(after.get(best), model.stateDict());
        assertStatesEqual(after.get(best), dev.backprop.io.Safetensors.read(tmp.resolve(Trainer.BEST_WEIGHTS)));

        Sequential without = mlp(6);
        Trainer.builder(without, new Loss.CrossEntropy(Reduction.MEAN),
                        SGD.of(without.parameters(), 0.05, 0.9, false, new Regularizer.None()),
                        DataLoader.shuffled(SPIRALS.train(), 32, 11))
                .evaluateOn(flipped(SPIRALS.train())).epochs(6).build().fit();
        assertStatesEqual(after.getLast(), without.stateDict()); // without restoreBest: the last epoch's
    }

    @Test
    void listenersSeeGradientsThenUpdatedWeights() {
        Sequential model = mlp(6);
        List<Double> gradNorms = new ArrayList<>();
        List<Boolean> changed = new ArrayList<>();
        float[][] before = new float[1][];
        Trainer t = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN),
                        SGD.of(model.parameters(), 0.1, new Regularizer.None()),
                        DataLoader.shuffled(SPIRALS.train(), 100, 1))
                .epochs(1)
                .listener(new TrainingListener() {
                    @Override
                    public boolean wantsActivations(long step) {
                        return true;
                    }

                    @Override
                    public void afterBackward(StepContext s) {
                        Tensor g = s.parameters().get(0).grad();
                        double n = 0;
                        for (int i = 0; i < g.size(); i++) {
                            n += g.getFlat(i) * g.getFlat(i);
                        }
                        gradNorms.add(n);
                        before[0] = s.parameters().get(0).value().toFloatArray();
                        assertEquals(s.model().leaves().size(), s.activations().size());
                        assertTrue(s.activations().get(0).output().grad() != null, "dL/d(activation) retained");
                        assertSame(s.activations().get(0).output(), s.activations().get(1).input());
                    }

                    @Override
                    public void afterStep(StepContext s) {
                        changed.add(!java.util.Arrays.equals(before[0], s.parameters().get(0).value().toFloatArray()));
                    }
                }).build();
        t.fit();
        assertEquals(6, gradNorms.size());
        assertTrue(gradNorms.stream().allMatch(n -> n > 0));
        assertTrue(changed.stream().allMatch(c -> c));
    }

    static void assertStatesEqual(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
        }
    }

    @Test
    void weightsPushedToInfinityByTheLastUpdateAreADivergence() {
        // one step: the loss and the gradients are finite, the update (lr 1e300) is not
        Sequential net = mlp(1);
        Trainer t = Trainer.builder(net, new Loss.CrossEntropy(Reduction.MEAN),
                SGD.of(net.parameters(), 1e300, 0, false, new Regularizer.None()),
                DataLoader.shuffled(SPIRALS.train().subset(32), 32, 1)).epochs(1).build();
        DivergenceException e = assertThrows(DivergenceException.class, t::fit);
        assertTrue(e.getMessage().contains("are not finite after the update") && e.getMessage().contains("weight"),
                e.getMessage());
        assertEquals(1, e.step());
    }

    @Test
    void aTrainerJsonThatPointsOutOfItsFolderOrIsInconsistentIsRejected(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        trainer(mlp(5), 2, ckpt, 0.05).fit();
        Path index = ckpt.resolve("trainer.json");
        String good = Files.readString(index);
        Files.writeString(tmp.resolve("outside.safetensors"), "not weights");
        for (String[] bad : new String[][] {
            {"\"model\" : \"model-e2.safetensors\"", "\"model\" : \"../outside.safetensors\"", "\"model\" must name"},
            {"\"epoch\" : 2", "\"epoch\" : 0", "\"epoch\" must be at least 1"},
            {"\"bestEpoch\" : ", "\"bestEpoch\" : 99", "\"bestEpoch\" must be in [0, 2]"}}) {
            assertTrue(good.contains(bad[0]), bad[0] + " in " + good);
            String hostile = bad[0].endsWith(": ") ? good.replaceFirst("\"bestEpoch\" : [0-9]+", bad[1])
                    : good.replace(bad[0], bad[1]);
            Files.writeString(index, hostile);
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> trainer(mlp(6), 4, ckpt, 0.05).resume(ckpt));
            assertTrue(e.getMessage().startsWith(index.toString()) && e.getMessage().contains(bad[2]), e.getMessage());
        }
    }
}
