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
                        int row = bOff + j * ldb;
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            s += arow[p] * b[row + p];
                        }
                        acc[j] = s;
                    }
                } else {
                    java.util.Arrays.fill(acc, 0.0);
                    for (int p = 0; p < k; p++) {
                        double x = arow[p];
                        int row = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            acc[j] += x * b[row + j];
                        }
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
                        int row = bOff + j * ldb;
                        float s = 0;
                        for (int p = 0; p < k; p++) {
                            s += arow[p] * b[row + p];
                        }
                        acc[j] = s;
                    }
                } else {
                    java.util.Arrays.fill(acc, 0f);
                    for (int p = 0; p < k; p++) {
                        float x = arow[p];
                        int row = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            acc[j] += x * b[row + j];
                        }
                    }
                }
                int crow = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[crow + j] = accumulate ? c[crow + j] + acc[j] : acc[j];
                }
            }
        });
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
