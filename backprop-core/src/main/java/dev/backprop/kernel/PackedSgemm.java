package dev.backprop.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast F32 GEMM: {@code C (+)= op(A)·op(B)} with the Vector API, blocked for the caches and packed.
 *
 * <p>Layout (the classic Goto/BLIS scheme): K is cut into blocks of at most {@link #KC} (equal sizes, fixed by K
 * alone); for each K block a {@code kc x nc} panel of {@code op(B)} is packed into strips {@link #NR} columns wide,
 * then an {@code mc x kc} block of {@code op(A)} into strips {@link #MR} rows tall, and the micro-kernel computes
 * one {@code MR x NR} tile of C in registers ({@code MR·NR/L} vector accumulators, one fused multiply-add each per
 * step of k). Packing pads strips with zeros, so every tile runs the same full-size kernel; only the final store
 * looks at the true edge.
 *
 * <p>Determinism: every element {@code c[i][j]} is computed the same way wherever its tile lies: for each K block
 * in order, {@code acc = fma(a[i][p], b[p][j], acc)} for p ascending from {@code acc = 0}, then
 * {@code c = acc} (first block, not accumulating) or {@code c += acc}. Work is split over M or N only, so the result
 * does not depend on the thread count or on which thread computes which part.
 */
final class PackedSgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512). */
    static final int L = S.length();
    /** Eight floats: one k step of a packed strip of A. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /**
     * Rows of a micro-tile: 8 with 512-bit vectors (AVX-512: sixteen accumulators, two B vectors and the broadcasts
     * fit its 32 registers), 4 with narrower ones. With AVX2's 16 registers an 8- or 6-row tile makes the JIT spill
     * accumulators to the stack, and each spilled one adds a store-to-load round trip to its chain of multiply-adds
     * every k step: measured on a Zen 3 core, a micro-kernel alone ran at 38-48 GFLOP/s with 6 or 8 rows and 86-92
     * with 4 rows (8 accumulators, no spill). The tile changes no result: each element is the same fma chain over k
     * wherever its tile lies. The system property {@code backprop.gemm.mr} (4 or 8) overrides the choice, so that
     * the tests run both kernels on any machine.
     */
    static final int MR = tileRows(Integer.getInteger("backprop.gemm.mr", L >= 16 ? 8 : 4));
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * L;
    /** Largest K block; a {@code KC x NR} strip of B stays in the L1 cache. */
    static final int KC = 256;
    /** Largest M block; a packed {@code MC x KC} block of A stays in the L2 cache. */
    static final int MC = 128;
    /** Largest N block. */
    static final int NC = 1024;
    /**
     * At most this many rows of C (two 8-row strips, or four 4-row ones): B is read in place rather than packed
     * (untransposed B, full strips), since each of its strips is used at most twice.
     */
    static final int DIRECT_B_ROWS = Integer.getInteger("backprop.gemm.directRows", 16);
    /** Below this many multiply-adds the work is not split over threads. */
    static final long PARALLEL_MIN_MACS = 1L << 20;

    /**
     * For {@link #transpose16}'s round with block size d: {@code Md} marks the lanes l whose bit d is set,
     * {@code UPd} moves lane l - d to lane l there, {@code DOWNd} moves lane l + d to lane l elsewhere. (One-vector
     * rearranges and blends: the two-vector rearrange does the same but its compilation took 40 MB more memory.)
     */
    private static final VectorShuffle<Float> UP8 = lanes(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    private static final VectorShuffle<Float> DOWN8 = lanes(8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
    private static final VectorMask<Float> M8 = mask(false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true);
    private static final VectorShuffle<Float> UP4 = lanes(0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11, 8, 9, 10, 11);
    private static final VectorShuffle<Float> DOWN4 = lanes(4, 5, 6, 7, 4, 5, 6, 7, 12, 13, 14, 15, 12, 13, 14, 15);
    private static final VectorMask<Float> M4 = mask(false, false, false, false, true, true, true, true, false, false, false, false, true, true, true, true);
    private static final VectorShuffle<Float> UP2 = lanes(0, 1, 0, 1, 4, 5, 4, 5, 8, 9, 8, 9, 12, 13, 12, 13);
    private static final VectorShuffle<Float> DOWN2 = lanes(2, 3, 2, 3, 6, 7, 6, 7, 10, 11, 10, 11, 14, 15, 14, 15);
    private static final VectorMask<Float> M2 = mask(false, false, true, true, false, false, true, true, false, false, true, true, false, false, true, true);
    private static final VectorShuffle<Float> UP1 = lanes(0, 0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, 14, 14);
    private static final VectorShuffle<Float> DOWN1 = lanes(1, 1, 3, 3, 5, 5, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15);
    private static final VectorMask<Float> M1 = mask(false, true, false, true, false, true, false, true, false, true, false, true, false, true, false, true);

    /** For {@link #transpose8x16}: the even lanes, then the odd ones. */
    private static final VectorShuffle<Float> EVEN_ODD = lanes(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);

    /** A shuffle of 16-float vectors from these source indexes, or null where vectors are not 16 floats. */
    private static VectorShuffle<Float> lanes(int... sources) {
        return L == 16 ? VectorShuffle.fromValues(S, sources) : null;
    }

    /** A mask of 16-float vectors, or null where vectors are not 16 floats. */
    private static VectorMask<Float> mask(boolean... set) {
        return L == 16 ? VectorMask.fromArray(S, set, 0) : null;
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private PackedSgemm() {
    }

    private static int tileRows(int mr) {
        if (mr != 4 && mr != 8) {
            throw new IllegalArgumentException("backprop.gemm.mr must be 4 or 8, got " + mr);
        }
        return mr;
    }

    /** Per-thread packing buffers, grown once and then reused: no allocation per call in steady state. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
        /** Gather offsets for packing a transposed strip of B: {@code j·ldb}. */
        final int[] bIndex = new int[NR];
        /** Gather offsets for packing two k steps of A: {@code i·lda} then {@code i·lda + 1}. */
        final int[] aIndex = new int[2 * MR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    /** Operands and result of one call; a task computes the sub-rectangle {@code [m0,m1) x [n0,n1)} of C. */
    record Problem(boolean transA, boolean transB, int m, int n, int k,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc, boolean accumulate) {
    }

    static void sgemm(Problem p) {
        if (p.k() == 0) {
            if (!p.accumulate()) {
                for (int i = 0; i < p.m(); i++) {
                    int row = p.cOff() + i * p.ldc();
                    java.util.Arrays.fill(p.c(), row, row + p.n(), 0f);
                }
            }
            return;
        }
        if (runsOnCaller((long) p.m() * p.n() * p.k())) {
            block(p, 0, p.m(), 0, p.n());
            return;
        }
        int threads = Parallel.threads();
        // Each task re-packs the whole operand of the dimension that is not split: split so that this is the
        // cheaper one. Packing A untransposed or B transposed gathers across rows, about four times the cost of
        // the contiguous copies of the other layouts.
        long repackA = (long) p.m() * (p.transA() ? 1 : 4);
        long repackB = (long) p.n() * (p.transB() ? 4 : 1);
        boolean splitN = repackA <= repackB;
        int unit = splitN ? NR : MR;
        int extent = splitN ? p.n() : p.m();
        int units = (extent + unit - 1) / unit;
        int tasks = Math.min(units, threads);
        Parallel.parallelFor(tasks, t -> {
            int from = (int) ((long) units * t / tasks) * unit;
            int to = Math.min(extent, (int) ((long) units * (t + 1) / tasks) * unit);
            if (splitN) {
                block(p, 0, p.m(), from, to);
            } else {
                block(p, from, to, 0, p.n());
            }
        });
    }

    /**
     * Whether a product of {@code macs} multiply-adds runs on the calling thread alone: one thread, fewer than
     * {@link #PARALLEL_MIN_MACS}, or already inside a parallel task.
     */
    static boolean runsOnCaller(long macs) {
        return Parallel.threads() == 1 || macs < PARALLEL_MIN_MACS || Parallel.inTask();
    }

    /** The K block size for a product of inner dimension {@code k}: equal blocks of at most {@link #KC}. */
    static int kBlock(int k) {
        return blockSize(k, KC, 1);
    }

    /** Number of equal blocks of at most {@code max} that {@code extent} is cut into, and their size. */
    private static int blockSize(int extent, int max, int align) {
        int blocks = (extent + max - 1) / max;
        int size = (extent + blocks - 1) / blocks;
        return (size + align - 1) / align * align;
    }

    private static void block(Problem p, int m0, int m1, int n0, int n1) {
        Buffers buf = BUFFERS.get();
        int kc = blockSize(p.k(), KC, 1);
        int mc = blockSize(m1 - m0, MC, MR);
        int nc = Math.min(NC, (n1 - n0 + NR - 1) / NR * NR);
        // A few rows of C use each strip of B once or twice: packing B would copy it to read it as often. An
        // untransposed B whose strips are all full is read where it lies, NR floats of a k step in a row of b.
        boolean direct = !p.transB() && m1 - m0 <= DIRECT_B_ROWS && (n1 - n0) % NR == 0;
        float[] bp = direct ? null : buf.b(kc * nc);
        float[] ap = buf.a(mc * kc);
        for (int jc = n0; jc < n1; jc += nc) {
            int ncur = Math.min(nc, n1 - jc);
            for (int pc = 0; pc < p.k(); pc += kc) {
                int kcur = Math.min(kc, p.k() - pc);
                boolean overwrite = pc == 0 && !p.accumulate();
                if (!direct) {
                    packB(p, pc, kcur, jc, ncur, bp, buf.bIndex);
                }
                // where strip jr of this block of B starts, b0 + jr·perColumn, and its stride per k step
                float[] b = direct ? p.b() : bp;
                int b0 = direct ? p.bOff() + pc * p.ldb() + jc : 0;
                int perColumn = direct ? 1 : kcur;
                int bs = direct ? p.ldb() : NR;
                for (int ic = m0; ic < m1; ic += mc) {
                    int mcur = Math.min(mc, m1 - ic);
                    packA(p, ic, mcur, pc, kcur, ap, buf.aIndex, buf.tile);
                    macroKernel(p, ap, b, b0, perColumn, bs, ic, mcur, jc, ncur, kcur, overwrite, buf.tile);
                }
            }
        }
    }

    /**
     * The tiles of one packed block of A against B: strip {@code jr} of B starts at {@code b[b0 + jr·perColumn]}
     * and advances {@code bs} floats a k step (packed: {@code b0 = 0}, {@code perColumn = kc}, {@code bs = NR}; read
     * in place: the block's first element, 1 and ldb).
     */
    private static void macroKernel(Problem p, float[] ap, float[] b, int b0, int perColumn, int bs, int ic,
                                    int mcur, int jc, int ncur, int kc, boolean overwrite, float[] tile) {
        float[] c = p.c();
        int ldc = p.ldc();
        for (int jr = 0; jr < ncur; jr += NR) {
            int cols = Math.min(NR, ncur - jr);
            int bi = b0 + jr * perColumn;
            for (int ir = 0; ir < mcur; ir += MR) {
                int rows = Math.min(MR, mcur - ir);
                int cIdx = p.cOff() + (ic + ir) * ldc + jc + jr;
                if (rows == MR && cols == NR) {
                    microKernel(ap, ir * kc, b, bi, bs, kc, c, cIdx, ldc, !overwrite);
                } else if (stripRows(rows) == 4) {
                    microKernel4(ap, ir * kc, b, bi, bs, kc, tile, 0, NR, false);
                    storeEdge(tile, c, cIdx, ldc, rows, cols, overwrite);
                } else {
                    microKernel(ap, ir * kc, b, bi, bs, kc, tile, 0, NR, false);
                    storeEdge(tile, c, cIdx, ldc, rows, cols, overwrite);
                }
            }
        }
    }

    /**
     * One {@code MR x NR} tile: {@code acc = Σ_p a[p][0..MR) ⊗ b[p][0..NR)} over the packed strip of A and the
     * strip of B whose k step p starts at {@code b[bi + p·bs]}, 2·MR accumulators kept in registers; then
     * {@code out[r·ld + j] = acc[r][j]}, or {@code += acc[r][j]} when {@code add}.
     */
    private static void microKernel(float[] a, int ai, float[] b, int bi, int bs, int kc,
                                    float[] out, int o, int ld, boolean add) {
        if (MR == 8) {
            microKernel8(a, ai, b, bi, bs, kc, out, o, ld, add);
        } else {
            microKernel4(a, ai, b, bi, bs, kc, out, o, ld, add);
        }
    }

    /** The 4-row tile of {@link #microKernel}: eight accumulators, which AVX2's 16 registers hold without spilling. */
    private static void microKernel4(float[] a, int ai, float[] b, int bi, int bs, int kc,
                                     float[] out, int o, int ld, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += 4, bi += bs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, out, o));
            c01 = c01.add(FloatVector.fromArray(S, out, o + L));
            c10 = c10.add(FloatVector.fromArray(S, out, o + ld));
            c11 = c11.add(FloatVector.fromArray(S, out, o + ld + L));
            c20 = c20.add(FloatVector.fromArray(S, out, o + 2 * ld));
            c21 = c21.add(FloatVector.fromArray(S, out, o + 2 * ld + L));
            c30 = c30.add(FloatVector.fromArray(S, out, o + 3 * ld));
            c31 = c31.add(FloatVector.fromArray(S, out, o + 3 * ld + L));
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + L);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + L);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + L);
    }

    /** The 8-row tile of {@link #microKernel}: sixteen accumulators (AVX-512's 32 registers hold them). */
    private static void microKernel8(float[] a, int ai, float[] b, int bi, int bs, int kc,
                                     float[] out, int o, int ld, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR, bi += bs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, out, o));
            c01 = c01.add(FloatVector.fromArray(S, out, o + L));
            c10 = c10.add(FloatVector.fromArray(S, out, o + ld));
            c11 = c11.add(FloatVector.fromArray(S, out, o + ld + L));
            c20 = c20.add(FloatVector.fromArray(S, out, o + 2 * ld));
            c21 = c21.add(FloatVector.fromArray(S, out, o + 2 * ld + L));
            c30 = c30.add(FloatVector.fromArray(S, out, o + 3 * ld));
            c31 = c31.add(FloatVector.fromArray(S, out, o + 3 * ld + L));
            c40 = c40.add(FloatVector.fromArray(S, out, o + 4 * ld));
            c41 = c41.add(FloatVector.fromArray(S, out, o + 4 * ld + L));
            c50 = c50.add(FloatVector.fromArray(S, out, o + 5 * ld));
            c51 = c51.add(FloatVector.fromArray(S, out, o + 5 * ld + L));
            c60 = c60.add(FloatVector.fromArray(S, out, o + 6 * ld));
            c61 = c61.add(FloatVector.fromArray(S, out, o + 6 * ld + L));
            c70 = c70.add(FloatVector.fromArray(S, out, o + 7 * ld));
            c71 = c71.add(FloatVector.fromArray(S, out, o + 7 * ld + L));
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + L);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + L);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + L);
        c40.intoArray(out, o + 4 * ld);
        c41.intoArray(out, o + 4 * ld + L);
        c50.intoArray(out, o + 5 * ld);
        c51.intoArray(out, o + 5 * ld + L);
        c60.intoArray(out, o + 6 * ld);
        c61.intoArray(out, o + 6 * ld + L);
        c70.intoArray(out, o + 7 * ld);
        c71.intoArray(out, o + 7 * ld + L);
    }

    /** {@code C[0..rows) x [0..cols) (+)= tile} at the right edge, one element at a time. */
    private static void storeEdge(float[] tile, float[] c, int cIdx, int ldc, int rows, int cols,
                                  boolean overwrite) {
        for (int r = 0; r < rows; r++, cIdx += ldc) {
            for (int j = 0; j < cols; j++) {
                float t = tile[r * NR + j];
                c[cIdx + j] = overwrite ? t : c[cIdx + j] + t;
            }
        }
    }

    /**
     * The height of the packed strip that holds the last {@code rows} rows of a block: {@link #MR}, except that with
     * 8-row tiles a remainder of at most 4 rows gets a 4-row strip and the 4-row kernel (the 10 rows of a logits
     * layer then cost 12 rows of work instead of 16).
     */
    private static int stripRows(int rows) {
        return MR == 8 && rows <= 4 ? 4 : MR;
    }

    /**
     * Packs rows {@code [i0, i0+mc)}, columns {@code [p0, p0+kc)} of {@code op(A)} into strips of {@link #MR} rows
     * (the last one {@link #stripRows} tall): {@code ap[s·kc + p·h + i] = op(A)[i0 + s + i][p0 + p]} for the strip
     * starting at row {@code s} of height {@code h}, zero past the last row. {@code scratch} holds at least
     * {@code 8 x 16} floats.
     */
    private static void packA(Problem p, int i0, int mc, int p0, int kc, float[] ap, int[] idx, float[] scratch) {
        float[] a = p.a();
        int lda = p.lda();
        for (int s = 0; s < mc; s += MR) {
            int rows = Math.min(MR, mc - s);
            int base = s * kc;
            if (p.transA() && rows == MR && MR == S8.length()) {
                // op(A)[i][q] = a[q·lda + i]: each k step copies MR consecutive floats, one short vector.
                int src = p.aOff() + p0 * lda + i0 + s;
                for (int q = 0; q < kc; q++, src += lda) {
                    FloatVector.fromArray(S8, a, src).intoArray(ap, base + q * MR);
                }
            } else if (p.transA()) {
                // op(A)[i][q] = a[q·lda + i]: each k step reads the strip's consecutive floats.
                int h = stripRows(rows);
                for (int q = 0; q < kc; q++) {
                    int src = p.aOff() + (p0 + q) * lda + i0 + s;
                    int dst = base + q * h;
                    for (int i = 0; i < rows; i++) {
                        ap[dst + i] = a[src + i];
                    }
                    for (int i = rows; i < h; i++) {
                        ap[dst + i] = 0f;
                    }
                }
            } else if (rows == MR && 2 * MR == L) {
                // op(A)[i][q] = a[i·lda + q]: one gather fetches two k steps of the MR rows.
                for (int i = 0; i < MR; i++) {
                    idx[i] = i * lda;
                    idx[MR + i] = i * lda + 1;
                }
                int src = p.aOff() + (i0 + s) * lda + p0;
                int q = 0;
                if (L == 16) {
                    // 16 k steps at a time: an 8 x 16 block read row by row and transposed in registers
                    for (; q + 16 <= kc; q += 16) {
                        transpose8x16(a, src + q, lda, ap, base + q * MR);
                    }
                    // fewer than 16 left (a short K, or the last block's tail): the same transpose of 16 floats
                    // per row, where the array holds them, into scratch, and the k steps that exist copied out
                    if (q < kc && src + q + (MR - 1) * lda + 16 <= a.length) {
                        transpose8x16(a, src + q, lda, scratch, 0);
                        System.arraycopy(scratch, 0, ap, base + q * MR, (kc - q) * MR);
                        q = kc;
                    }
                }
                for (; q + 1 < kc; q += 2) {
                    FloatVector.fromArray(S, a, src + q, idx, 0).intoArray(ap, base + q * MR);
                }
                for (; q < kc; q++) {
                    for (int i = 0; i < MR; i++) {
                        ap[base + q * MR + i] = a[src + i * lda + q];
                    }
                }
            } else {
                // op(A)[i][q] = a[i·lda + q]: each row is read contiguously and scattered with the strip's stride.
                int h = stripRows(rows);
                for (int i = 0; i < h; i++) {
                    if (i < rows) {
                        int src = p.aOff() + (i0 + s + i) * lda + p0;
                        for (int q = 0; q < kc; q++) {
                            ap[base + q * h + i] = a[src + q];
                        }
                    } else {
                        for (int q = 0; q < kc; q++) {
                            ap[base + q * h + i] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs rows {@code [p0, p0+kc)}, columns {@code [j0, j0+nc)} of {@code op(B)} into strips of {@link #NR}
     * columns: {@code bp[s·kc + p·NR + j] = op(B)[p0 + p][j0 + s + j]}, zero past the last column.
     */
    private static void packB(Problem p, int p0, int kc, int j0, int nc, float[] bp, int[] idx) {
        float[] b = p.b();
        int ldb = p.ldb();
        for (int s = 0; s < nc; s += NR) {
            int cols = Math.min(NR, nc - s);
            int base = s * kc;
            if (p.transB() && cols == NR) {
                // op(B)[q][j] = b[j·ldb + q]: gather the NR values of one k step from NR rows of b.
                for (int j = 0; j < NR; j++) {
                    idx[j] = j * ldb;
                }
                int src = p.bOff() + (j0 + s) * ldb + p0;
                int q = 0;
                if (L == 16) {
                    // 16 k steps at a time: two 16 x 16 blocks read row by row and transposed in registers, half
                    // the time of the gathers on a Zen 5 core
                    for (; q + 16 <= kc; q += 16) {
                        transpose16(b, src + q, ldb, bp, base + q * NR);
                        transpose16(b, src + 16 * ldb + q, ldb, bp, base + q * NR + 16);
                    }
                }
                for (; q < kc; q++) {
                    FloatVector.fromArray(S, b, src + q, idx, 0).intoArray(bp, base + q * NR);
                    FloatVector.fromArray(S, b, src + q, idx, L).intoArray(bp, base + q * NR + L);
                }
            } else if (p.transB()) {
                // op(B)[q][j] = b[j·ldb + q]: each column of the strip is a contiguous row of b.
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = p.bOff() + (j0 + s + j) * ldb + p0;
                        for (int q = 0; q < kc; q++) {
                            bp[base + q * NR + j] = b[src + q];
                        }
                    } else {
                        for (int q = 0; q < kc; q++) {
                            bp[base + q * NR + j] = 0f;
                        }
                    }
                }
            } else if (cols == NR) {
                for (int q = 0; q < kc; q++) {
                    int src = p.bOff() + (p0 + q) * ldb + j0 + s;
                    FloatVector.fromArray(S, b, src).intoArray(bp, base + q * NR);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, base + q * NR + L);
                }
            } else {
                for (int q = 0; q < kc; q++) {
                    int src = p.bOff() + (p0 + q) * ldb + j0 + s;
                    int dst = base + q * NR;
                    for (int j = 0; j < cols; j++) {
                        bp[dst + j] = b[src + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@code ap[dst + t·8 + r] = a[src + r·lda + t]} for {@code r < 8, t < 16} (16-float vectors only, 8-row
     * strips): the 8 x 16 block as an 8 x 8 matrix of float pairs, transposed by three rounds of rearranges and
     * blends as in {@link #transpose16}, leaves pair j of every row in vector j; one more rearrange puts the even
     * k step's 8 values before the odd one's. Moves data only, so it changes no result.
     */
    private static void transpose8x16(float[] a, int src, int lda, float[] ap, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, a, src + 0 * lda);
        FloatVector r1 = FloatVector.fromArray(S, a, src + 1 * lda);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * lda);
        FloatVector r3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(S, a, src + 4 * lda);
        FloatVector r5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(S, a, src + 6 * lda);
        FloatVector r7 = FloatVector.fromArray(S, a, src + 7 * lda);
        { FloatVector lo = r0.blend(r4.rearrange(UP8), M8); r4 = r0.rearrange(DOWN8).blend(r4, M8); r0 = lo; }
        { FloatVector lo = r1.blend(r5.rearrange(UP8), M8); r5 = r1.rearrange(DOWN8).blend(r5, M8); r1 = lo; }
        { FloatVector lo = r2.blend(r6.rearrange(UP8), M8); r6 = r2.rearrange(DOWN8).blend(r6, M8); r2 = lo; }
        { FloatVector lo = r3.blend(r7.rearrange(UP8), M8); r7 = r3.rearrange(DOWN8).blend(r7, M8); r3 = lo; }
        { FloatVector lo = r0.blend(r2.rearrange(UP4), M4); r2 = r0.rearrange(DOWN4).blend(r2, M4); r0 = lo; }
        { FloatVector lo = r1.blend(r3.rearrange(UP4), M4); r3 = r1.rearrange(DOWN4).blend(r3, M4); r1 = lo; }
        { FloatVector lo = r4.blend(r6.rearrange(UP4), M4); r6 = r4.rearrange(DOWN4).blend(r6, M4); r4 = lo; }
        { FloatVector lo = r5.blend(r7.rearrange(UP4), M4); r7 = r5.rearrange(DOWN4).blend(r7, M4); r5 = lo; }
        { FloatVector lo = r0.blend(r1.rearrange(UP2), M2); r1 = r0.rearrange(DOWN2).blend(r1, M2); r0 = lo; }
        { FloatVector lo = r2.blend(r3.rearrange(UP2), M2); r3 = r2.rearrange(DOWN2).blend(r3, M2); r2 = lo; }
        { FloatVector lo = r4.blend(r5.rearrange(UP2), M2); r5 = r4.rearrange(DOWN2).blend(r5, M2); r4 = lo; }
        { FloatVector lo = r6.blend(r7.rearrange(UP2), M2); r7 = r6.rearrange(DOWN2).blend(r7, M2); r6 = lo; }
        r0.rearrange(EVEN_ODD).intoArray(ap, dst + 0 * L);
        r1.rearrange(EVEN_ODD).intoArray(ap, dst + 1 * L);
        r2.rearrange(EVEN_ODD).intoArray(ap, dst + 2 * L);
        r3.rearrange(EVEN_ODD).intoArray(ap, dst + 3 * L);
        r4.rearrange(EVEN_ODD).intoArray(ap, dst + 4 * L);
        r5.rearrange(EVEN_ODD).intoArray(ap, dst + 5 * L);
        r6.rearrange(EVEN_ODD).intoArray(ap, dst + 6 * L);
        r7.rearrange(EVEN_ODD).intoArray(ap, dst + 7 * L);
    }

    /**
     * {@code bp[dst + t·NR + r] = b[src + r·ldb + t]} for {@code r, t < 16} (16-float vectors only): sixteen row
     * loads, four rounds of rearranges and blends that swap the off-diagonal 8 x 8, 4 x 4, 2 x 2 and 1 x 1
     * blocks, sixteen stores. Moves data only, so it changes no result.
     */
    private static void transpose16(float[] b, int src, int ldb, float[] bp, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, b, src + 0 * ldb);
        FloatVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(S, b, src + 8 * ldb);
        FloatVector r9 = FloatVector.fromArray(S, b, src + 9 * ldb);
        FloatVector r10 = FloatVector.fromArray(S, b, src + 10 * ldb);
        FloatVector r11 = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector r12 = FloatVector.fromArray(S, b, src + 12 * ldb);
        FloatVector r13 = FloatVector.fromArray(S, b, src + 13 * ldb);
        FloatVector r14 = FloatVector.fromArray(S, b, src + 14 * ldb);
        FloatVector r15 = FloatVector.fromArray(S, b, src + 15 * ldb);
        { FloatVector lo = r0.blend(r8.rearrange(UP8), M8); r8 = r0.rearrange(DOWN8).blend(r8, M8); r0 = lo; }
        { FloatVector lo = r1.blend(r9.rearrange(UP8), M8); r9 = r1.rearrange(DOWN8).blend(r9, M8); r1 = lo; }
        { FloatVector lo = r2.blend(r10.rearrange(UP8), M8); r10 = r2.rearrange(DOWN8).blend(r10, M8); r2 = lo; }
        { FloatVector lo = r3.blend(r11.rearrange(UP8), M8); r11 = r3.rearrange(DOWN8).blend(r11, M8); r3 = lo; }
        { FloatVector lo = r4.blend(r12.rearrange(UP8), M8); r12 = r4.rearrange(DOWN8).blend(r12, M8); r4 = lo; }
        { FloatVector lo = r5.blend(r13.rearrange(UP8), M8); r13 = r5.rearrange(DOWN8).blend(r13, M8); r5 = lo; }
        { FloatVector lo = r6.blend(r14.rearrange(UP8), M8); r14 = r6.rearrange(DOWN8).blend(r14, M8); r6 = lo; }
        { FloatVector lo = r7.blend(r15.rearrange(UP8), M8); r15 = r7.rearrange(DOWN8).blend(r15, M8); r7 = lo; }
        { FloatVector lo = r0.blend(r4.rearrange(UP4), M4); r4 = r0.rearrange(DOWN4).blend(r4, M4); r0 = lo; }
        { FloatVector lo = r1.blend(r5.rearrange(UP4), M4); r5 = r1.rearrange(DOWN4).blend(r5, M4); r1 = lo; }
        { FloatVector lo = r2.blend(r6.rearrange(UP4), M4); r6 = r2.rearrange(DOWN4).blend(r6, M4); r2 = lo; }
        { FloatVector lo = r3.blend(r7.rearrange(UP4), M4); r7 = r3.rearrange(DOWN4).blend(r7, M4); r3 = lo; }
        { FloatVector lo = r8.blend(r12.rearrange(UP4), M4); r12 = r8.rearrange(DOWN4).blend(r12, M4); r8 = lo; }
        { FloatVector lo = r9.blend(r13.rearrange(UP4), M4); r13 = r9.rearrange(DOWN4).blend(r13, M4); r9 = lo; }
        { FloatVector lo = r10.blend(r14.rearrange(UP4), M4); r14 = r10.rearrange(DOWN4).blend(r14, M4); r10 = lo; }
        { FloatVector lo = r11.blend(r15.rearrange(UP4), M4); r15 = r11.rearrange(DOWN4).blend(r15, M4); r11 = lo; }
        { FloatVector lo = r0.blend(r2.rearrange(UP2), M2); r2 = r0.rearrange(DOWN2).blend(r2, M2); r0 = lo; }
        { FloatVector lo = r1.blend(r3.rearrange(UP2), M2); r3 = r1.rearrange(DOWN2).blend(r3, M2); r1 = lo; }
        { FloatVector lo = r4.blend(r6.rearrange(UP2), M2); r6 = r4.rearrange(DOWN2).blend(r6, M2); r4 = lo; }
        { FloatVector lo = r5.blend(r7.rearrange(UP2), M2); r7 = r5.rearrange(DOWN2).blend(r7, M2); r5 = lo; }
        { FloatVector lo = r8.blend(r10.rearrange(UP2), M2); r10 = r8.rearrange(DOWN2).blend(r10, M2); r8 = lo; }
        { FloatVector lo = r9.blend(r11.rearrange(UP2), M2); r11 = r9.rearrange(DOWN2).blend(r11, M2); r9 = lo; }
        { FloatVector lo = r12.blend(r14.rearrange(UP2), M2); r14 = r12.rearrange(DOWN2).blend(r14, M2); r12 = lo; }
        { FloatVector lo = r13.blend(r15.rearrange(UP2), M2); r15 = r13.rearrange(DOWN2).blend(r15, M2); r13 = lo; }
        { FloatVector lo = r0.blend(r1.rearrange(UP1), M1); r1 = r0.rearrange(DOWN1).blend(r1, M1); r0 = lo; }
        { FloatVector lo = r2.blend(r3.rearrange(UP1), M1); r3 = r2.rearrange(DOWN1).blend(r3, M1); r2 = lo; }
        { FloatVector lo = r4.blend(r5.rearrange(UP1), M1); r5 = r4.rearrange(DOWN1).blend(r5, M1); r4 = lo; }
        { FloatVector lo = r6.blend(r7.rearrange(UP1), M1); r7 = r6.rearrange(DOWN1).blend(r7, M1); r6 = lo; }
        { FloatVector lo = r8.blend(r9.rearrange(UP1), M1); r9 = r8.rearrange(DOWN1).blend(r9, M1); r8 = lo; }
        { FloatVector lo = r10.blend(r11.rearrange(UP1), M1); r11 = r10.rearrange(DOWN1).blend(r11, M1); r10 = lo; }
        { FloatVector lo = r12.blend(r13.rearrange(UP1), M1); r13 = r12.rearrange(DOWN1).blend(r13, M1); r12 = lo; }
        { FloatVector lo = r14.blend(r15.rearrange(UP1), M1); r15 = r14.rearrange(DOWN1).blend(r15, M1); r14 = lo; }
        r0.intoArray(bp, dst + 0 * NR);
        r1.intoArray(bp, dst + 1 * NR);
        r2.intoArray(bp, dst + 2 * NR);
        r3.intoArray(bp, dst + 3 * NR);
        r4.intoArray(bp, dst + 4 * NR);
        r5.intoArray(bp, dst + 5 * NR);
        r6.intoArray(bp, dst + 6 * NR);
        r7.intoArray(bp, dst + 7 * NR);
        r8.intoArray(bp, dst + 8 * NR);
        r9.intoArray(bp, dst + 9 * NR);
        r10.intoArray(bp, dst + 10 * NR);
        r11.intoArray(bp, dst + 11 * NR);
        r12.intoArray(bp, dst + 12 * NR);
        r13.intoArray(bp, dst + 13 * NR);
        r14.intoArray(bp, dst + 14 * NR);
        r15.intoArray(bp, dst + 15 * NR);
    }
}
