package dev.backprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.kernel.Parallel;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Steady-state training of the benchmark MLP (784-256-128-10, batch 128) allocates at most 0.5 MB per step (issue 11;
 * its activations and gradients alone are about 2.7 MB a step, so this holds only when the step's buffers are
 * reused), and reusing them changes nothing: the weights equal those of a hand-written loop that allocates afresh.
 */
class StepAllocationTest {
    private static final int[] SIZES = {784, 256, 128, 10};

    private static Dataset data(int n) {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[n * SIZES[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(10);
        }
        return Dataset.classification(x, SIZES[0], y, 10);
    }

    @Test
    void steadyStateStepAllocatesAtMostHalfAMegabyte() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean b && b.isThreadAllocatedMemoryEnabled());
        var threads = (com.sun.management.ThreadMXBean) bean;
        int saved = Parallel.threads();
        Parallel.setThreads(1); // everything on this thread, so its counter sees every byte
        try {
            Sequential model = Mlp.of(SIZES).activation(ActivationKind.RELU).seed(1).build();
            DataLoader loader = DataLoader.shuffled(data(128 * 5), 128, 1);
            int epochs = 50; // 250 steps: the JIT needs about a hundred to compile the kernels
            long[] at = new long[epochs + 1];
            int[] steps = new int[epochs + 1];
            Trainer trainer = Trainer.builder(model, Loss.crossEntropy(),
                            OptimizerSpec.Sgd.lr(0.1).build(model.parameters(), Regularizer.none()), loader)
                    .epochs(epochs)
                    .listener(new TrainingListener() {
                        @Override
                        public void afterStep(StepContext s) {
                            steps[s.epoch()]++;
                            at[s.epoch()] = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
                        }
                    })
                    .build();
            trainer.fit();
            // the vector kernels allocate until the JIT has compiled them, so the steady state is the best epoch
            double best = Double.MAX_VALUE;
            for (int e = 2; e <= epochs; e++) {
                best = Math.min(best, (double) (at[e] - at[e - 1]) / steps[e]);
            }
            assertTrue(best <= 500_000, "allocated " + best + " bytes per step in the best epoch");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Two epochs through the Trainer against the same steps written out: forward, backward, update, clear. */
    @Test
    void reusedBuffersGiveTheWeightsOfAFreshlyAllocatingLoop() {
        Dataset d = data(128 * 4 + 50);
        Sequential a = Mlp.of(SIZES).activation(ActivationKind.RELU).seed(3).build();
        Sequential b = Mlp.of(SIZES).activation(ActivationKind.RELU).seed(3).build();
        DataLoader loader = DataLoader.shuffled(d, 128, 9);
        Trainer.builder(a, Loss.crossEntropy(), OptimizerSpec.Sgd.lr(0.1).momentum(0.9)
                .build(a.parameters(), Regularizer.none()), loader).epochs(2).build().fit();
        var opt = OptimizerSpec.Sgd.lr(0.1).momentum(0.9).build(b.parameters(), Regularizer.none());
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (var batch : loader.epoch(epoch)) {
                var out = b.apply(dev.backprop.autograd.Variable.constant(batch.features().copy()));
                Loss.crossEntropy().compute(out, batch).backward();
                opt.step();
                opt.zeroGrad();
            }
        }
        for (int i = 0; i < a.parameters().size(); i++) {
            Tensor wa = a.parameters().get(i).value();
            Tensor wb = b.parameters().get(i).value();
            for (int j = 0; j < wa.size(); j++) {
                assertEquals(wb.getFlat(j), wa.getFlat(j), 0.0, a.parameters().get(i).name() + "[" + j + "]");
            }
        }
    }
}
