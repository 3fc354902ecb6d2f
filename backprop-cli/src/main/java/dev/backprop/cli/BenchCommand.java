package dev.backprop.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.kernel.Gemm;
import dev.backprop.kernel.Parallel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backprop bench}: micro-benchmarks of the kernels, to see what this machine gives. */
@Command(name = "bench", description = "Measure kernel speed on this machine.",
        subcommands = {BenchCommand.GemmBench.class, MlpBench.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One measured GEMM: sizes, transpose form ("NN", "NT", "TN") and speed. */
    @JsonPropertyOrder({"m", "n", "k", "form", "gflops"})
    public record Result(int m, int n, int k, String form, double gflops) {
    }

    /** The {@code --json} document. */
    @JsonPropertyOrder({"threads", "results"})
    public record Report(int threads, List<Result> results) {
    }

    /** A benchmarked shape: {@code C[m x n] = op(A)·op(B)} with inner size k, and where it occurs. */
    record Shape(String name, int m, int n, int k, boolean transA, boolean transB) {
        String form() {
            return (transA ? "T" : "N") + (transB ? "T" : "N");
        }
    }

    /** The products of a 784-256-...-10 MLP at batch 128, and two square sizes. */
    static final List<Shape> SHAPES = List.of(
            new Shape("forward X·W", 128, 256, 784, false, false),
            new Shape("forward X·Wᵀ (Linear)", 128, 256, 784, false, true),
            new Shape("backward dW = dYᵀ·X", 784, 256, 128, true, false),
            new Shape("backward dX = dY·W", 128, 784, 256, false, false),
            new Shape("backward dX = dY·Wᵀ", 128, 784, 256, false, true),
            new Shape("hidden 128x256·256x128", 128, 128, 256, false, false),
            new Shape("logits forward", 128, 10, 128, false, false),
            new Shape("logits forward (Linear)", 128, 10, 128, false, true),
            new Shape("logits dW = dYᵀ·X", 10, 128, 128, true, false),
            new Shape("dX into last hidden", 128, 128, 10, false, false),
            new Shape("square 512", 512, 512, 512, false, false),
            new Shape("square 1024", 1024, 1024, 1024, false, false));

    /**
     * {@code backprop bench gemm}: F32 GEMM speed, {@code 2·m·n·k / seconds} in GFLOP/s, the median of several
     * timed repetitions after a warm-up.
     */
    @Command(name = "gemm",
            description = "F32 matrix multiplication speed (GFLOP/s) at the MLP shapes and two square sizes.")
    static final class GemmBench implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--threads", description = "Threads to use (default: available processors).")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--reps", description = "Timed repetitions per shape; the median is reported (default: 7).")
        int reps = 7;

        @Option(names = "--rep-ms", description = "Approximate length of one repetition in ms (default: 200).")
        int repMs = 200;

        @Option(names = "--json", description = "Print {\"threads\", \"results\": [{m, n, k, form, gflops}]}.")
        boolean json;

        @Override
        public Integer call() throws JsonProcessingException {
            if (threads < 1 || reps < 1 || repMs < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--threads, --reps and --rep-ms must be at least 1 (got " + threads + ", " + reps + ", "
                                + repMs + ")");
            }
            Parallel.setThreads(threads);
            PrintWriter out = spec.commandLine().getOut();
            if (!json) {
                out.printf("F32 GEMM, %d thread(s), vectorized=%s, median of %d reps%n", threads, Gemm.VECTORIZED,
                        reps);
                out.printf("%-26s %5s %5s %5s %4s %9s%n", "shape", "m", "n", "k", "form", "GFLOP/s");
                out.flush();
            }
            warmUp();
            List<Result> results = new ArrayList<>();
            for (Shape s : SHAPES) {
                Result r = measure(s);
                results.add(r);
                if (!json) {
                    out.printf("%-26s %5d %5d %5d %4s %9.1f%n", s.name(), s.m(), s.n(), s.k(), s.form(), r.gflops());
                    out.flush();
                }
            }
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(new Report(threads, results)));
                out.flush();
            }
            return 0;
        }

        /**
         * Lets the JIT compile the kernels before anything is timed: many small products (the micro-kernel is
         * called often), then each shape once, for about {@code 5·repMs} in all.
         */
        private void warmUp() {
            Shape small = new Shape("warm-up", 64, 64, 64, false, false);
            long end = System.nanoTime() + 4L * repMs * 1_000_000L;
            Runnable call = product(small, new SplittableRandom(2));
            do {
                for (int i = 0; i < 50; i++) {
                    call.run();
                }
            } while (System.nanoTime() < end);
            for (Shape s : SHAPES) {
                product(s, new SplittableRandom(2)).run();
            }
        }

        /** One call of {@code C = op(A)·op(B)} on random operands of shape {@code s}. */
        private static Runnable product(Shape s, SplittableRandom rnd) {
            float[] a = random(rnd, s.m() * s.k());
            float[] b = random(rnd, s.k() * s.n());
            float[] c = new float[s.m() * s.n()];
            int lda = s.transA() ? s.m() : s.k();
            int ldb = s.transB() ? s.k() : s.n();
            return () -> Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, lda, b, 0, ldb, c, 0, s.n(),
                    false);
        }

        private Result measure(Shape s) {
            Runnable call = product(s, new SplittableRandom(1));
            // Calibration, also a warm-up for this shape: find how many calls fill one repetition.
            int iters = 1;
            while (true) {
                long t = time(call, iters);
                if (t >= repMs * 1_000_000L / 2 || iters >= 1 << 20) {
                    iters = (int) Math.max(1, (long) iters * repMs * 1_000_000L / Math.max(1, t));
                    break;
                }
                iters *= 2;
            }
            double[] gflops = new double[reps];
            double flop = 2.0 * s.m() * s.n() * s.k() * iters;
            for (int r = 0; r < reps; r++) {
                gflops[r] = flop / time(call, iters);
            }
            Arrays.sort(gflops);
            double median = Math.round(gflops[reps / 2] * 10) / 10.0;
            return new Result(s.m(), s.n(), s.k(), s.form(), median);
        }

        private static long time(Runnable call, int iters) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                call.run();
            }
            return System.nanoTime() - t0;
        }

        private static float[] random(SplittableRandom rnd, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) (rnd.nextDouble() - 0.5);
            }
            return x;
        }
    }
}
