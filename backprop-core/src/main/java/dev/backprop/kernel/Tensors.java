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

    /** True when every element is finite (no NaN, no infinity). */
    public static boolean allFinite(Tensor t) {
        int n = t.size();
        int o = t.offset();
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(a[o + i])) {
                    return false;
                }
            }
        } else {
            double[] a = t.f64();
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(a[o + i])) {
                    return false;
                }
            }
        }
        return true;
    }
}
