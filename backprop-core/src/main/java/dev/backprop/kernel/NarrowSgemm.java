package dev.backprop.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 GEMM for a C at most one vector wide ({@code n <= L}, the logits layer's 10 columns where vectors hold 16
 * floats): each row of C is one accumulator vector, eight rows at a time, with op(A)'s elements broadcast straight
 * from A as stored (no packing of A) and op(B) packed once into {@code k} rows of L floats, zero past column n.
 * The packed kernel would either spend most of its 32-column tiles on nothing, or, computing Cᵀ instead, transpose
 * all of A into its packed strips on every call: on a Zen 4 core the logits forward (128×10×128) ran at 39–41
 * GFLOP/s this way against 31–32 for Cᵀ through the packed kernel. (The same kernel on Cᵀ for a C ten rows tall, the
 * logits weight gradient, was slower than the packed kernel, 30–36 against 43–47 GFLOP/s, and is not used there.)
 *
 * <p>Each element is the packed kernel's fma chain ({@link PackedSgemm}): {@code acc = fma(op(A)[i][p],
 * op(B)[p][j], acc)} for p ascending in each of the same K blocks, then {@code c = acc} for the first block (or
 * {@code c = acc + c} when accumulating) and {@code c = acc + c} for the others; so the result is bit for bit what the
 * packed kernel gives, for every thread count (the work splits over rows of C).
 */
final class NarrowSgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector: the widest C this kernel takes. */
    static final int L = S.length();
    private static final int MR = 8;
    private static final ThreadLocal<float[][]> PACKED_B = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per-thread tile of eight accumulators, stored whole and copied out n floats a row. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * L]);

    private NarrowSgemm() {
    }

    /** {@code C = op(A)·op(B)} ({@code +} C when accumulating) for {@code 1 <= n <= L}, {@code k >= 1}. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] holder = PACKED_B.get();
        if (holder[0].length < k * L) {
            holder[0] = new float[k * L];
        }
        float[] bp = holder[0];
        if (transB) {
            // op(B)[p][j] = b[j·ldb + p]: column j of the packed rows is row j of b
            for (int j = 0; j < n; j++) {
                int src = bOff + j * ldb;
                for (int p = 0; p < k; p++) {
                    bp[p * L + j] = b[src + p];
                }
            }
            if (n < L) {
                for (int p = 0; p < k; p++) {
                    java.util.Arrays.fill(bp, p * L + n, p * L + L, 0f);
                }
            }
        } else {
            // a row of op(B) is n floats of b: one vector load where b holds L floats from there, the lanes past
            // n zeroed (they are never stored into C; zero keeps whatever follows in b, NaN or subnormal, out of
            // the accumulators), one store. A System.arraycopy and an Arrays.fill per row were slower: 128x10x128
            // NN 42 -> 46 GFLOP/s on a Zen 4 core.
            VectorMask<Float> keep = S.indexInRange(0, n);
            int p = 0;
            for (; p < k && bOff + p * ldb + L <= b.length; p++) {
                FloatVector.fromArray(S, b, bOff + p * ldb).blend(0f, keep.not()).intoArray(bp, p * L);
            }
            for (; p < k; p++) {
                int src = bOff + p * ldb;
                for (int j = 0; j < L; j++) {
                    bp[p * L + j] = j < n ? b[src + j] : 0f;
                }
            }
        }
        int units = (m + MR - 1) / MR;
        if (units == 1 || PackedSgemm.runsOnCaller((long) m * n * k)) {
            rows(transA, 0, m, n, k, a, aOff, lda, bp, c, cOff, ldc, accumulate);
            return;
        }
        int tasks = Math.min(units, Parallel.threads());
        Parallel.parallelFor(tasks, t -> {
            int from = (int) ((long) units * t / tasks) * MR;
            int to = Math.min(m, (int) ((long) units * (t + 1) / tasks) * MR);
            rows(transA, from, to, n, k, a, aOff, lda, bp, c, cOff, ldc, accumulate);
        });
    }

    /** Rows {@code [i0, i1)} of C, K block by K block. */
    private static void rows(boolean transA, int i0, int i1, int n, int k, float[] a, int aOff, int lda,
                             float[] bp, float[] c, int cOff, int ldc, boolean accumulate) {
        float[] tile = TILE.get();
        int kc = PackedSgemm.kBlock(k);
        // op(A)[i][p] is a[ai + i·si + p·sp]
        int si = transA ? 1 : lda;
        int sp = transA ? lda : 1;
        for (int pc = 0; pc < k; pc += kc) {
            int kcur = Math.min(kc, k - pc);
            boolean add = pc > 0 || accumulate;
            int i = i0;
            for (; i + MR <= i1; i += MR) {
                rows8(transA, a, aOff + i * si + pc * sp, lda, bp, pc * L, kcur, tile);
                copyOut(tile, MR, n, c, cOff + i * ldc, ldc, add);
            }
            for (; i < i1; i++) {
                row1(a, aOff + i * si + pc * sp, sp, bp, pc * L, kcur, tile);
                copyOut(tile, 1, n, c, cOff + i * ldc, ldc, add);
            }
        }
    }

    /**
     * Eight rows of C over one K block into {@code tile}: eight accumulators, one fma each per k step. (A method of
     * its own: with the two loops inlined into {@link #rows} the forward ran about 5 % slower.)
     */
    private static void rows8(boolean transA, float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] tile) {
        if (transA) {
            rows8Columns(a, ai, lda, bp, bi, kc, tile);
        } else {
            rows8Rows(a, ai, lda, bp, bi, kc, tile);
        }
    }

    /**
     * {@link #rows8} where op(A)'s rows are A's rows: eight row pointers advanced by the loop index (so that the JIT
     * checks their bounds once, before the loop).
     */
    private static void rows8Rows(float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        int a0 = ai, a1 = ai + lda, a2 = ai + 2 * lda, a3 = ai + 3 * lda;
        int a4 = ai + 4 * lda, a5 = ai + 5 * lda, a6 = ai + 6 * lda, a7 = ai + 7 * lda;
        for (int p = 0; p < kc; p++, bi += L) {
            FloatVector bv = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[a6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[a7 + p]).fma(bv, c7);
        }
        store8(tile, c0, c1, c2, c3, c4, c5, c6, c7);
    }

    /** {@link #rows8} where op(A)'s rows are A's columns: each k step reads eight consecutive floats of A. */
    private static void rows8Columns(float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += lda) {
            FloatVector bv = FloatVector.fromArray(S, bp, bi + p * L);
            c0 = FloatVector.broadcast(S, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ai + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7]).fma(bv, c7);
        }
        store8(tile, c0, c1, c2, c3, c4, c5, c6, c7);
    }

    /** The eight accumulators, row r at {@code tile[r·L ..]}. */
    private static void store8(float[] tile, FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3,
                               FloatVector c4, FloatVector c5, FloatVector c6, FloatVector c7) {
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /** One row of C over one K block into {@code tile}. */
    private static void row1(float[] a, int ai, int sp, float[] bp, int bi, int kc, float[] tile) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += sp, bi += L) {
            acc = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, bp, bi), acc);
        }
        acc.intoArray(tile, 0);
    }

    /**
     * Row r of C's {@code rows} rows at {@code o} gets the first n floats of the tile's row r, or those plus its own
     * values when adding (a masked vector store would do the same, but took twice as long on a Zen 4 core).
     */
    private static void copyOut(float[] tile, int rows, int n, float[] c, int o, int ldc, boolean add) {
        for (int r = 0; r < rows; r++, o += ldc) {
            int t = r * L;
            if (add) {
                for (int j = 0; j < n; j++) {
                    c[o + j] = tile[t + j] + c[o + j];
                }
            } else {
                System.arraycopy(tile, t, c, o, n);
            }
        }
    }
}
