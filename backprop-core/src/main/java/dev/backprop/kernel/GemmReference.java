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

    /**
     * F32 reference GEMM: {@code C = op(A)·op(B)} or, with {@code accumulate}, {@code C += op(A)·op(B)}; each dot
     * product is summed in double in ascending {@code p} and rounded to float once. Arguments as in
     * {@link Gemm#sgemm}, but unchecked.
     *
     * @param transA whether op(A) is the transpose of the stored A
     * @param transB whether op(B) is the transpose of the stored B
     * @param m rows of op(A) and of C
     * @param n columns of op(B) and of C
     * @param k columns of op(A), rows of op(B)
     * @param a array holding A (row-major)
     * @param aOff index of A's first element in {@code a}
     * @param lda row stride of the stored A
     * @param b array holding B (row-major)
     * @param bOff index of B's first element in {@code b}
     * @param ldb row stride of the stored B
     * @param c array holding C, written in place
     * @param cOff index of C's first element in {@code c}
     * @param ldc row stride of C
     * @param accumulate add to C instead of overwriting it
     */
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

    /**
     * F64 reference GEMM: {@code C = op(A)·op(B)} or, with {@code accumulate}, {@code C += op(A)·op(B)}, summing each
     * dot product in ascending {@code p}. Arguments as in {@link Gemm#dgemm}, but unchecked.
     *
     * @param transA whether op(A) is the transpose of the stored A
     * @param transB whether op(B) is the transpose of the stored B
     * @param m rows of op(A) and of C
     * @param n columns of op(B) and of C
     * @param k columns of op(A), rows of op(B)
     * @param a array holding A (row-major)
     * @param aOff index of A's first element in {@code a}
     * @param lda row stride of the stored A
     * @param b array holding B (row-major)
     * @param bOff index of B's first element in {@code b}
     * @param ldb row stride of the stored B
     * @param c array holding C, written in place
     * @param cOff index of C's first element in {@code c}
     * @param ldc row stride of C
     * @param accumulate add to C instead of overwriting it
     */
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
