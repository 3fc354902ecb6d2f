package dev.backprop.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense n-dimensional array: a {@link Shape}, a {@link DType} and contiguous row-major storage.
 *
 * <p>Storage is a {@code float[]} (F32) or {@code double[]} (F64) plus an offset, so that {@link #rowSlice} and
 * {@link #reshape} are views that share storage without copying. Elements are always contiguous: element
 * {@code i} (in row-major order) lives at {@code offset() + i} of the backing array. Kernels read and write the
 * backing array directly through {@link #f32()}/{@link #f64()}.
 *
 * <p>Tensors carry no gradient information; that is the job of {@code autograd.Variable}.
 */
public final class Tensor {
    private final Shape shape;
    private final DType dtype;
    private final float[] f;
    private final double[] d;
    private final int offset;

    private Tensor(Shape shape, DType dtype, float[] f, double[] d, int offset) {
        this.shape = shape;
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- factories

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, int... dims) {
        Shape s = Shape.of(dims);
        return zeros(dtype, s);
    }

    /** A tensor of zeros of the given shape. */
    public static Tensor zeros(DType dtype, Shape s) {
        return dtype == DType.F32
                ? new Tensor(s, dtype, new float[s.size()], null, 0)
                : new Tensor(s, dtype, null, new double[s.size()], 0);
    }

    /** A tensor of ones. */
    public static Tensor ones(DType dtype, int... dims) {
        return full(dtype, 1.0, dims);
    }

    /** A tensor with every element equal to {@code value}. */
    public static Tensor full(DType dtype, double value, int... dims) {
        Tensor t = zeros(dtype, dims);
        t.fill(value);
        return t;
    }

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /** Wraps {@code data} (not copied) as an F32 tensor of the given shape. */
    public static Tensor of(float[] data, int... dims) {
        Shape s = Shape.of(dims.length == 0 ? new int[] {data.length} : dims);
        checkLength(data.length, s);
        return new Tensor(s, DType.F32, data, null, 0);
    }

    /** Wraps {@code data} (not copied) as an F64 tensor of the given shape. */
    public static Tensor of(double[] data, int... dims) {
        Shape s = Shape.of(dims.length == 0 ? new int[] {data.length} : dims);
        checkLength(data.length, s);
        return new Tensor(s, DType.F64, null, data, 0);
    }

    /** A copy of {@code data} as a tensor of the given dtype and shape. */
    public static Tensor of(DType dtype, double[] data, int... dims) {
        return of(data.clone(), dims).to(dtype);
    }

    /** A 2-D tensor from rows of equal length (copied). */
    public static Tensor fromRows(DType dtype, double[]... rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        Tensor t = zeros(dtype, rows.length, cols);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, expected " + cols);
            }
            for (int c = 0; c < cols; c++) {
                t.setFlat(r * cols + c, rows[r][c]);
            }
        }
        return t;
    }

    /** Samples from N(mean, std^2); the same seed gives the same values. */
    public static Tensor randn(DType dtype, long seed, double mean, double std, int... dims) {
        Tensor t = zeros(dtype, dims);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, mean + std * gaussian(rng));
        }
        return t;
    }

    /** Samples from U[lo, hi); the same seed gives the same values. */
    public static Tensor rand(DType dtype, long seed, double lo, double hi, int... dims) {
        Tensor t = zeros(dtype, dims);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        }
        return t;
    }

    /** A standard normal sample (Marsaglia polar method), from a seeded generator. */
    public static double gaussian(SplittableRandom rng) {
        double u;
        double v;
        double s;
        do {
            u = 2 * rng.nextDouble() - 1;
            v = 2 * rng.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    private static void checkLength(int length, Shape s) {
        if (length != s.size()) {
            throw new IllegalArgumentException(length + " values do not fill shape " + s + " (" + s.size() + " elements)");
        }
    }

    // ---------------------------------------------------------------- shape

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.rank();
    }

    /** Number of elements. */
    public int size() {
        return shape.size();
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape.dim(i);
    }

    /** Rows of a 2-D tensor. */
    public int rows() {
        require2d("rows");
        return shape.dim(0);
    }

    /** Columns of a 2-D tensor. */
    public int cols() {
        require2d("cols");
        return shape.dim(1);
    }

    private void require2d(String what) {
        if (shape.rank() != 2) {
            throw new IllegalArgumentException(what + "() needs a 2-D tensor, got shape " + shape);
        }
    }

    /** The same storage seen with another shape of the same size; one dimension may be -1 (inferred). */
    public Tensor reshape(int... dims) {
        int[] out = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape " + shape + " to " + Arrays.toString(dims) + ": more than one -1");
                }
                infer = i;
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0 && known > 0 && size() % known == 0) {
            out[infer] = (int) (size() / known);
            known *= out[infer];
        }
        if (known != size() || infer >= 0 && out[infer] < 0) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + size() + " elements) to "
                    + Arrays.toString(dims));
        }
        return new Tensor(Shape.of(out), dtype, f, d, offset);
    }

    /** Rows {@code [from, to)} of the first dimension, sharing storage (no copy). */
    public Tensor rowSlice(int from, int to) {
        if (rank() < 1 || from < 0 || to > dim(0) || from > to) {
            throw new IllegalArgumentException("row slice [" + from + ", " + to + ") out of range for shape " + shape);
        }
        int[] dims = shape.dims();
        int rowSize = dims[0] == 0 ? 0 : size() / dims[0];
        dims[0] = to - from;
        return new Tensor(Shape.of(dims), dtype, f, d, offset + from * rowSize);
    }

    /** The transpose of a 2-D tensor, as a new contiguous tensor. */
    public Tensor transpose() {
        require2d("transpose");
        int r = rows();
        int c = cols();
        Tensor t = zeros(dtype, c, r);
        if (dtype == DType.F32) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    t.f[j * r + i] = f[offset + i * c + j];
                }
            }
        } else {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    t.d[j * r + i] = d[offset + i * c + j];
                }
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- elements

    /** Element {@code i} in row-major order, as a double. */
    public double getFlat(int i) {
        return dtype == DType.F32 ? f[offset + i] : d[offset + i];
    }

    /** Sets element {@code i} in row-major order (rounded to float for F32). */
    public void setFlat(int i, double v) {
        if (dtype == DType.F32) {
            f[offset + i] = (float) v;
        } else {
            d[offset + i] = v;
        }
    }

    /** The element at the given multi-index. */
    public double get(int... index) {
        return getFlat(flatIndex(index));
    }

    /** Sets the element at the given multi-index. */
    public void set(double v, int... index) {
        setFlat(flatIndex(index), v);
    }

    /** The single value of a tensor with one element. */
    public double item() {
        if (size() != 1) {
            throw new IllegalArgumentException("item() needs a tensor with one element, got shape " + shape);
        }
        return getFlat(0);
    }

    private int flatIndex(int[] index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " does not match shape " + shape);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int n = shape.dim(i);
            if (index[i] < 0 || index[i] >= n) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of range for shape " + shape);
            }
            flat = flat * n + index[i];
        }
        return flat;
    }

    /** Sets every element to {@code v}. */
    public Tensor fill(double v) {
        if (dtype == DType.F32) {
            Arrays.fill(f, offset, offset + size(), (float) v);
        } else {
            Arrays.fill(d, offset, offset + size(), v);
        }
        return this;
    }

    /** Backing array of an F32 tensor; element {@code i} is at {@code offset() + i}. */
    public float[] f32() {
        if (f == null) {
            throw new IllegalStateException("tensor of shape " + shape + " is f64, not f32");
        }
        return f;
    }

    /** Backing array of an F64 tensor; element {@code i} is at {@code offset() + i}. */
    public double[] f64() {
        if (d == null) {
            throw new IllegalStateException("tensor of shape " + shape + " is f32, not f64");
        }
        return d;
    }

    /** Offset of element 0 in the backing array. */
    public int offset() {
        return offset;
    }

    /** The elements as a new double array. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFlat(i);
        }
        return out;
    }

    /** The elements as a new float array. */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getFlat(i);
        }
        return out;
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        return dtype == DType.F32
                ? new Tensor(shape, dtype, Arrays.copyOfRange(f, offset, offset + size()), null, 0)
                : new Tensor(shape, dtype, null, Arrays.copyOfRange(d, offset, offset + size()), 0);
    }

    /** This tensor in another dtype (a copy, or this tensor when the dtype already matches). */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        Tensor t = zeros(target, shape);
        for (int i = 0; i < size(); i++) {
            t.setFlat(i, getFlat(i));
        }
        return t;
    }

    /** Copies the elements of {@code src} (same shape, any dtype) into this tensor. */
    public void copyFrom(Tensor src) {
        requireSameShape(src, "copyFrom");
        if (dtype == DType.F32 && src.dtype == DType.F32) {
            System.arraycopy(src.f, src.offset, f, offset, size());
        } else if (dtype == DType.F64 && src.dtype == DType.F64) {
            System.arraycopy(src.d, src.offset, d, offset, size());
        } else {
            for (int i = 0; i < size(); i++) {
                setFlat(i, src.getFlat(i));
            }
        }
    }

    /** Throws IllegalArgumentException naming both shapes unless {@code other} has this tensor's shape. */
    public void requireSameShape(Tensor other, String op) {
        if (!shape.equals(other.shape)) {
            throw new IllegalArgumentException(op + ": shapes " + shape + " and " + other.shape + " differ");
        }
    }

    /** True when both tensors have the same shape and every pair of elements differs by at most {@code tol}. */
    public boolean allClose(Tensor other, double tol) {
        if (!shape.equals(other.shape)) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (!(Math.abs(getFlat(i) - other.getFlat(i)) <= tol)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype.label()).append(", ").append(shape).append(", [");
        int n = Math.min(size(), 8);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append((float) getFlat(i));
        }
        return sb.append(size() > n ? ", ...])" : "])").toString();
    }
}
