package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise kernels: binary arithmetic with NumPy broadcasting, maps of one or two tensors, and the few
 * activation loops hot enough to deserve their own plain loops (simple enough for the JIT to vectorise).
 * Every kernel returns a new contiguous tensor unless its name ends in {@code Into}.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** The four broadcasting binary operations of {@link #binary}. */
    public enum Binary {
        /** {@code a + b}. */
        ADD,
        /** {@code a - b}. */
        SUB,
        /** {@code a * b}. */
        MUL,
        /** {@code a / b} (IEEE division: by zero gives ±infinity or NaN). */
        DIV
    }

    /**
     * Element-wise {@code c = a op b} with NumPy broadcasting: the shapes are aligned at their trailing dimensions and a
     * dimension of 1 (or a missing leading one) stretches, so {@code c} has shape
     * {@link Shape#broadcast Shape.broadcast(a.shape(), b.shape())}. Computed in the operands' dtype.
     *
     * @param op the operation
     * @param a the left operand
     * @param b the right operand, of the same dtype
     * @param opName the operation's name, used in error messages
     * @return a new contiguous tensor of the broadcast shape
     * @throws IllegalArgumentException naming the op and both shapes when they cannot be broadcast or the dtypes differ
     */
    public static Tensor binary(Binary op, Tensor a, Tensor b, String opName) {
        requireSameDType(opName, a, b);
        Shape out;
        try {
            out = Shape.broadcast(a.shape(), b.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(opName + ": shapes " + a.shape() + " and " + b.shape()
                    + " cannot be broadcast together");
        }
        Tensor c = Tensor.zeros(a.dtype(), out);
        if (c.size() == 0) {
            return c;
        }
        if (a.shape().equals(b.shape())) {
            row(op, a, a.offset(), 1, b, b.offset(), 1, c, 0, c.size());
        } else if (b.size() == 1) {
            row(op, a, a.offset(), 1, b, b.offset(), 0, c, 0, c.size());
        } else if (a.size() == 1) {
            row(op, a, a.offset(), 0, b, b.offset(), 1, c, 0, c.size());
        } else {
            int n = Broadcast.rowLength(out);
            int[] offA = Broadcast.rowOffsets(a.shape(), out);
            int[] offB = Broadcast.rowOffsets(b.shape(), out);
            int sa = Broadcast.innerStride(a.shape(), out);
            int sb = Broadcast.innerStride(b.shape(), out);
            for (int r = 0; r < offA.length; r++) {
                row(op, a, a.offset() + offA[r], sa, b, b.offset() + offB[r], sb, c, r * n, n);
            }
        }
        return c;
    }

    /**
     * Checks that two tensors have the same dtype.
     *
     * @param opName the operation's name, put at the start of the error message
     * @param a one tensor
     * @param b the other tensor
     * @throws IllegalArgumentException naming the op and both dtypes and shapes when the dtypes differ
     */
    public static void requireSameDType(String opName, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(opName + ": dtypes differ, " + a.dtype() + " " + a.shape() + " and "
                    + b.dtype() + " " + b.shape());
        }
    }

    /** One row: {@code c[co+i] = a[ao+i*sa] op b[bo+i*sb]}, strides 0 or 1 (not both 0 unless n == 1). */
    private static void row(Binary op, Tensor a, int ao, int sa, Tensor b, int bo, int sb, Tensor c, int co, int n) {
        if (a.dtype() == DType.F32) {
            rowF32(op, a.f32(), ao, sa, b.f32(), bo, sb, c.f32(), co, n);
        } else {
            rowF64(op, a.f64(), ao, sa, b.f64(), bo, sb, c.f64(), co, n);
        }
    }

    private static void rowF32(Binary op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] c, int co,
                               int n) {
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] + b[bo + i]; } }
                case SUB -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] - b[bo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] * b[bo + i]; } }
                case DIV -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] / b[bo + i]; } }
            }
        } else if (sb == 0) {
            float y = b[bo];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] + y; } }
                case SUB -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] - y; } }
                case MUL -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] * y; } }
                case DIV -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] / y; } }
            }
        } else {
            float x = a[ao];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { c[co + i] = x + b[bo + i]; } }
                case SUB -> { for (int i = 0; i < n; i++) { c[co + i] = x - b[bo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) { c[co + i] = x * b[bo + i]; } }
                case DIV -> { for (int i = 0; i < n; i++) { c[co + i] = x / b[bo + i]; } }
            }
        }
    }

    private static void rowF64(Binary op, double[] a, int ao, int sa, double[] b, int bo, int sb, double[] c, int co,
                               int n) {
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] + b[bo + i]; } }
                case SUB -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] - b[bo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] * b[bo + i]; } }
                case DIV -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i] / b[bo + i]; } }
            }
        } else if (sb == 0) {
            double y = b[bo];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] + y; } }
                case SUB -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] - y; } }
                case MUL -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] * y; } }
                case DIV -> { for (int i = 0; i < n; i++) { c[co + i] = a[ao + i * sa] / y; } }
            }
        } else {
            double x = a[ao];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { c[co + i] = x + b[bo + i]; } }
                case SUB -> { for (int i = 0; i < n; i++) { c[co + i] = x - b[bo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) { c[co + i] = x * b[bo + i]; } }
                case DIV -> { for (int i = 0; i < n; i++) { c[co + i] = x / b[bo + i]; } }
            }
        }
    }

    /**
     * Element-wise {@code y = f(x)}, computed in double and rounded to float for F32.
     *
     * @param x the input
     * @param f the function applied to each element
     * @return a new contiguous tensor of the same shape and dtype
     */
    public static Tensor map(Tensor x, DoubleUnaryOperator f) {
        Tensor y = Tensor.zeros(x.dtype(), x.shape());
        int n = x.size();
        int o = x.offset();
        if (x.dtype() == DType.F32) {
            float[] xs = x.f32();
            float[] ys = y.f32();
            for (int i = 0; i < n; i++) {
                ys[i] = (float) f.applyAsDouble(xs[o + i]);
            }
        } else {
            double[] xs = x.f64();
            double[] ys = y.f64();
            for (int i = 0; i < n; i++) {
                ys[i] = f.applyAsDouble(xs[o + i]);
            }
        }
        return y;
    }

    /**
     * Element-wise {@code c = f(a, b)} for two tensors of the same shape and dtype, computed in double (backward rules
     * use it as {@code f(gradOut, cached)}).
     *
     * @param a the first input
     * @param b the second input
     * @param f the function applied to each pair of elements
     * @return a new contiguous tensor of the same shape and dtype
     * @throws IllegalArgumentException if the shapes or dtypes differ
     */
    public static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        a.requireSameShape(b, "zip");
        requireSameDType("zip", a, b);
        Tensor c = Tensor.zeros(a.dtype(), a.shape());
        int n = a.size();
        int ao = a.offset();
        int bo = b.offset();
        if (a.dtype() == DType.F32) {
            float[] as = a.f32();
            float[] bs = b.f32();
            float[] cs = c.f32();
            for (int i = 0; i < n; i++) {
                cs[i] = (float) f.applyAsDouble(as[ao + i], bs[bo + i]);
            }
        } else {
            double[] as = a.f64();
            double[] bs = b.f64();
            double[] cs = c.f64();
            for (int i = 0; i < n; i++) {
                cs[i] = f.applyAsDouble(as[ao + i], bs[bo + i]);
            }
        }
        return c;
    }

    /**
     * Element-wise {@code y = s·x} (for F32, {@code s} is rounded to float first).
     *
     * @param x the input
     * @param s the factor
     * @return a new contiguous tensor of the same shape and dtype
     */
    public static Tensor scale(Tensor x, double s) {
        Tensor y = Tensor.zeros(x.dtype(), x.shape());
        int n = x.size();
        int o = x.offset();
        if (x.dtype() == DType.F32) {
            float[] xs = x.f32();
            float[] ys = y.f32();
            float fs = (float) s;
            for (int i = 0; i < n; i++) {
                ys[i] = xs[o + i] * fs;
            }
        } else {
            double[] xs = x.f64();
            double[] ys = y.f64();
            for (int i = 0; i < n; i++) {
                ys[i] = xs[o + i] * s;
            }
        }
        return y;
    }

    /**
     * Element-wise {@code y = x + s} (for F32, {@code s} is rounded to float first).
     *
     * @param x the input
     * @param s the value to add
     * @return a new contiguous tensor of the same shape and dtype
     */
    public static Tensor addScalar(Tensor x, double s) {
        Tensor y = Tensor.zeros(x.dtype(), x.shape());
        int n = x.size();
        int o = x.offset();
        if (x.dtype() == DType.F32) {
            float[] xs = x.f32();
            float[] ys = y.f32();
            float fs = (float) s;
            for (int i = 0; i < n; i++) {
                ys[i] = xs[o + i] + fs;
            }
        } else {
            double[] xs = x.f64();
            double[] ys = y.f64();
            for (int i = 0; i < n; i++) {
                ys[i] = xs[o + i] + s;
            }
        }
        return y;
    }

    /**
     * {@code relu(x) = x < 0 ? 0 : x}, as PyTorch computes it: NaN stays NaN (a NaN is never turned into a plausible
     * 0) and -0 stays -0. The F32 loop uses the Vector API: the JIT does not
     * vectorise a select, and a scalar branch on the sign of random activations is mispredicted half the time.
     * Large F32 tensors are split over {@link Parallel}'s threads (element-wise, so the same for any count).
     *
     * @param x the input
     * @return a new contiguous tensor of the same shape and dtype
     */
    public static Tensor relu(Tensor x) {
        Tensor y = Tensor.uninitialized(x.dtype(), x.shape().dims()); // every element is written below
        int n = x.size();
        int o = x.offset();
        if (x.dtype() == DType.F32) {
            float[] xs = x.f32();
            float[] ys = y.f32();
            if (Parallel.parts(n, Parallel.GRAIN) <= 1) {
                Simd.reluF32(xs, o, ys, 0, n);
            } else {
                Parallel.forRanges(n, Parallel.GRAIN, (from, to) -> Simd.reluF32(xs, o, ys, from, to));
            }
        } else {
            double[] xs = x.f64();
            double[] ys = y.f64();
            for (int i = 0; i < n; i++) {
                ys[i] = xs[o + i] < 0.0 ? 0.0 : xs[o + i];
            }
        }
        return y;
    }

    /**
     * Backward of relu and its relatives: {@code dx = y > 0 ? g : 0}, where {@code y} is the relu output (or input;
     * both are positive at the same places). relu'(0) is taken as 0, as PyTorch does.
     *
     * @param g the gradient with respect to relu's output
     * @param y relu's output (or input), of the same shape and dtype as {@code g}
     * @return the gradient with respect to relu's input, a new contiguous tensor
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor reluBackward(Tensor g, Tensor y) {
        g.requireSameShape(y, "relu backward");
        Tensor dx = Tensor.uninitialized(g.dtype(), g.shape().dims()); // every element is written below
        int n = g.size();
        int go = g.offset();
        int yo = y.offset();
        if (g.dtype() == DType.F32) {
            float[] gs = g.f32();
            float[] ys = y.f32();
            float[] ds = dx.f32();
            if (Parallel.parts(n, Parallel.GRAIN) <= 1) {
                Simd.reluBackwardF32(gs, go, ys, yo, ds, 0, n);
            } else {
                Parallel.forRanges(n, Parallel.GRAIN, (from, to) -> Simd.reluBackwardF32(gs, go, ys, yo, ds, from, to));
            }
        } else {
            double[] gs = g.f64();
            double[] ys = y.f64();
            double[] ds = dx.f64();
            for (int i = 0; i < n; i++) {
                ds[i] = ys[yo + i] > 0.0 ? gs[go + i] : 0.0;
            }
        }
        return dx;
    }

    /**
     * Adds a bias to every row of a 2-D tensor, in place: {@code y[i, j] += bias[j]} (a linear layer's
     * {@code X·Wᵀ + b}).
     *
     * @param y the {@code [rows, cols]} tensor, modified in place
     * @param bias a tensor of {@code cols} elements, of the same dtype as {@code y}
     * @throws IllegalArgumentException if {@code y} is not 2-D or the bias size is not {@code cols}
     */
    public static void addRowVectorInto(Tensor y, Tensor bias) {
        int rows = y.rows();
        int cols = y.cols();
        if (bias.size() != cols) {
            throw new IllegalArgumentException("addRowVector: bias " + bias.shape() + " does not match rows of "
                    + y.shape());
        }
        int yo = y.offset();
        int bo = bias.offset();
        if (y.dtype() == DType.F32) {
            float[] ys = y.f32();
            float[] bs = bias.f32();
            for (int r = 0; r < rows; r++) {
                int base = yo + r * cols;
                for (int j = 0; j < cols; j++) {
                    ys[base + j] += bs[bo + j];
                }
            }
        } else {
            double[] ys = y.f64();
            double[] bs = bias.f64();
            for (int r = 0; r < rows; r++) {
                int base = yo + r * cols;
                for (int j = 0; j < cols; j++) {
                    ys[base + j] += bs[bo + j];
                }
            }
        }
    }

    /**
     * The logistic sigmoid {@code 1/(1+e^-x)} (lecture eq. 1.15), computed as {@code e^x/(1+e^x)} for negative
     * {@code x} so that no exponential overflows.
     *
     * @param x the argument
     * @return sigmoid(x) in [0, 1]
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
