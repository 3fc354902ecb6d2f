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
    /**
     * True when F32 uses the Vector API kernel: the {@code jdk.incubator.vector} module is in the boot layer and the
     * system property {@code backprop.vector} is not {@code "false"}. Read once, when the class is initialised.
     */
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
     * F32 GEMM: {@code C = op(A)·op(B) + beta·C} with {@code beta = accumulate ? 1 : 0} (there is no alpha; the
     * product is never scaled). All three matrices are row-major inside their arrays: stored element {@code (r, c)} of
     * A is {@code a[aOff + r·lda + c]}, and likewise for B and C. With {@code beta = 0} the old contents of C are
     * ignored, so C may hold garbage.
     *
     * @param transA whether op(A) is the transpose of the stored A (then A is stored {@code k x m})
     * @param transB whether op(B) is the transpose of the stored B (then B is stored {@code n x k})
     * @param m rows of op(A) and of C
     * @param n columns of op(B) and of C
     * @param k columns of op(A), rows of op(B); with {@code k = 0} the product is zero
     * @param a array holding A
     * @param aOff index of A's element (0, 0) in {@code a}
     * @param lda distance between the starts of consecutive stored rows of A (at least the stored row length)
     * @param b array holding B
     * @param bOff index of B's element (0, 0) in {@code b}
     * @param ldb distance between the starts of consecutive stored rows of B
     * @param c array holding C, written in place
     * @param cOff index of C's element (0, 0) in {@code c}
     * @param ldc distance between the starts of consecutive rows of C (at least {@code n})
     * @param accumulate add the product to C (true) or overwrite C with it (false)
     * @throws IllegalArgumentException naming the matrix when a size is negative, an offset is negative, a leading
     *         dimension is shorter than the stored row, or a matrix does not fit its array
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        check("sgemm", transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (VECTORIZED && k > 0 && n <= NarrowSgemm.L && m >= 4 * n) {
            NarrowSgemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (VECTORIZED && k > 0 && n < NARROW && m >= 4 * n) {
            narrow(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (VECTORIZED) {
            PackedSgemm.sgemm(new PackedSgemm.Problem(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
                    c, cOff, ldc, accumulate));
        } else {
            LoopGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * Outputs narrower than this and wider than a vector (n = 10 where vectors hold 8 floats) are computed
     * transposed; those at most a vector wide go to {@link NarrowSgemm}.
     */
    private static final int NARROW = 16;

    /** Per-thread buffer for the transposed output of {@link #narrow}. */
    private static final ThreadLocal<float[][]> NARROW_BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * {@code C = op(A)·op(B)} for a narrow C (n &lt; {@link #NARROW}, m &ge; 4n) as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: the
     * packed kernel's 32-column tiles then span C's m rows instead of wasting most of their lanes on n columns, and
     * the work splits over threads along m. Cᵀ goes through a buffer (holding C's values first when accumulating)
     * and is transposed back. Each element is the same chain of multiply-adds over k in the same order as in the
     * direct form (starting from C's value when accumulating), so the result is the same for any thread count.
     */
    private static void narrow(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] holder = NARROW_BUFFER.get();
        if (holder[0].length < m * n) {
            holder[0] = new float[m * n];
        }
        float[] t = holder[0];
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    t[j * m + i] = c[row + j];
                }
            }
        }
        // op(B)ᵀ is B as stored when transB, else Bᵀ; likewise for A
        PackedSgemm.sgemm(new PackedSgemm.Problem(!transB, !transA, n, m, k, b, bOff, ldb, a, aOff, lda,
                t, 0, m, accumulate));
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = t[j * m + i];
            }
        }
    }

    /**
     * F64 GEMM: {@code C = op(A)·op(B) + beta·C} with {@code beta = accumulate ? 1 : 0}; the same contract and
     * layout as {@link #sgemm}, computed with plain loops ({@code LoopGemm}).
     *
     * @param transA whether op(A) is the transpose of the stored A (then A is stored {@code k x m})
     * @param transB whether op(B) is the transpose of the stored B (then B is stored {@code n x k})
     * @param m rows of op(A) and of C
     * @param n columns of op(B) and of C
     * @param k columns of op(A), rows of op(B); with {@code k = 0} the product is zero
     * @param a array holding A
     * @param aOff index of A's element (0, 0) in {@code a}
     * @param lda distance between the starts of consecutive stored rows of A (at least the stored row length)
     * @param b array holding B
     * @param bOff index of B's element (0, 0) in {@code b}
     * @param ldb distance between the starts of consecutive stored rows of B
     * @param c array holding C, written in place
     * @param cOff index of C's element (0, 0) in {@code c}
     * @param ldc distance between the starts of consecutive rows of C (at least {@code n})
     * @param accumulate add the product to C (true) or overwrite C with it (false)
     * @throws IllegalArgumentException naming the matrix when a size is negative, an offset is negative, a leading
     *         dimension is shorter than the stored row, or a matrix does not fit its array
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
     * Matrix product of two 2-D tensors, {@code op(a)·op(b)}, as a new tensor; dispatches to {@link #sgemm} or
     * {@link #dgemm}. For a linear layer: forward {@code matmul(x, w, false, true)} is {@code X·Wᵀ}.
     *
     * @param a the left matrix
     * @param b the right matrix, of the same dtype
     * @param transA use {@code aᵀ} instead of {@code a}
     * @param transB use {@code bᵀ} instead of {@code b}
     * @return a new {@code [m, n]} tensor, {@code m} the rows of op(a) and {@code n} the columns of op(b)
     * @throws IllegalArgumentException naming both shapes when a tensor is not 2-D, the dtypes differ or the inner
     *         dimensions differ
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
        // the product overwrites every element of C (for k = 0 with zeros)
        Tensor c = ka > 0 ? Tensor.uninitialized(a.dtype(), m, n) : Tensor.zeros(a.dtype(), m, n);
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
