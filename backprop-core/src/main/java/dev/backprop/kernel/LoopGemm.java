package dev.backprop.kernel;

/**
 * GEMM with plain Java loops, row by row: the F64 path, and the F32 path when the Vector API is off
 * ({@code -Dbackprop.vector=false}) or missing.
 *
 * <p>For each row {@code i} the row {@code op(A)[i][·]} is first copied to a contiguous buffer; then
 * {@code acc[j] = Σ_p op(A)[i][p]·op(B)[p][j]} is formed either as axpy updates over the rows of B (B not
 * transposed) or as dot products with the rows of B (B transposed), so the innermost loop always walks memory
 * contiguously and the JIT can vectorise it. Finally {@code C[i][j] = acc[j]} or {@code C[i][j] += acc[j]}.
 * Rows are split over {@link Parallel}; each element is computed the same way whatever the split.
 */
final class LoopGemm {
    private static final long PARALLEL_MIN_MACS = 1L << 18;

    private LoopGemm() {
    }

    static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double[] c, int cOff, int ldc, boolean accumulate) {
        forRowBlocks(m, (long) m * n * k, (i0, i1) -> {
            double[] arow = new double[k];
            double[] acc = new double[n];
            for (int i = i0; i < i1; i++) {
                for (int p = 0; p < k; p++) {
                    arow[p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                }
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        acc[j] = dot(arow, b, bOff + j * ldb, k);
                    }
                } else {
                    java.util.Arrays.fill(acc, 0.0);
                    for (int p = 0; p < k; p++) {
                        axpy(arow[p], b, bOff + p * ldb, acc, n);
                    }
                }
                int crow = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[crow + j] = accumulate ? c[crow + j] + acc[j] : acc[j];
                }
            }
        });
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        forRowBlocks(m, (long) m * n * k, (i0, i1) -> {
            float[] arow = new float[k];
            float[] acc = new float[n];
            for (int i = i0; i < i1; i++) {
                for (int p = 0; p < k; p++) {
                    arow[p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                }
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        acc[j] = dot(arow, b, bOff + j * ldb, k);
                    }
                } else {
                    java.util.Arrays.fill(acc, 0f);
                    for (int p = 0; p < k; p++) {
                        axpy(arow[p], b, bOff + p * ldb, acc, n);
                    }
                }
                int crow = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[crow + j] = accumulate ? c[crow + j] + acc[j] : acc[j];
                }
            }
        });
    }

    /** {@code y[0..n) += x·b[off..off+n)}; a loop the JIT vectorises. */
    private static void axpy(double x, double[] b, int off, double[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += x * b[off + j];
        }
    }

    private static void axpy(float x, float[] b, int off, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += x * b[off + j];
        }
    }

    /** {@code Σ_p x[p]·b[off + p]} over {@code p < k}, with four partial sums (fixed order, so deterministic). */
    private static double dot(double[] x, double[] b, int off, int k) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int p = 0;
        for (; p + 3 < k; p += 4) {
            s0 += x[p] * b[off + p];
            s1 += x[p + 1] * b[off + p + 1];
            s2 += x[p + 2] * b[off + p + 2];
            s3 += x[p + 3] * b[off + p + 3];
        }
        for (; p < k; p++) {
            s0 += x[p] * b[off + p];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float dot(float[] x, float[] b, int off, int k) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int p = 0;
        for (; p + 3 < k; p += 4) {
            s0 += x[p] * b[off + p];
            s1 += x[p + 1] * b[off + p + 1];
            s2 += x[p + 2] * b[off + p + 2];
            s3 += x[p + 3] * b[off + p + 3];
        }
        for (; p < k; p++) {
            s0 += x[p] * b[off + p];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private interface RowBlock {
        void rows(int from, int to);
    }

    private static void forRowBlocks(int m, long macs, RowBlock body) {
        int threads = Parallel.threads();
        int tasks = macs < PARALLEL_MIN_MACS ? 1 : Math.min(m, threads);
        if (tasks <= 1) {
            body.rows(0, m);
            return;
        }
        Parallel.parallelFor(tasks, t -> body.rows((int) ((long) m * t / tasks), (int) ((long) m * (t + 1) / tasks)));
    }
}
