package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;

/**
 * Matrix multiplication in the three forms training needs: {@code A·B} (forward), {@code A·Bᵀ} and {@code Aᵀ·B}
 * (backward). Same contract as {@link GemmReference}.
 */
public final class Gemm {
    private Gemm() {
    }

    /** F32 GEMM: {@code C (+)= op(A)·op(B)}, row-major with leading dimensions. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        // TODO(kernel): Vector API, blocked, packed, multi-threaded
        GemmReference.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** F64 GEMM: {@code C (+)= op(A)·op(B)}, row-major with leading dimensions. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        GemmReference.dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
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
