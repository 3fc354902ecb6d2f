package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With syncEvery = 1, training on Spark is synchronous SGD of the global batch: from the same initial weights and
 * the same sample order it must equal backprop-core's single-machine Trainer with batch size batchSize x partitions,
 * where the global batch at step t is the concatenation of the partitions' local batches t.
 */
class SyncEquivalenceTest {
    static final int K = 2;
    static final int B = 8;
    static final int PER = 48;
    static final int F = 4;
    static final int C = 3;
    static final int EPOCHS = 3;
    static final long SEED = 11;

    static Dataset data;
    static org.apache.spark.sql.Dataset<Row> frame;

    @BeforeAll
    static void data() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = K * PER;
        float[] x = new float[n * F];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < F; j++) {
                x[i * F + j] = (float) rng.nextGaussian();
            }
            for (int c = 0; c < C; c++) {
                double score = x[i * F + c] - 0.5 * x[i * F + (c + 1) % F] + 0.3 * rng.nextGaussian();
                if (score > best) {
                    best = score;
                    y[i] = c;
                }
            }
        }
        data = Dataset.classification(x, F, y, C);
        frame = TestData.frame(data, K);
        // the sample order below assumes partition k holds rows [k*PER, (k+1)*PER) in order: check it
        List<List<Row>> parts = frame.javaRDD().glom().collect();
        assertEquals(K, parts.size());
        for (int k = 0; k < K; k++) {
            assertEquals(PER, parts.get(k).size());
            for (int i = 0; i < PER; i++) {
                Row r = parts.get(k).get(i);
                assertEquals(y[k * PER + i], (int) r.getDouble(1));
                assertEquals(x[(k * PER + i) * F], (float) ((Vector) r.get(0)).apply(0));
            }
        }
    }

    /** The single-machine reference: core's Trainer over the global batches, in F64. */
    static Map<String, Tensor> reference(OptimizerSpec spec, Regularizer reg, Map<String, Tensor> initialOut) {
        return reference(spec, reg, initialOut, b -> { });
    }

    /** The reference with more settings of the trainer (schedule, clipping). */
    static Map<String, Tensor> reference(OptimizerSpec spec, Regularizer reg, Map<String, Tensor> initialOut,
                                         java.util.function.Consumer<Trainer.Builder> settings) {
        return reference(spec, reg, initialOut, settings, true, null);
    }

    /** The reference, optionally without shuffling (each shard in row order) and from given initial weights. */
    static Map<String, Tensor> reference(OptimizerSpec spec, Regularizer reg, Map<String, Tensor> initialOut,
                                         java.util.function.Consumer<Trainer.Builder> settings, boolean shuffle,
                                         Map<String, Tensor> start) {
        Sequential net = Mlp.of(F, 16, C).activation(ActivationKind.TANH).dtype(DType.F64).seed(SEED).build();
        if (start != null) {
            net.loadStateDict(start);
        }
        net.stateDict().forEach((k, t) -> initialOut.put(k, t.copy()));
        int total = EPOCHS * K * PER;
        int[] order = new int[total];
        int at = 0;
        for (int e = 1; e <= EPOCHS; e++) {
            int[][] perm = new int[K][];
            for (int k = 0; k < K; k++) {
                perm[k] = shuffle ? DataParallel.shardPermutation(PER, SEED, k, e)
                        : java.util.stream.IntStream.range(0, PER).toArray();
            }
            for (int t = 0; t < PER / B; t++) {
                for (int k = 0; k < K; k++) {
                    for (int i = 0; i < B; i++) {
                        order[at++] = k * PER + perm[k][t * B + i];
                    }
                }
            }
        }
        Dataset ordered = data.select(order);
        Optimizer opt = spec.build(net.parameters(), reg);
        Trainer.Builder b = Trainer.builder(net, Loss.crossEntropy(), opt,
                DataLoader.sequential(ordered, K * B).withDType(DType.F64)).epochs(1);
        settings.accept(b);
        b.build().fit();
        return net.stateDict();
    }

    static BackpropClassifier classifier() {
        return new BackpropClassifier().setLayers(new int[] {F, 16, C}).setActivation("tanh").setBatchSize(B)
                .setMaxEpochs(EPOCHS).setSeed(SEED).setSyncEvery(1).setDtype("f64");
    }

    static double relativeError(Map<String, Tensor> got, Map<String, Tensor> want) {
        assertEquals(want.keySet(), got.keySet());
        double worst = 0;
        for (String k : want.keySet()) {
            Tensor a = got.get(k);
            Tensor b = want.get(k);
            assertEquals(b.size(), a.size(), k);
            double diff = 0;
            double scale = 0;
            for (int i = 0; i < b.size(); i++) {
                diff = Math.max(diff, Math.abs(a.getFlat(i) - b.getFlat(i)));
                scale = Math.max(scale, Math.abs(b.getFlat(i)));
            }
            worst = Math.max(worst, diff / Math.max(scale, 1e-300));
        }
        return worst;
    }

    @Test
    void sgdWithMomentumAndL2EqualsTheSingleMachineTrainerWithTheGlobalBatch() {
        BackpropClassifier bp = classifier().setOptimizer("sgd").setLearningRate(0.1).setMomentum(0.9).setL2(1e-3);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Map<String, Tensor> want = reference(OptimizerSpec.Sgd.lr(0.1).momentum(0.9), new Regularizer.L2(1e-3),
                initial);
        assertEquals(0.0, relativeError(bp.initialNetwork().stateDict(), initial), "same initial weights");
        Map<String, Tensor> got = bp.fit(frame).toModel().stateDict();
        assertTrue(relativeError(want, initial) > 0.05, "training moved the weights");
        double err = relativeError(got, want);
        assertTrue(err < 1e-10, "relative error " + err);
    }

    /**
     * A per-step schedule and both clippings: the driver sets the rate of each round from the schedule (its steps are
     * the rounds) and clips the round's gradient by value, then by norm, as the Trainer clips each step's; with
     * syncEvery 1 the two runs are the same computation.
     */
    @Test
    void aScheduleAndGradientClippingEqualTheSingleMachineTrainer() {
        String schedule = "warmup:5,cosine";
        int steps = EPOCHS * PER / B;
        BackpropClassifier bp = classifier().setOptimizer("sgd").setLearningRate(0.3).setMomentum(0.9)
                .setSchedule(schedule).setClipValue(0.05).setClipNorm(0.1);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Map<String, Tensor> want = reference(OptimizerSpec.Sgd.lr(0.3).momentum(0.9), Regularizer.none(), initial,
                b -> b.schedule(dev.backprop.optim.Schedule.parse(schedule, steps)).clipValue(0.05).clipNorm(0.1));
        Map<String, Tensor> unclipped = reference(OptimizerSpec.Sgd.lr(0.3).momentum(0.9), Regularizer.none(),
                new LinkedHashMap<>(), b -> b.schedule(dev.backprop.optim.Schedule.parse(schedule, steps)));
        Map<String, Tensor> constant = reference(OptimizerSpec.Sgd.lr(0.3).momentum(0.9), Regularizer.none(),
                new LinkedHashMap<>(), b -> b.clipValue(0.05).clipNorm(0.1));
        assertTrue(relativeError(unclipped, want) > 1e-3, "the clipping changes the result");
        assertTrue(relativeError(constant, want) > 1e-3, "the schedule changes the result");
        double err = relativeError(bp.fit(frame).toModel().stateDict(), want);
        assertTrue(err < 1e-10, "relative error " + err);
    }

    /**
     * {@code setShuffle(false)} visits each shard in row order and {@code setInitialWeights} starts from a weights
     * file (as {@code backprop train --no-shuffle --init-from}): the same as the Trainer over the unshuffled global
     * batches from those weights.
     */
    @Test
    void unshuffledFromAWeightsFileEqualsTheSingleMachineTrainer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        Sequential other = Mlp.of(F, 16, C).activation(ActivationKind.TANH).dtype(DType.F64).seed(99).build();
        java.nio.file.Path file = tmp.resolve("start.safetensors");
        dev.backprop.io.Safetensors.write(file, other.stateDict());
        BackpropClassifier bp = classifier().setOptimizer("sgd").setLearningRate(0.1).setMomentum(0.9)
                .setShuffle(false).setInitialWeights(file.toString());
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Map<String, Tensor> want = reference(OptimizerSpec.Sgd.lr(0.1).momentum(0.9), Regularizer.none(), initial,
                b -> { }, false, other.stateDict());
        Map<String, Tensor> shuffled = reference(OptimizerSpec.Sgd.lr(0.1).momentum(0.9), Regularizer.none(),
                new LinkedHashMap<>(), b -> { }, true, other.stateDict());
        assertTrue(relativeError(shuffled, want) > 1e-3, "the order matters");
        assertTrue(relativeError(bp.initialNetwork().stateDict(), initial) > 1e-3, "not the seeded initialization");
        double err = relativeError(bp.fit(frame).toModel().stateDict(), want);
        assertTrue(err < 1e-10, "relative error " + err);
    }

    @Test
    void adamEqualsTheSingleMachineTrainerWithTheGlobalBatch() {
        BackpropClassifier bp = classifier().setOptimizer("adam").setLearningRate(0.01);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Map<String, Tensor> want = reference(OptimizerSpec.Adam.lr(0.01), Regularizer.none(), initial);
        double err = relativeError(bp.fit(frame).toModel().stateDict(), want);
        assertTrue(err < 1e-10, "relative error " + err);
    }

    @Test
    void localStepsBetweenRoundsAreNotTheGlobalBatchButStillLearn() {
        BackpropClassifier bp = classifier().setOptimizer("sgd").setLearningRate(0.1).setMomentum(0.9)
                .setL2(1e-3).setSyncEvery(3);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Map<String, Tensor> want = reference(OptimizerSpec.Sgd.lr(0.1).momentum(0.9), new Regularizer.L2(1e-3),
                initial);
        BackpropClassificationModel m = bp.fit(frame);
        double err = relativeError(m.toModel().stateDict(), want);
        assertTrue(err > 1e-4, "syncEvery 3 should differ from the global-batch reference, error " + err);
        double[] loss = m.trainingLossHistory();
        assertEquals(EPOCHS, loss.length);
        assertTrue(loss[EPOCHS - 1] < loss[0], "loss fell: " + java.util.Arrays.toString(loss));
    }

    @Test
    void theSameSeedGivesTheSameBitsAndAnotherSeedOtherWeights() {
        BackpropClassifier bp = classifier().setDtype("f32").setSyncEvery(2).setDropout(0.2);
        float[] a = flat(bp.fit(frame).toModel().stateDict());
        float[] b = flat(bp.fit(frame).toModel().stateDict());
        assertArrayEquals(a, b);
        float[] c = flat(bp.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(12).fit(frame).toModel()
                .stateDict());
        assertTrue(!java.util.Arrays.equals(a, c));
    }

    private static float[] flat(Map<String, Tensor> state) {
        int n = state.values().stream().mapToInt(Tensor::size).sum();
        float[] out = new float[n];
        int at = 0;
        for (Tensor t : state.values()) {
            for (int i = 0; i < t.size(); i++) {
                out[at++] = (float) t.getFlat(i);
            }
        }
        return out;
    }
}
