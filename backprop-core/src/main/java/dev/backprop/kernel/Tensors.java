package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;

/** Small whole-tensor helpers used by the tape and the optimizers. */
public final class Tensors {
    private Tensors() {
    }

    /**
     * In-place element-wise sum {@code dst += src} (how the tape accumulates gradients). Mixed dtypes work through a
     * slower per-element path, with the result rounded to {@code dst}'s dtype.
     *
     * @param dst the tensor added to, in place
     * @param src the tensor to add, of the same shape
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void addInto(Tensor dst, Tensor src) {
        dst.requireSameShape(src, "addInto");
        int n = dst.size();
        if (dst.dtype() == DType.F32 && src.dtype() == DType.F32) {
            float[] a = dst.f32();
            float[] b = src.f32();
            int ao = dst.offset();
            int bo = src.offset();
            for (int i = 0; i < n; i++) {
                a[ao + i] += b[bo + i];
            }
        } else if (dst.dtype() == DType.F64 && src.dtype() == DType.F64) {
            double[] a = dst.f64();
            double[] b = src.f64();
            int ao = dst.offset();
            int bo = src.offset();
            for (int i = 0; i < n; i++) {
                a[ao + i] += b[bo + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                dst.setFlat(i, dst.getFlat(i) + src.getFlat(i));
            }
        }
    }

    /**
     * True when every element is finite (no NaN, no infinity). The F32 loop adds {@code x - x} up lane by lane with
     * the Vector API: that is 0 for a finite x and NaN for NaN or ±infinity, and NaN survives every later addition.
     * Large F32 tensors are checked in ranges over {@link Parallel}'s threads.
     *
     * @param t the tensor to check
     * @return whether all elements are finite (true for an empty tensor)
     */
    public static boolean allFinite(Tensor t) {
        int n = t.size();
        int o = t.offset();
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            if (Parallel.parts(n, Parallel.GRAIN) <= 1) {
                return Simd.allFiniteF32(a, o, 0, n);
            }
            AtomicBoolean bad = new AtomicBoolean();
            Parallel.forRanges(n, Parallel.GRAIN, (from, to) -> {
                if (!Simd.allFiniteF32(a, o, from, to)) {
                    bad.set(true);
                }
            });
            return !bad.get();
        }
        double[] a = t.f64();
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(a[o + i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Converts bytes to floats in [0, 1]: {@code dst[dstOff + i] = (src[srcOff + i] & 0xFF) / 255f} for
     * {@code 0 <= i < n}, lane-wise where the Vector API is present (the same division, so the same bits).
     *
     * @param src the bytes, read as unsigned
     * @param srcOff index of the first byte
     * @param dst the destination
     * @param dstOff index of the first float written
     * @param n how many values
     * @throws IndexOutOfBoundsException if either range is out of its array
     */
    public static void unitFloats(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        java.util.Objects.checkFromIndexSize(srcOff, n, src.length);
        java.util.Objects.checkFromIndexSize(dstOff, n, dst.length);
        Simd.unitBytesF32(src, srcOff, dst, dstOff, n);
    }
}
