package dev.backprop.diagnose;

import dev.backprop.autograd.Reduction;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.data.FashionMnist;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.StepContext;
import dev.backprop.train.Trainer;
import dev.backprop.train.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: measures what the diagnostics cost on a Fashion-MNIST-sized MLP (784-256-128-10, batch 128), so it
 * runs only with {@code -Dbackprop.bench=true}:
 * {@code ./mvnw -q -pl backprop-core test -Dtest=DiagnosticsOverheadBenchmark -Dbackprop.bench=true}.
 * Epochs with and without diagnostics are interleaved and the median epoch time of each is reported, together with
 * the time spent inside the diagnostics' callbacks (less sensitive to a busy machine).
 */
@EnabledIfSystemProperty(named = "backprop.bench", matches = "true")
class DiagnosticsOverheadBenchmark {
    private static final int STEPS = Integer.getInteger("backprop.bench.steps", 200);
    private static final int REPS = Integer.getInteger("backprop.bench.reps", 3);

    /** Times the callbacks of the listener it wraps. */
    private static final class Timed implements TrainingListener {
        final GradientDiagnostics inner;
        long nanos;

        Timed(GradientDiagnostics inner) {
            this.inner = inner;
        }

        @Override
        public void afterBackward(StepContext s) {
            long t = System.nanoTime();
            inner.afterBackward(s);
            nanos += System.nanoTime() - t;
        }

        @Override
        public void afterStep(StepContext s) {
            long t = System.nanoTime();
            inner.afterStep(s);
            nanos += System.nanoTime() - t;
        }

        @Override
        public void onEpochEnd(EpochMetrics m) {
            long t = System.nanoTime();
            inner.onEpochEnd(m);
            nanos += System.nanoTime() - t;
        }

        @Override
        public boolean wantsActivations(long step) {
            return inner.wantsActivations(step);
        }
    }

    @Test
    void overhead() throws Exception {
        Dataset data = FashionMnist.load().train().subset(128 * STEPS);
        Sequential net = Mlp.of(784, 256, 128, 10).activation(ActivationKind.RELU).seed(1).build();
        DataLoader loader = DataLoader.shuffled(data, 128, 1);
        epoch(net, loader, null); // warm-up, the diagnostics' code included
        epoch(net, loader, new GradientDiagnostics(1));
        int[] intervals = {0, 100, 50, 10, 1};
        Map<Integer, List<Double>> times = new LinkedHashMap<>();
        Map<Integer, List<Double>> inside = new LinkedHashMap<>();
        for (int r = 0; r < REPS; r++) {
            for (int every : intervals) {
                Timed t = every == 0 ? null : new Timed(new GradientDiagnostics(every));
                double s = epoch(net, loader, t);
                times.computeIfAbsent(every, k -> new ArrayList<>()).add(s);
                inside.computeIfAbsent(every, k -> new ArrayList<>()).add(t == null ? 0 : t.nanos / 1e9);
            }
        }
        double base = median(times.get(0));
        System.out.printf("diagnostics overhead, %d steps of batch 128 per epoch, median of %d epochs%n", STEPS, REPS);
        for (int every : intervals) {
            double m = median(times.get(every));
            double in = median(inside.get(every));
            System.out.printf("  log every %-4s epoch %7.3f s  (%+6.2f%% vs none)  inside callbacks %6.3f s (%5.2f%%)%n",
                    every == 0 ? "off" : every, m, 100 * (m - base) / base, in, 100 * in / m);
        }
    }

    private static double epoch(Sequential net, DataLoader loader, TrainingListener l) {
        Trainer.Builder b = Trainer.builder(net, new Loss.CrossEntropy(Reduction.MEAN),
                SGD.of(net.parameters(), 0.01, 0.9, false, new Regularizer.None()), loader).epochs(1);
        if (l != null) {
            b.listener(l);
        }
        return b.build().fit().last().seconds();
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }
}
