package dev.backprop.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise F32 loops that use the Vector API, kept apart from the classes that call them so that a JVM
 * without the {@code jdk.incubator.vector} module never loads a Vector API class: callers go through the
 * {@code *F32} methods here, which run the lane-wise loop when {@link Gemm#VECTORIZED} and a plain loop with the same
 * results otherwise. Only the nested {@code Lanes} class touches the Vector API.
 */
final class Simd {
    private Simd() {
    }

    /** {@code ys[i] = xs[o + i] < 0 ? 0 : xs[o + i]} for {@code from <= i < to} (NaN and -0 pass through). */
    static void reluF32(float[] xs, int o, float[] ys, int from, int to) {
        int i = Gemm.VECTORIZED ? Lanes.relu(xs, o, ys, from, to) : from;
        for (; i < to; i++) {
            ys[i] = xs[o + i] < 0f ? 0f : xs[o + i];
        }
    }

    /** {@code ds[i] = ys[yo + i] > 0 ? gs[go + i] : 0} for {@code from <= i < to}. */
    static void reluBackwardF32(float[] gs, int go, float[] ys, int yo, float[] ds, int from, int to) {
        int i = Gemm.VECTORIZED ? Lanes.reluBackward(gs, go, ys, yo, ds, from, to) : from;
        for (; i < to; i++) {
            ds[i] = ys[yo + i] > 0f ? gs[go + i] : 0f;
        }
    }

    /** True when {@code a[o + i]} is finite for every {@code from <= i < to}. */
    static boolean allFiniteF32(float[] a, int o, int from, int to) {
        int i = from;
        if (Gemm.VECTORIZED) {
            long r = Lanes.allFinite(a, o, from, to);
            if (r < 0) {
                return false;
            }
            i = (int) r;
        }
        for (; i < to; i++) {
            if (!Float.isFinite(a[o + i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Σ aᵢ² over {@code a[o .. o+n)} in double. With the Vector API: lanes of floats widened to doubles and
     * accumulated lane-wise in four independent accumulators (the gradient norm runs on every step, and a single
     * running sum is bound by the latency of one fma per vector), then the lanes and the tail added; without it, a
     * plain loop (the same value up to the order of the additions).
     */
    static double sumSquaresF32(float[] a, int o, int n) {
        double s = 0;
        int i = 0;
        if (Gemm.VECTORIZED) {
            s = Lanes.sumSquares(a, o, n);
            i = Lanes.bound(n);
        }
        for (; i < n; i++) {
            double v = a[o + i];
            s += v * v;
        }
        return s;
    }

    /**
     * {@code dst[o + i] = (src[so + i] & 0xFF) / 255f} for {@code 0 <= i < n}: bytes as values in [0, 1], the same
     * float division lane-wise and scalar, so the same bits either way.
     */
    static void unitBytesF32(byte[] src, int so, float[] dst, int o, int n) {
        int i = Gemm.VECTORIZED ? Lanes.unitBytes(src, so, dst, o, n) : 0;
        for (; i < n; i++) {
            dst[o + i] = (src[so + i] & 0xFF) / 255f;
        }
    }

    /** {@link OptimizerKernels#adamF32}'s loop: whole vectors lane-wise, the tail (or everything) scalar. */
    static void adamF32(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float keep1, float b2,
                        float keep2, float bc2Sqrt, float eps, float stepSize, float c, float decay) {
        int i = Gemm.VECTORIZED
                ? Lanes.adam(w, g, m, v, from, to, b1, keep1, b2, keep2, bc2Sqrt, eps, stepSize, c, decay) : from;
        boolean hasL2 = !Float.isNaN(c);
        boolean decays = decay != 1f;
        for (; i < to; i++) {
            float wi = w[i];
            float gi = hasL2 ? g[i] + c * wi : g[i];
            if (decays) {
                wi *= decay;
            }
            float mi = m[i] * b1 + keep1 * gi;
            float vi = v[i] * b2 + keep2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            w[i] = wi - stepSize * (mi / denom);
        }
    }

    /** The Vector API loops; each handles the whole vectors of its range and returns where the scalar tail starts. */
    private static final class Lanes {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

        static int relu(float[] xs, int o, float[] ys, int from, int to) {
            FloatVector zero = FloatVector.zero(F);
            int i = from;
            for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
                FloatVector v = FloatVector.fromArray(F, xs, o + i);
                v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(ys, i);
            }
            return i;
        }

        static int reluBackward(float[] gs, int go, float[] ys, int yo, float[] ds, int from, int to) {
            FloatVector zero = FloatVector.zero(F);
            int i = from;
            for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
                VectorMask<Float> pos = FloatVector.fromArray(F, ys, yo + i).compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromArray(F, gs, go + i), pos).intoArray(ds, i);
            }
            return i;
        }

        /** A quarter of {@link #F}'s width in bytes (one byte per float lane), or null where that is under 64 bits. */
        private static final VectorSpecies<Byte> BYTES = F.vectorBitSize() >= 256
                ? VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 4)) : null;
        /** Ints of {@link #F}'s width (a constant, so that the JIT compiles the conversions to instructions). */
        private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, F.vectorShape());

        static int unitBytes(byte[] src, int so, float[] dst, int o, int n) {
            if (BYTES == null) {
                return 0;
            }
            int i = 0;
            for (int end = F.loopBound(n); i < end; i += F.length()) {
                ByteVector b = ByteVector.fromArray(BYTES, src, so + i);
                FloatVector v = (FloatVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0)
                        .convert(VectorOperators.I2F, 0);
                v.div(255f).intoArray(dst, o + i);
            }
            return i;
        }

        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Float> HALF =
                VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

        /** Where {@link #sumSquares} stops: the scalar tail starts here. */
        static int bound(int n) {
            return HALF.loopBound(n);
        }

        /** Σ a² over the whole vectors of {@code a[o .. o + bound(n))}. */
        static double sumSquares(float[] a, int o, int n) {
            DoubleVector acc0 = DoubleVector.zero(D);
            DoubleVector acc1 = DoubleVector.zero(D);
            DoubleVector acc2 = DoubleVector.zero(D);
            DoubleVector acc3 = DoubleVector.zero(D);
            int step = HALF.length();
            int i = 0;
            for (; i <= n - 4 * step; i += 4 * step) {
                DoubleVector d0 = widen(a, o + i);
                DoubleVector d1 = widen(a, o + i + step);
                DoubleVector d2 = widen(a, o + i + 2 * step);
                DoubleVector d3 = widen(a, o + i + 3 * step);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
                acc2 = d2.fma(d2, acc2);
                acc3 = d3.fma(d3, acc3);
            }
            for (int end = HALF.loopBound(n); i < end; i += step) {
                DoubleVector d = widen(a, o + i);
                acc0 = d.fma(d, acc0);
            }
            // the lanes in order, not reduceLanes(ADD): that may add them in any order, and the JIT's intrinsic and
            // the interpreted fallback did differ in the last bit, so a norm depended on how warm the JVM was
            DoubleVector sum = acc0.add(acc1).add(acc2.add(acc3));
            double total = 0;
            for (int l = 0; l < D.length(); l++) {
                total += sum.lane(l);
            }
            return total;
        }

        /** Adam on whole vectors of floats: each operation the scalar loop's, in its order (no fused multiply-add). */
        static int adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float keep1, float b2,
                        float keep2, float bc2Sqrt, float eps, float stepSize, float c, float decay) {
            boolean hasL2 = !Float.isNaN(c);
            boolean decays = decay != 1f;
            int i = from;
            for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
                FloatVector wi = FloatVector.fromArray(F, w, i);
                FloatVector gi = FloatVector.fromArray(F, g, i);
                if (hasL2) {
                    gi = gi.add(wi.mul(c));
                }
                if (decays) {
                    wi = wi.mul(decay);
                }
                FloatVector mi = FloatVector.fromArray(F, m, i).mul(b1).add(gi.mul(keep1));
                FloatVector vi = FloatVector.fromArray(F, v, i).mul(b2).add(gi.mul(keep2).mul(gi));
                mi.intoArray(m, i);
                vi.intoArray(v, i);
                FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
                wi.sub(mi.div(denom).mul(stepSize)).intoArray(w, i);
            }
            return i;
        }

        private static DoubleVector widen(float[] a, int from) {
            return (DoubleVector) FloatVector.fromArray(HALF, a, from).convertShape(VectorOperators.F2D, D, 0);
        }

        /** Lane-wise sums of {@code x - x} (0 for finite x, NaN otherwise); -1 when a lane saw a non-finite value. */
        static long allFinite(float[] a, int o, int from, int to) {
            FloatVector acc = FloatVector.zero(F);
            int i = from;
            for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
                FloatVector v = FloatVector.fromArray(F, a, o + i);
                acc = acc.add(v.sub(v));
            }
            return acc.test(VectorOperators.IS_NAN).anyTrue() ? -1 : i;
        }
    }
}
