package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;

/** Small whole-tensor helpers used by the tape and the optimizers. */
public final class Tensors {
    private Tensors() {
    }

    /** {@code dst += src}, element-wise; both tensors have the same shape and dtype. */
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
     * True when every element is finite (no NaN, no infinity). Branch-free over the bits: an element is not finite
     * exactly when its exponent bits are all ones, and then adding one unit of the exponent's lowest bit to them
     * carries into the sign bit; the loop ORs those sums together (an OR reduction the JIT vectorises).
     */
    public static boolean allFinite(Tensor t) {
        int n = t.size();
        int o = t.offset();
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            int flags = 0;
            for (int i = 0; i < n; i++) {
                flags |= (Float.floatToRawIntBits(a[o + i]) & 0x7f80_0000) + 0x0080_0000;
            }
            return flags >= 0;
        }
        double[] a = t.f64();
        long flags = 0;
        for (int i = 0; i < n; i++) {
            flags |= (Double.doubleToRawLongBits(a[o + i]) & 0x7ff0_0000_0000_0000L) + 0x0010_0000_0000_0000L;
        }
        return flags >= 0;
    }
}
