package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Gemm} against the double-accumulating {@link GemmReference} on awkward shapes, every transpose form,
 * with and without accumulation, with offsets and padded leading dimensions, and checks that 1 and 2 threads give
 * identical bits.
 */
class GemmTest {
    /** m, n, k triples: sizes 1, 3, 17, 129, 785 and tile-edge cases, at most a few million multiply-adds each. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 3, 17}, {3, 1, 129}, {17, 17, 1}, {3, 17, 3}, {17, 3, 785}, {129, 17, 3},
            {17, 129, 17}, {1, 785, 17}, {785, 1, 3}, {129, 129, 129}, {785, 17, 129}, {129, 785, 17},
            {8, 32, 256}, {9, 33, 257}, {7, 31, 513}, {40, 100, 600}, {3, 785, 129},
            {128, 10, 128}, {301, 10, 600}, {1000, 15, 40}, {64, 16, 64}, {10, 128, 128}, {10, 64, 600},
            {16, 256, 300}};
    private static final int[] THREADS = {1, 2};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** One random problem: stored operands with offsets and padding, and the initial C. */
    private record Case(boolean ta, boolean tb, int m, int n, int k, int aOff, int lda, int bOff, int ldb,
                        int cOff, int ldc, double[] a, double[] b, double[] c0) {
        static Case random(SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k) {
            int lda = (ta ? m : k) + rnd.nextInt(3);
            int ldb = (tb ? k : n) + rnd.nextInt(3);
            int ldc = n + rnd.nextInt(3);
            int aOff = rnd.nextInt(4);
            int bOff = rnd.nextInt(4);
            int cOff = rnd.nextInt(4);
            double[] a = fill(rnd, aOff + (ta ? k : m) * lda + 3);
            double[] b = fill(rnd, bOff + (tb ? n : k) * ldb + 3);
            double[] c = fill(rnd, cOff + m * ldc + 3);
            return new Case(ta, tb, m, n, k, aOff, lda, bOff, ldb, cOff, ldc, a, b, c);
        }

        private static double[] fill(SplittableRandom rnd, int size) {
            double[] x = new double[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            return x;
        }

        String name(boolean acc) {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " acc=" + acc;
        }
    }

    private static List<Case> cases() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Case> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (int form = 0; form < 4; form++) {
                out.add(Case.random(rnd, (form & 2) != 0, (form & 1) != 0, s[0], s[1], s[2]));
            }
        }
        return out;
    }

    private static float[] f32(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }

    private static double[] abs(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }

    /** {@code bound[i][j] = Σ_p |a_ip||b_pj| + |c0_ij|}, the scale the rounding error is measured against. */
    private static double[] scale(Case t, boolean acc) {
        double[] s = acc ? abs(t.c0()) : new double[t.c0().length];
        GemmReference.dgemm(t.ta(), t.tb(), t.m(), t.n(), t.k(), abs(t.a()), t.aOff(), t.lda(), abs(t.b()),
                t.bOff(), t.ldb(), s, t.cOff(), t.ldc(), true);
        return s;
    }

    private static double[] reference(Case t, boolean acc) {
        double[] c = t.c0().clone();
        GemmReference.dgemm(t.ta(), t.tb(), t.m(), t.n(), t.k(), t.a(), t.aOff(), t.lda(), t.b(), t.bOff(),
                t.ldb(), c, t.cOff(), t.ldc(), acc);
        return c;
    }

    private static void assertClose(Case t, boolean acc, double[] expected, double[] scale, double rel,
                                    double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            int r = i - t.cOff();
            boolean inside = r >= 0 && r / t.ldc() < t.m() && r % t.ldc() < t.n();
            if (!inside) {
                if (actual[i] != t.c0()[i]) {
                    fail(t.name(acc) + ": element " + i + " outside C was written");
                }
                continue;
            }
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= rel * scale[i] + 1e-30)) {
                fail(t.name(acc) + ": C[" + r / t.ldc() + "][" + r % t.ldc() + "] = " + actual[i] + ", expected "
                        + expected[i] + " (error " + err + ", allowed " + rel * scale[i] + ")");
            }
        }
    }

    private interface F32Gemm {
        void run(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                 int ldb, float[] c, int cOff, int ldc, boolean accumulate);
    }

    private static void checkF32(F32Gemm gemm) {
        for (Case t : cases()) {
            float[] a = f32(t.a());
            float[] b = f32(t.b());
            for (boolean acc : new boolean[] {false, true}) {
                double[] expected = reference(t, acc);
                double[] scale = scale(t, acc);
                float[] first = null;
                for (int threads : THREADS) {
                    Parallel.setThreads(threads);
                    float[] c = f32(t.c0());
                    gemm.run(t.ta(), t.tb(), t.m(), t.n(), t.k(), a, t.aOff(), t.lda(), b, t.bOff(), t.ldb(), c,
                            t.cOff(), t.ldc(), acc);
                    double[] cd = new double[c.length];
                    for (int i = 0; i < c.length; i++) {
                        cd[i] = c[i];
                    }
                    assertClose(t, acc, expected, scale, 1e-5, cd);
                    if (first == null) {
                        first = c;
                    } else {
                        assertArrayEquals(first, c, t.name(acc) + ": 1 and " + threads + " threads differ");
                    }
                }
            }
        }
    }

    /**
     * A narrow output (n &lt; 16, computed transposed) holds bit for bit what the direct kernel gives for the same
     * columns of a wider problem: B padded with extra random columns, so the direct form runs, and C's first n
     * columns compared; in every form, overwriting and accumulating, with 1 and 2 threads.
     */
    @Test
    void narrowOutputIsTheDirectKernelsBitForBit() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] shapes = {{128, 10, 128}, {301, 10, 600}, {1000, 15, 40}, {64, 3, 7}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            int wide = 40;
            for (int form = 0; form < 4; form++) {
                boolean ta = (form & 2) != 0;
                boolean tb = (form & 1) != 0;
                float[] a = f32(Case.fill(rnd, m * k));
                float[] bWide = f32(Case.fill(rnd, k * wide)); // stored k x wide (NN) or wide x k (T)
                float[] bNarrow = new float[k * n];
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        if (tb) {
                            bNarrow[j * k + p] = bWide[j * k + p];
                        } else {
                            bNarrow[p * n + j] = bWide[p * wide + j];
                        }
                    }
                }
                float[] c0 = f32(Case.fill(rnd, m * wide));
                for (boolean acc : new boolean[] {false, true}) {
                    for (int threads : THREADS) {
                        Parallel.setThreads(threads);
                        float[] cWide = c0.clone();
                        Gemm.sgemm(ta, tb, m, wide, k, a, 0, ta ? m : k, bWide, 0, tb ? k : wide, cWide, 0, wide, acc);
                        float[] cNarrow = new float[m * n];
                        for (int i = 0; i < m; i++) {
                            System.arraycopy(c0, i * wide, cNarrow, i * n, n);
                        }
                        Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, bNarrow, 0, tb ? k : n, cNarrow, 0, n, acc);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                assertEquals(cWide[i * wide + j], cNarrow[i * n + j], 0f, (ta ? "T" : "N")
                                        + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k + " acc=" + acc
                                        + " threads=" + threads + " at (" + i + ", " + j + ")");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The packed kernel computes each element as its documented fma chain, wherever its tile lies:
     * {@code acc = fma(a[i][p], b[p][j], acc)} for p ascending in each K block of equal size at most {@link PackedSgemm#KC}, then {@code c = acc} for the
     * first block (or {@code c += acc} when accumulating) and {@code c += acc} for the others. Checked bit for bit
     * against {@link Math#fma} on tile edges in M, N and K, every form, 1 and 2 threads.
     */
    @Test
    void packedSgemmIsTheDocumentedFmaChainBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Gemm.VECTORIZED, "the packed kernel needs the Vector API");
        SplittableRandom rnd = new SplittableRandom(11);
        // {8, 32, 256}, {7, 64, 1}, {10, 128, 600} and {16, 256, 300} (split over two threads) read B in place
        int[][] shapes = {{6, 16, 5}, {8, 32, 256}, {13, 33, 300}, {25, 47, 513}, {128, 128, 784}, {7, 64, 1},
            {10, 128, 600}, {16, 256, 300}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            int blocks = (k + PackedSgemm.KC - 1) / PackedSgemm.KC;
            int kc = (k + blocks - 1) / blocks;
            for (int form = 0; form < 4; form++) {
                boolean ta = (form & 2) != 0;
                boolean tb = (form & 1) != 0;
                float[] a = f32(Case.fill(rnd, m * k));
                float[] b = f32(Case.fill(rnd, k * n));
                float[] c0 = f32(Case.fill(rnd, m * n));
                for (boolean acc : new boolean[] {false, true}) {
                    float[] expected = new float[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float c = acc ? c0[i * n + j] : 0f;
                            for (int p0 = 0; p0 < k; p0 += kc) {
                                float sum = 0f;
                                for (int p = p0; p < Math.min(k, p0 + kc); p++) {
                                    sum = Math.fma(ta ? a[p * m + i] : a[i * k + p], tb ? b[j * k + p] : b[p * n + j],
                                            sum);
                                }
                                c = p0 == 0 && !acc ? sum : c + sum;
                            }
                            expected[i * n + j] = c;
                        }
                    }
                    for (int threads : THREADS) {
                        Parallel.setThreads(threads);
                        float[] c = c0.clone();
                        PackedSgemm.sgemm(new PackedSgemm.Problem(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0,
                                tb ? k : n, c, 0, n, acc));
                        assertArrayEquals(expected, c, (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x"
                                + k + " acc=" + acc + " threads=" + threads + " MR=" + PackedSgemm.MR);
                    }
                }
            }
        }
    }

    @Test
    void sgemmMatchesReferenceInEveryFormAndIsIndependentOfThreads() {
        checkF32(Gemm::sgemm);
    }

    @Test
    void plainLoopSgemmFallbackMatchesReference() {
        checkF32(LoopGemm::sgemm);
    }

    @Test
    void dgemmMatchesReferenceInEveryFormAndIsIndependentOfThreads() {
        for (Case t : cases()) {
            for (boolean acc : new boolean[] {false, true}) {
                double[] expected = reference(t, acc);
                double[] scale = scale(t, acc);
                double[] first = null;
                for (int threads : THREADS) {
                    Parallel.setThreads(threads);
                    double[] c = t.c0().clone();
                    Gemm.dgemm(t.ta(), t.tb(), t.m(), t.n(), t.k(), t.a(), t.aOff(), t.lda(), t.b(), t.bOff(),
                            t.ldb(), c, t.cOff(), t.ldc(), acc);
                    assertClose(t, acc, expected, scale, 1e-13, c);
                    if (first == null) {
                        first = c;
                    } else {
                        assertArrayEquals(first, c, t.name(acc) + ": 1 and " + threads + " threads differ");
                    }
                }
            }
        }
    }

    @Test
    void emptyInnerDimensionGivesZerosOrLeavesCUnchanged() {
        float[] c = {5f, 6f, 7f, 8f};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
        assertArrayEquals(new float[] {5f, 6f, 7f, 8f}, c);
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[4], c);
    }

    @Test
    void matmulOfTensorsMatchesReference() {
        Tensor x = Tensor.randn(DType.F32, 1, 0, 1, 5, 7);
        Tensor w = Tensor.randn(DType.F32, 2, 0, 1, 3, 7);
        Tensor y = Gemm.matmul(x, w, false, true);
        float[] expected = new float[15];
        GemmReference.sgemm(false, true, 5, 3, 7, x.f32(), 0, 7, w.f32(), 0, 7, expected, 0, 3, false);
        for (int i = 0; i < 15; i++) {
            assertTrue(Math.abs(expected[i] - y.f32()[i]) < 1e-5, "element " + i);
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, new float[5], 0, 3, new float[6], 0, 2, new float[4], 0, 2,
                        false));
        assertTrue(e.getMessage().contains("A [2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.dgemm(false, false, -1, 2, 3, new double[6], 0, 3, new double[6], 0, 2, new double[4], 0,
                        2, false));
    }
}
