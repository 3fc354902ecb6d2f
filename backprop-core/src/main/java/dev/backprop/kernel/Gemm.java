package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;

/**
 * Matrix multiplication in the forms training needs: {@code C = op(A)·op(B)} or {@code C += op(A)·op(B)}, where
 * {@code op(X)} is X or Xᵀ, {@code op(A)} is {@code m x k}, {@code op(B)} is {@code k x n}, and
 * {@code C[i][j] = Σ_p op(A)[i][p]·op(B)[p][j]}. The forward pass of a linear layer is {@code X·Wᵀ}, its backward
 * pass {@code dY·W} and {@code dYᵀ·X}. Same contract as {@link GemmReference}.
 *
 * <p>Matrices are row-major: element {@code (r, c)} of A is {@code a[aOff + r·lda + c]} where (r, c) index the
 * stored matrix (k x m when {@code transA}). F32 runs a packed, cache-blocked Vector API kernel spread over
 * {@link Parallel}; F64 (gradient checks, small sizes) runs simpler row loops. Results are bit for bit the same for
 * every thread count. {@code -Dbackprop.vector=false} switches F32 to the plain loops.
 */
public final class Gemm {
    /** True when F32 uses the Vector API kernel (module present and not disabled by {@code backprop.vector}). */
    public static final boolean VECTORIZED = vectorAvailable();

    private Gemm() {
    }

    private static boolean vectorAvailable() {
        if ("false".equalsIgnoreCase(System.getProperty("backprop.vector", "true"))) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * F32 GEMM: {@code C (+)= op(A)·op(B)}, row-major with leading dimensions.
     *
     * @throws IllegalArgumentException naming the shapes when a size is negative or a matrix does not fit its array
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        check("sgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (VECTORIZED) {
            PackedSgemm.sgemm(new PackedSgemm.Problem(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
                    c, cOff, ldc, accumulate));
        } else {
            LoopGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * F64 GEMM: {@code C (+)= op(A)·op(B)}, row-major with leading dimensions.
     *
     * @throws IllegalArgumentException naming the shapes when a size is negative or a matrix does not fit its array
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        check("dgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        LoopGemm.dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    private static void check(String op, boolean transA, boolean transB, int m, int n, int k,
                              int aLen, int aOff, int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix(op, "A", transA ? k : m, transA ? m : k, aLen, aOff, lda);
        checkMatrix(op, "B", transB ? n : k, transB ? k : n, bLen, bOff, ldb);
        checkMatrix(op, "C", m, n, cLen, cOff, ldc);
    }

    private static void checkMatrix(String op, String name, int rows, int cols, int len, int off, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || ld < cols || last >= len) {
            throw new IllegalArgumentException(op + ": " + name + " [" + rows + ", " + cols + "] with offset " + off
                    + " and leading dimension " + ld + " does not fit an array of " + len + " elements");
        }
    }

    /**
     * {@code op(a)·op(b)} for 2-D tensors of the same dtype, as a new tensor.
     *
     * @throws IllegalArgumentException naming both shapes when the inner dimensions differ
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs 2-D tensors, got " + a.shape() + " and " + b.shape());
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("matmul of " + a.dtype() + " " + a.shape() + " and " + b.dtype() + " "
                    + b.shape() + ": dtypes differ");
        }
        int m = transA ? a.cols() : a.rows();
        int ka = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (ka != kb) {
            throw new IllegalArgumentException("matmul of " + a.shape() + (transA ? "ᵀ" : "") + " and " + b.shape()
                    + (transB ? "ᵀ" : "") + ": inner dimensions " + ka + " and " + kb + " differ");
        }
        Tensor c = Tensor.zeros(a.dtype(), m, n);
        if (a.dtype() == DType.F32) {
            sgemm(transA, transB, m, n, ka, a.f32(), a.offset(), a.cols(), b.f32(), b.offset(), b.cols(),
                    c.f32(), 0, n, false);
        } else {
            dgemm(transA, transB, m, n, ka, a.f64(), a.offset(), a.cols(), b.f64(), b.offset(), b.cols(),
                    c.f64(), 0, n, false);
        }
        return c;
    }
}
