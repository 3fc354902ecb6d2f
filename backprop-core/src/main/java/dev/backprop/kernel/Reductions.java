package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;

/**
 * Reductions: sums, means and maxima over the whole tensor or along one axis, arg-max, the sum that undoes
 * broadcasting ({@link #sumToShape}), and softmax / log-softmax along the last axis. Sums accumulate in double.
 *
 * <p>An axis reduction sees the tensor as {@code [outer, n, inner]}, where {@code n} is the size of the axis,
 * {@code outer} the product of the dimensions before it and {@code inner} of those after it. Negative axes count
 * from the end.
 */
public final class Reductions {
    private Reductions() {
    }

    /** The values of a max along an axis and, for each, the index of its first maximum along that axis. */
    public record MaxResult(Tensor values, int[] indices) {
    }

    /** Sum of all elements. */
    public static double sum(Tensor t) {
        int n = t.size();
        int o = t.offset();
        double s = 0;
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            for (int i = 0; i < n; i++) {
                s += a[o + i];
            }
        } else {
            double[] a = t.f64();
            for (int i = 0; i < n; i++) {
                s += a[o + i];
            }
        }
        return s;
    }

    /** Mean of all elements (NaN for an empty tensor). */
    public static double mean(Tensor t) {
        return sum(t) / t.size();
    }

    /** {@code axis} made non-negative, checked against the rank. */
    public static int normalizeAxis(Shape s, int axis, String op) {
        int a = axis < 0 ? axis + s.rank() : axis;
        if (a < 0 || a >= s.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + s);
        }
        return a;
    }

    /** The shape after reducing {@code axis}: that dimension removed, or kept as 1. */
    public static Shape reducedShape(Shape s, int axis, boolean keepDim) {
        int[] d = s.dims();
        if (keepDim) {
            d[axis] = 1;
            return Shape.of(d);
        }
        int[] out = new int[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i != axis) {
                out[j++] = d[i];
            }
        }
        return Shape.of(out);
    }

    private static int outer(Shape s, int axis) {
        int p = 1;
        for (int i = 0; i < axis; i++) {
            p *= s.dim(i);
        }
        return p;
    }

    private static int inner(Shape s, int axis) {
        int p = 1;
        for (int i = axis + 1; i < s.rank(); i++) {
            p *= s.dim(i);
        }
        return p;
    }

    /** Sum along {@code axis}. */
    public static Tensor sum(Tensor t, int axis, boolean keepDim) {
        int ax = normalizeAxis(t.shape(), axis, "sum");
        Shape s = t.shape();
        int outer = outer(s, ax);
        int n = s.dim(ax);
        int inner = inner(s, ax);
        Tensor out = Tensor.zeros(t.dtype(), reducedShape(s, ax, keepDim));
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int k = 0; k < n; k++) {
                int base = (o * n + k) * inner;
                if (t.dtype() == DType.F32) {
                    float[] a = t.f32();
                    int off = t.offset() + base;
                    for (int i = 0; i < inner; i++) {
                        acc[i] += a[off + i];
                    }
                } else {
                    double[] a = t.f64();
                    int off = t.offset() + base;
                    for (int i = 0; i < inner; i++) {
                        acc[i] += a[off + i];
                    }
                }
            }
            for (int i = 0; i < inner; i++) {
                out.setFlat(o * inner + i, acc[i]);
            }
        }
        return out;
    }

    /** Mean along {@code axis}. */
    public static Tensor mean(Tensor t, int axis, boolean keepDim) {
        int ax = normalizeAxis(t.shape(), axis, "mean");
        return Elementwise.scale(sum(t, ax, keepDim), 1.0 / t.shape().dim(ax));
    }

    /** Maximum along {@code axis}, with the index of the first maximum of each slice. NaN counts as maximal. */
    public static MaxResult max(Tensor t, int axis, boolean keepDim) {
        int ax = normalizeAxis(t.shape(), axis, "max");
        Shape s = t.shape();
        int outer = outer(s, ax);
        int n = s.dim(ax);
        int inner = inner(s, ax);
        if (n == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + s + " is empty");
        }
        Tensor out = Tensor.zeros(t.dtype(), reducedShape(s, ax, keepDim));
        int[] idx = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double best = t.getFlat(base);
                int arg = 0;
                for (int k = 1; k < n && !Double.isNaN(best); k++) {
                    double v = t.getFlat(base + k * inner);
                    if (v > best || Double.isNaN(v)) {
                        best = v;
                        arg = k;
                    }
                }
                out.setFlat(o * inner + i, best);
                idx[o * inner + i] = arg;
            }
        }
        return new MaxResult(out, idx);
    }

    /** Index of the first maximum along {@code axis}, for each position of the reduced shape (row-major). */
    public static int[] argmax(Tensor t, int axis) {
        return max(t, axis, false).indices();
    }

    /**
     * The reverse of an axis reduction: copies each element of the reduced tensor {@code r} (shape
     * {@code reducedShape(full, axis, keepDim)}) to every position of {@code axis} in a tensor of shape
     * {@code full}, scaled by {@code s}. This is the backward of sum ({@code s = 1}) and mean ({@code s = 1/n}).
     */
    public static Tensor expandAlongAxis(Tensor r, Shape full, int axis, double s) {
        int outer = outer(full, axis);
        int n = full.dim(axis);
        int inner = inner(full, axis);
        Tensor out = Tensor.zeros(r.dtype(), full);
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < n; k++) {
                int base = (o * n + k) * inner;
                for (int i = 0; i < inner; i++) {
                    out.setFlat(base + i, s * r.getFlat(o * inner + i));
                }
            }
        }
        return out;
    }

    /**
     * Puts each element of {@code g} (the reduced shape) at its arg-max position along {@code axis} in a zero
     * tensor of shape {@code full}: the backward of {@link #max}.
     */
    public static Tensor scatterAlongAxis(Tensor g, int[] indices, Shape full, int axis) {
        int outer = outer(full, axis);
        int n = full.dim(axis);
        int inner = inner(full, axis);
        Tensor out = Tensor.zeros(g.dtype(), full);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int j = o * inner + i;
                out.setFlat((o * n + indices[j]) * inner + i, g.getFlat(j));
            }
        }
        return out;
    }

    /**
     * Sums {@code g} over the dimensions along which a tensor of shape {@code target} was broadcast to
     * {@code g}'s shape: the backward of broadcasting. Returns {@code g} itself when the shapes agree.
     */
    public static Tensor sumToShape(Tensor g, Shape target) {
        if (g.shape().equals(target)) {
            return g;
        }
        Shape gs = g.shape();
        if (target.rank() > gs.rank() || !Shape.broadcast(target, gs).equals(gs)) {
            throw new IllegalArgumentException("sumToShape: " + target + " does not broadcast to " + gs);
        }
        if (target.size() == 1) {
            Tensor out = Tensor.zeros(g.dtype(), target);
            out.setFlat(0, sum(g));
            return out;
        }
        int n = Broadcast.rowLength(gs);
        int[] offT = Broadcast.rowOffsets(target, gs);
        int st = Broadcast.innerStride(target, gs);
        double[] acc = new double[target.size()];
        int go = g.offset();
        if (g.dtype() == DType.F32) {
            float[] a = g.f32();
            for (int r = 0; r < offT.length; r++) {
                rowAccumulate(acc, offT[r], st, a, go + r * n, n);
            }
        } else {
            double[] a = g.f64();
            for (int r = 0; r < offT.length; r++) {
                rowAccumulate(acc, offT[r], st, a, go + r * n, n);
            }
        }
        return Tensor.of(acc, target.dims()).to(g.dtype());
    }

    private static void rowAccumulate(double[] acc, int to, int st, float[] a, int ao, int n) {
        if (st == 1) {
            for (int i = 0; i < n; i++) {
                acc[to + i] += a[ao + i];
            }
        } else {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a[ao + i];
            }
            acc[to] += s;
        }
    }

    private static void rowAccumulate(double[] acc, int to, int st, double[] a, int ao, int n) {
        if (st == 1) {
            for (int i = 0; i < n; i++) {
                acc[to + i] += a[ao + i];
            }
        } else {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a[ao + i];
            }
            acc[to] += s;
        }
    }

    /** Column sums of a 2-D tensor {@code [rows, cols]} as a tensor {@code [cols]} (the bias gradient). */
    public static Tensor columnSums(Tensor g) {
        return sumToShape(g, Shape.of(g.cols()));
    }

    /**
     * Softmax along the last axis: {@code y_j = exp(x_j - m) / sum_k exp(x_k - m)} with {@code m = max_k x_k}, so
     * that no exponential overflows.
     */
    public static Tensor softmaxLastAxis(Tensor x) {
        return softmaxRows(x, false);
    }

    /** Log-softmax along the last axis: {@code y_j = x_j - m - log sum_k exp(x_k - m)}. */
    public static Tensor logSoftmaxLastAxis(Tensor x) {
        return softmaxRows(x, true);
    }

    private static Tensor softmaxRows(Tensor x, boolean log) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException((log ? "logSoftmax" : "softmax") + " needs rank >= 1, got shape "
                    + x.shape());
        }
        int c = x.dim(-1);
        int rows = c == 0 ? 0 : x.size() / c;
        Tensor y = Tensor.zeros(x.dtype(), x.shape());
        double[] row = new double[c];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                row[j] = x.getFlat(r * c + j);
                m = Math.max(m, row[j]);
            }
            double z = 0;
            for (int j = 0; j < c; j++) {
                z += Math.exp(row[j] - m);
            }
            double logZ = Math.log(z);
            for (int j = 0; j < c; j++) {
                double ls = row[j] - m - logZ;
                y.setFlat(r * c + j, log ? ls : Math.exp(ls));
            }
        }
        return y;
    }
}
