package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.util.function.IntConsumer;

/**
 * Reductions: sums, means and maxima over the whole tensor or along one axis, arg-max, the sum that undoes
 * broadcasting ({@link #sumToShape}), and softmax / log-softmax along the last axis. Sums accumulate in double.
 *
 * <p>An axis reduction sees the tensor as {@code [outer, n, inner]}, where {@code n} is the size of the axis,
 * {@code outer} the product of the dimensions before it and {@code inner} of those after it. Negative axes count
 * from the end.
 */
public final class Reductions {
    /** Doubles per vector, and floats in half that width (so that one float vector widens to one double vector). */

    private Reductions() {
    }

    /**
     * The block size of {@link #sumSquares} on F32 tensors: a tensor is summed in blocks of this many elements
     * (the last one shorter), and the blocks' sums are added in block order. The blocks do not depend on the thread
     * count, so neither does the result; from {@code 2 · SUM_BLOCK} elements the blocks are spread over
     * {@link Parallel}'s threads.
     */
    static final int SUM_BLOCK = 16_384;

    /**
     * Sum of the squares of all elements, Σ tᵢ², accumulated in double (float elements are widened first). The
     * squared L2 norm behind gradient norms, gradient clipping, the L2 penalty and weight statistics. An F32 tensor
     * is summed in blocks of {@link #SUM_BLOCK} elements whose sums are added in order, on several threads when it
     * is large: the same value for every thread count.
     *
     * @param t the tensor
     * @return Σ tᵢ² (0 for an empty tensor)
     */
    public static double sumSquares(Tensor t) {
        double s = 0;
        int n = t.size();
        int o = t.offset();
        if (t.dtype() == DType.F32) {
            return sumSquaresBlocked(t.f32(), o, n);
        } else {
            double[] a = t.f64();
            for (int i = 0; i < n; i++) {
                s += a[o + i] * a[o + i];
            }
        }
        return s;
    }

    private static double sumSquaresBlocked(float[] a, int o, int n) {
        int blocks = (n + SUM_BLOCK - 1) / SUM_BLOCK;
        if (blocks <= 1) {
            return Simd.sumSquaresF32(a, o, n);
        }
        double[] part = new double[blocks];
        IntConsumer block = b -> {
            int from = b * SUM_BLOCK;
            part[b] = Simd.sumSquaresF32(a, o + from, Math.min(SUM_BLOCK, n - from));
        };
        if (Parallel.parts(n, SUM_BLOCK) <= 1) {
            for (int b = 0; b < blocks; b++) {
                block.accept(b);
            }
        } else {
            Parallel.parallelFor(blocks, block);
        }
        double s = 0;
        for (double v : part) {
            s += v;
        }
        return s;
    }

    /**
     * The result of {@link #max}: the maximum of each slice and where it is.
     *
     * @param values the maxima, in the reduced shape
     * @param indices for each element of {@code values} (row-major), the position along the axis of the first maximum
     */
    public record MaxResult(Tensor values, int[] indices) {
    }

    /**
     * Sum of all elements, accumulated in double in row-major order.
     *
     * @param t the tensor
     * @return the sum (0 for an empty tensor)
     */
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

    /**
     * Mean of all elements, {@code sum(t) / size}.
     *
     * @param t the tensor
     * @return the mean (NaN for an empty tensor)
     */
    public static double mean(Tensor t) {
        return sum(t) / t.size();
    }

    /**
     * Turns a possibly negative axis into a checked non-negative one.
     *
     * @param s the shape the axis refers to
     * @param axis the axis; negative values count from the end
     * @param op the operation's name, used in the error message
     * @return the axis in {@code [0, rank)}
     * @throws IllegalArgumentException if the axis is outside {@code [-rank, rank)} (always, for a scalar)
     */
    public static int normalizeAxis(Shape s, int axis, String op) {
        int a = axis < 0 ? axis + s.rank() : axis;
        if (a < 0 || a >= s.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + s);
        }
        return a;
    }

    /**
     * The shape after reducing one axis.
     *
     * @param s the shape before the reduction
     * @param axis the reduced axis, already non-negative
     * @param keepDim keep the axis with size 1 (true) or remove it (false)
     * @return the reduced shape
     */
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

    /**
     * Sum along one axis: {@code out[o, i] = sum_k t[o, k, i]} in the {@code [outer, n, inner]} view, accumulated in
     * double.
     *
     * @param t the tensor
     * @param axis the axis to sum over; negative values count from the end
     * @param keepDim keep the summed axis with size 1
     * @return a new tensor of the reduced shape and the same dtype
     * @throws IllegalArgumentException if the axis is out of range
     */
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

    /**
     * Mean along one axis: the {@link #sum(Tensor, int, boolean) sum} along it times {@code 1/n}.
     *
     * @param t the tensor
     * @param axis the axis to average over; negative values count from the end
     * @param keepDim keep the averaged axis with size 1
     * @return a new tensor of the reduced shape and the same dtype (NaN where the axis is empty)
     * @throws IllegalArgumentException if the axis is out of range
     */
    public static Tensor mean(Tensor t, int axis, boolean keepDim) {
        int ax = normalizeAxis(t.shape(), axis, "mean");
        return Elementwise.scale(sum(t, ax, keepDim), 1.0 / t.shape().dim(ax));
    }

    /**
     * Maximum along one axis, with the position of the first maximum of each slice. NaN counts as larger than
     * everything: the first NaN of a slice is its maximum.
     *
     * @param t the tensor
     * @param axis the axis to reduce; negative values count from the end
     * @param keepDim keep the reduced axis with size 1
     * @return the maxima (reduced shape, same dtype) and their positions along the axis
     * @throws IllegalArgumentException if the axis is out of range or empty
     */
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

    /**
     * Position of the first maximum along one axis (NaN counts as maximal), for example the predicted class of each
     * row of logits with {@code axis = 1}.
     *
     * @param t the tensor
     * @param axis the axis to search; negative values count from the end
     * @return one position per element of the reduced shape, in row-major order
     * @throws IllegalArgumentException if the axis is out of range or empty
     */
    public static int[] argmax(Tensor t, int axis) {
        return max(t, axis, false).indices();
    }

    /**
     * The reverse of an axis reduction: copies each element of the reduced tensor {@code r} (shape
     * {@code reducedShape(full, axis, keepDim)}) to every position of {@code axis} in a tensor of shape
     * {@code full}, scaled by {@code s}: {@code out[o, k, i] = s·r[o, i]}. This is the backward of sum
     * ({@code s = 1}) and mean ({@code s = 1/n}).
     *
     * @param r the reduced tensor (the gradient of the reduction's output); only its element order matters
     * @param full the shape before the reduction
     * @param axis the reduced axis, already non-negative
     * @param s the scale factor
     * @return a new tensor of shape {@code full} and {@code r}'s dtype
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
     * The backward of {@link #max}: a zero tensor of shape {@code full} with each element of {@code g} put at its
     * arg-max position along {@code axis}, {@code out[o, indices[o, i], i] = g[o, i]}. Only the first maximum of a
     * slice receives the gradient.
     *
     * @param g the gradient of the maxima (reduced shape); only its element order matters
     * @param indices the positions from {@link MaxResult#indices()}
     * @param full the shape before the reduction
     * @param axis the reduced axis, already non-negative
     * @return a new tensor of shape {@code full} and {@code g}'s dtype
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
     * The backward of broadcasting: sums {@code g} over the dimensions along which a tensor of shape {@code target}
     * was stretched to {@code g}'s shape (leading dimensions it lacked, and dimensions where it has size 1).
     * Accumulated in double.
     *
     * @param g the gradient, of the broadcast shape
     * @param target the operand's shape, which must broadcast to {@code g}'s shape
     * @return {@code g} itself when the shapes are equal, otherwise a new tensor of shape {@code target}
     * @throws IllegalArgumentException if {@code target} does not broadcast to {@code g}'s shape
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

    /**
     * Column sums of a 2-D tensor, {@code out[j] = sum_i g[i, j]}: the gradient of a bias added to every row.
     *
     * @param g a {@code [rows, cols]} tensor
     * @return a new {@code [cols]} tensor of {@code g}'s dtype
     * @throws IllegalArgumentException if {@code g} is not 2-D
     */
    public static Tensor columnSums(Tensor g) {
        return sumToShape(g, Shape.of(g.cols()));
    }

    /**
     * Softmax along the last axis: {@code y_j = exp(x_j - m) / sum_k exp(x_k - m)} with {@code m = max_k x_k}, so
     * that no exponential overflows. Each row of the result sums to 1.
     *
     * @param x the logits, rank at least 1
     * @return a new tensor of the same shape and dtype
     * @throws IllegalArgumentException if {@code x} is a scalar
     */
    public static Tensor softmaxLastAxis(Tensor x) {
        return softmaxRows(x, false);
    }

    /**
     * Log-softmax along the last axis: {@code y_j = x_j - m - log sum_k exp(x_k - m)} with {@code m = max_k x_k},
     * computed directly rather than as the log of the softmax, so that it stays finite for very negative logits.
     *
     * @param x the logits, rank at least 1
     * @return a new tensor of the same shape and dtype
     * @throws IllegalArgumentException if {@code x} is a scalar
     */
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
