package dev.backprop.bench;

import dev.backprop.kernel.Gemm;
import dev.backprop.kernel.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * F32 GEMM throughput at the products of a 784-256-... MLP at batch 128, and at 512³ and 1024³.
 *
 * <p>One invocation is one {@code Gemm.sgemm} call. Besides the calls per ns, JMH prints the secondary score
 * {@code sgemm:flop}, the floating-point operations ({@code 2·m·n·k} per call) per ns, which <b>is GFLOP/s</b>.
 *
 * <p>Run: {@code java -jar backprop-bench/target/benchmarks.jar GemmBenchmark -prof gc} (allocation per call
 * should be a few bytes at most).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss8m"})
public class GemmBenchmark {
    /** {@code m_n_k_form}: C[m x n] = op(A)·op(B), inner size k; form NN, NT (A·Bᵀ) or TN (Aᵀ·B). */
    @Param({
            "128_256_784_NN", // forward X·W
            "128_256_784_NT", // forward X·Wᵀ, as Linear stores W [out, in]
            "784_256_128_TN", // backward dW = dYᵀ·X
            "128_784_256_NN", // backward dX = dY·W
            "128_784_256_NT", // backward dX = dY·Wᵀ (OpenBLAS reference form)
            "128_128_256_NN", // hidden layer 256 -> 128
            "512_512_512_NN",
            "1024_1024_1024_NN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;
    private float[] a;
    private float[] b;
    private float[] c;
    private long flopPerCall;

    /** Counts flop done in a measurement iteration; JMH reports it per ns, that is in GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public long flop;

        @Setup(Level.Iteration)
        public void reset() {
            flop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("_");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        transA = p[3].charAt(0) == 'T';
        transB = p[3].charAt(1) == 'T';
        SplittableRandom rnd = new SplittableRandom(1);
        a = random(rnd, m * k);
        b = random(rnd, k * n);
        c = new float[m * n];
        flopPerCall = 2L * m * n * k;
        Parallel.setThreads(threads);
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return x;
    }

    @Benchmark
    public float[] sgemm(Flops flops) {
        Gemm.sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n, false);
        flops.flop += flopPerCall;
        return c;
    }
}
