package dev.backprop.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.Model;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.data.FashionMnist;
import dev.backprop.data.TrainTest;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.kernel.FmaPeak;
import dev.backprop.kernel.Gemm;
import dev.backprop.kernel.Parallel;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import dev.backprop.train.Evaluation;
import dev.backprop.train.StepContext;
import dev.backprop.train.Trainer;
import dev.backprop.train.TrainingListener;
import dev.backprop.train.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop bench mlp}: the benchmark task (784-256-128-10, ReLU, He, softmax cross-entropy, SGD
 * lr 0.1, batch 128) on Fashion-MNIST when installed (else random data of the same shape), with the gradient
 * diagnostics of {@code backprop train} at their default interval. For each thread count it prints the epoch times,
 * the first epoch against the steady ones, bytes allocated per step, GFLOP/s of the epoch's matrix products against
 * the measured FMA peak, an Adam epoch against an SGD epoch, and the forward throughput on the test set.
 */
@Command(name = "mlp", description = "Train the Fashion-MNIST benchmark MLP and print every speed figure.")
final class MlpBench implements Callable<Integer> {
    private static final int[] SIZES = {784, 256, 128, 10};

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--threads", split = ",", description = "Thread counts to measure, in order (default: 1,2).")
    int[] threads = {1, 2};

    @Option(names = "--epochs", description = "SGD epochs per thread count (default: 4; the first is warm-up).")
    int epochs = 4;

    @Option(names = "--adam-epochs", description = "Adam epochs per thread count, 0 for none (default: 2).")
    int adamEpochs = 2;

    @Option(names = "--json", description = "Print one JSON object with every figure.")
    boolean json;

    /** The figures of one thread count. */
    @JsonPropertyOrder({"threads", "fma_peak_gflops", "sgd_epoch_s", "steady_epoch_s", "first_over_steady",
        "bytes_per_step", "gflop_per_epoch", "gflops", "fraction_of_peak", "adam_epoch_s", "adam_over_sgd",
        "eval_samples_per_second", "predict_samples_per_second"})
    public record Run(int threads, double fma_peak_gflops, List<Double> sgd_epoch_s, double steady_epoch_s,
            double first_over_steady, double bytes_per_step, double gflop_per_epoch, double gflops,
            double fraction_of_peak, List<Double> adam_epoch_s, double adam_over_sgd, double eval_samples_per_second,
            double predict_samples_per_second) {
    }

    /** The {@code --json} document. */
    @JsonPropertyOrder({"data", "vectorized", "cpus", "runs", "speedup_2_over_1"})
    public record Report(String data, boolean vectorized, int cpus, List<Run> runs, double speedup_2_over_1) {
    }

    @Override
    public Integer call() throws IOException, JsonProcessingException {
        if (epochs < 2 || adamEpochs < 0 || threads.length == 0 || Arrays.stream(threads).anyMatch(t -> t < 1)) {
            throw new UsageError("--epochs must be at least 2, --adam-epochs at least 0 and every --threads at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        TrainTest data;
        String source;
        if (Files.isDirectory(FashionMnist.DEFAULT_DIR)) {
            data = FashionMnist.load();
            source = "fashion-mnist";
        } else {
            data = randomData();
            source = "random 60000x784 (Fashion-MNIST not installed)";
        }
        say(out, "MLP 784-256-128-10, ReLU, He normal, cross-entropy, SGD lr 0.1, batch 128, diagnostics every "
                + GradientDiagnostics.DEFAULT_LOG_EVERY + " steps; data " + source + "; vectorized=" + Gemm.VECTORIZED
                + "; " + Runtime.getRuntime().availableProcessors() + " CPUs");
        double flop = flopPerEpoch(data.train().size());
        List<Run> runs = new ArrayList<>();
        for (int t : threads) {
            Parallel.setThreads(t);
            double peak = FmaPeak.gflops(t, 100);
            say(out, String.format("threads %d: FMA peak %.1f GFLOP/s", t, peak));
            Measured sgd = train(data, OptimizerSpec.Sgd.lr(0.1), epochs);
            double steady = median(sgd.seconds.subList(1, sgd.seconds.size()));
            double gflops = flop / steady / 1e9;
            say(out, String.format("  SGD epochs %s s; steady (median of 2..%d) %.3f s; first/steady %.2f",
                    fmt(sgd.seconds), epochs, steady, sgd.seconds.get(0) / steady));
            say(out, String.format("  allocation %.2f MB per step (steady epochs)", sgd.bytesPerStep / 1e6));
            say(out, String.format("  matrix products %.1f GFLOP per epoch: %.1f GFLOP/s = %.0f%% of the FMA peak",
                    flop / 1e9, gflops, 100 * gflops / peak));
            List<Double> adam = List.of();
            double adamRatio = Double.NaN;
            if (adamEpochs > 0) {
                adam = train(data, OptimizerSpec.Adam.lr(1e-3), adamEpochs).seconds;
                double adamSteady = median(adam.size() > 1 ? adam.subList(1, adam.size()) : adam);
                adamRatio = adamSteady / steady;
                say(out, String.format("  Adam epochs %s s: Adam/SGD %.2f", fmt(adam), adamRatio));
            }
            double[] inference = inference(data.test());
            say(out, String.format("  forward on %d test samples: eval %.0f samples/s, Model.predict %.0f samples/s",
                    data.test().size(), inference[0], inference[1]));
            runs.add(new Run(t, round(peak), sgd.seconds, round(steady), round(sgd.seconds.get(0) / steady),
                    Math.round(sgd.bytesPerStep), round(flop / 1e9), round(gflops), round(gflops / peak), adam,
                    round(adamRatio), Math.round(inference[0]), Math.round(inference[1])));
        }
        double speedup = Double.NaN;
        Run one = runs.stream().filter(r -> r.threads() == 1).findFirst().orElse(null);
        Run two = runs.stream().filter(r -> r.threads() == 2).findFirst().orElse(null);
        if (one != null && two != null) {
            speedup = round(one.steady_epoch_s() / two.steady_epoch_s());
            say(out, String.format("2 threads / 1 thread: %.2fx faster (steady epochs)", speedup));
        }
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(new Report(source, Gemm.VECTORIZED,
                    Runtime.getRuntime().availableProcessors(), runs, speedup)));
            out.flush();
        }
        return 0;
    }

    private void say(PrintWriter out, String line) {
        if (json) {
            System.err.println(line);
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** Multiply-adds ×2 of one epoch: forward, weight gradients, and input gradients of every layer but the first. */
    static double flopPerEpoch(int samples) {
        double perSample = 0;
        for (int i = 0; i + 1 < SIZES.length; i++) {
            double mk = (double) SIZES[i] * SIZES[i + 1];
            perSample += 2 * mk * (i == 0 ? 2 : 3);
        }
        return perSample * samples;
    }

    private record Measured(List<Double> seconds, double bytesPerStep) {
    }

    private static Measured train(TrainTest data, OptimizerSpec spec, int epochs) {
        Sequential model = Mlp.of(SIZES).activation(ActivationKind.RELU)
                .weightInit(Init.parse("he-normal", ActivationKind.RELU)).seed(1).build();
        DataLoader loader = DataLoader.shuffled(data.train(), 128, 1).withDType(DType.F32);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] bytesAtEpochEnd = new long[epochs + 1];
        int[] stepsInEpoch = new int[epochs + 1];
        Trainer trainer = Trainer.builder(model, Loss.crossEntropy(), spec.build(model.parameters(), Regularizer.none()), loader)
                .epochs(epochs)
                .listener(new GradientDiagnostics())
                .listener(new TrainingListener() {
                    @Override
                    public void afterStep(StepContext s) {
                        stepsInEpoch[s.epoch()]++;
                        bytesAtEpochEnd[s.epoch()] = mx.getTotalThreadAllocatedBytes();
                    }
                })
                .build();
        TrainingResult r = trainer.fit();
        List<Double> seconds = r.epochs().stream().map(e -> round(e.seconds())).toList();
        double bytesPerStep = epochs < 2 ? Double.NaN
                : (double) (bytesAtEpochEnd[epochs] - bytesAtEpochEnd[1])
                        / Arrays.stream(stepsInEpoch, 2, epochs + 1).sum();
        return new Measured(seconds, bytesPerStep);
    }

    /** Samples per second of forward passes over {@code test}: through {@link Evaluation} and {@link Model#predict}. */
    private static double[] inference(Dataset test) {
        Sequential model = Mlp.of(SIZES).activation(ActivationKind.RELU).seed(1).build();
        Model m = Model.builder(model).build();
        float[][] rows = new float[test.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[SIZES[0]];
            test.copyFeatures(i, rows[i], 0);
        }
        double evalBest = 0;
        double predictBest = 0;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            Evaluation.of(model, Loss.crossEntropy(), test, 256, DType.F32);
            evalBest = Math.max(evalBest, test.size() / ((System.nanoTime() - t0) / 1e9));
            t0 = System.nanoTime();
            m.predict(rows);
            predictBest = Math.max(predictBest, test.size() / ((System.nanoTime() - t0) / 1e9));
        }
        return new double[] {evalBest, predictBest};
    }

    private static TrainTest randomData() {
        SplittableRandom rnd = new SplittableRandom(3);
        return new TrainTest(randomSet(rnd, 60_000), randomSet(rnd, 10_000));
    }

    private static Dataset randomSet(SplittableRandom rnd, int n) {
        float[] x = new float[n * SIZES[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(SIZES[SIZES.length - 1]);
        }
        return Dataset.classification(x, SIZES[0], y, SIZES[SIZES.length - 1]);
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.3f", x)).toList().toString();
    }
}
