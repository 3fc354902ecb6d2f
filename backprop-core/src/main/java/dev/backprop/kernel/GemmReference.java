package dev.backprop.kernel;

/**
 * Plain triple-loop matrix multiplication accumulating in double: the reference twin of {@link Gemm}, used by the
 * tests to check the fast kernels. Slow on purpose; never used for training.
 *
 * <p>Computes {@code C = op(A) * op(B)} (or {@code C += ...} when {@code accumulate}), where {@code op(A)} is
 * {@code m x k} and {@code op(B)} is {@code k x n}; {@code op(X)} is X or its transpose. Matrices are row-major with
 * leading dimensions {@code lda, ldb, ldc}.
 */
public final class GemmReference {
    private GemmReference() {
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                int idx = cOff + i * ldc + j;
                c[idx] = (float) (accumulate ? c[idx] + s : s);
            }
        }
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                int idx = cOff + i * ldc + j;
                c[idx] = accumulate ? c[idx] + s : s;
            }
        }
    }
}
