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

    /**
     * Creates a tensor filled with zeros.
     *
     * @param dtype the element type
     * @param dims the dimension sizes; none for a scalar
     * @return a new tensor with its own storage
     */
    public static Tensor zeros(DType dtype, int... dims) {
        Shape s = Shape.of(dims);
        return zeros(dtype, s);
    }

    /**
     * Creates a tensor of the given shape filled with zeros.
     *
     * @param dtype the element type
     * @param s the shape
     * @return a new tensor with its own storage
     */
    public static Tensor zeros(DType dtype, Shape s) {
        return dtype == DType.F32
                ? new Tensor(s, dtype, Arena.floats(s.size()), null, 0)
                : new Tensor(s, dtype, null, Arena.doubles(s.size()), 0);
    }

    /**
     * Creates a tensor whose elements the caller overwrites entirely before reading any (an operation's output):
     * outside an {@link Arena} it is a new zeroed array; inside one, a reused array still holding old values.
     *
     * @param dtype the element type
     * @param dims the dimension sizes
     * @return a new tensor with its own storage, contents unspecified
     */
    public static Tensor uninitialized(DType dtype, int... dims) {
        Shape s = Shape.of(dims);
        return dtype == DType.F32
                ? new Tensor(s, dtype, Arena.floatsUninitialized(s.size()), null, 0)
                : new Tensor(s, dtype, null, Arena.doublesUninitialized(s.size()), 0);
    }

    /**
     * Creates a tensor filled with ones.
     *
     * @param dtype the element type
     * @param dims the dimension sizes; none for a scalar
     * @return a new tensor with its own storage
     */
    public static Tensor ones(DType dtype, int... dims) {
        return full(dtype, 1.0, dims);
    }

    /**
     * Creates a tensor with every element equal to {@code value}.
     *
     * @param dtype the element type
     * @param value the fill value (rounded to float for F32)
     * @param dims the dimension sizes; none for a scalar
     * @return a new tensor with its own storage
     */
    public static Tensor full(DType dtype, double value, int... dims) {
        Tensor t = zeros(dtype, dims);
        t.fill(value);
        return t;
    }

    /**
     * Creates a rank-0 tensor (shape {@code []}, one element).
     *
     * @param dtype the element type
     * @param value the value (rounded to float for F32)
     * @return a new scalar tensor
     */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /**
     * Wraps a float array as an F32 tensor; the array is not copied, so later writes to it show in the tensor.
     *
     * @param data the elements in row-major order
     * @param dims the shape; none means a 1-D tensor of {@code data.length} elements
     * @return a tensor backed by {@code data}
     * @throws IllegalArgumentException if {@code data.length} is not the size of the shape
     */
    public static Tensor of(float[] data, int... dims) {
        Shape s = Shape.of(dims.length == 0 ? new int[] {data.length} : dims);
        checkLength(data.length, s);
        return new Tensor(s, DType.F32, data, null, 0);
    }

    /**
     * Wraps a double array as an F64 tensor; the array is not copied, so later writes to it show in the tensor.
     *
     * @param data the elements in row-major order
     * @param dims the shape; none means a 1-D tensor of {@code data.length} elements
     * @return a tensor backed by {@code data}
     * @throws IllegalArgumentException if {@code data.length} is not the size of the shape
     */
    public static Tensor of(double[] data, int... dims) {
        Shape s = Shape.of(dims.length == 0 ? new int[] {data.length} : dims);
        checkLength(data.length, s);
        return new Tensor(s, DType.F64, null, data, 0);
    }

    /**
     * Creates a tensor from a copy of {@code data}.
     *
     * @param dtype the element type (values are rounded to float for F32)
     * @param data the elements in row-major order (copied)
     * @param dims the shape; none means a 1-D tensor of {@code data.length} elements
     * @return a new tensor with its own storage
     * @throws IllegalArgumentException if {@code data.length} is not the size of the shape
     */
    public static Tensor of(DType dtype, double[] data, int... dims) {
        return of(data.clone(), dims).to(dtype);
    }

    /**
     * Creates a 2-D tensor from its rows (copied).
     *
     * @param dtype the element type
     * @param rows the rows, all of the same length; none gives shape {@code [0, 0]}
     * @return a new {@code [rows.length, cols]} tensor
     * @throws IllegalArgumentException naming the row whose length differs from the first row's
     */
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

    /**
     * Creates a tensor of independent samples from the normal distribution N(mean, std^2), drawn in row-major order
     * with {@link #gaussian}. The same seed always gives the same values.
     *
     * @param dtype the element type
     * @param seed the seed of the random generator
     * @param mean the mean of the distribution
     * @param std the standard deviation of the distribution
     * @param dims the dimension sizes
     * @return a new tensor with its own storage
     */
    public static Tensor randn(DType dtype, long seed, double mean, double std, int... dims) {
        Tensor t = zeros(dtype, dims);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, mean + std * gaussian(rng));
        }
        return t;
    }

    /**
     * Creates a tensor of independent samples from the uniform distribution U[lo, hi): {@code lo + (hi - lo) * u}
     * with {@code u} uniform in [0, 1). The same seed always gives the same values.
     *
     * @param dtype the element type
     * @param seed the seed of the random generator
     * @param lo the lower bound (inclusive)
     * @param hi the upper bound (exclusive, before rounding to float)
     * @param dims the dimension sizes
     * @return a new tensor with its own storage
     */
    public static Tensor rand(DType dtype, long seed, double lo, double hi, int... dims) {
        Tensor t = zeros(dtype, dims);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        }
        return t;
    }

    /**
     * Draws one standard normal sample with the Marsaglia polar method: draw {@code u, v} uniform in (-1, 1) until
     * {@code 0 < s = u^2 + v^2 < 1}, then return {@code u * sqrt(-2 ln(s) / s)}. The weight initialisers of
     * {@code dev.backprop.nn.init} draw from it: sampling a high-entropy distribution such as the Gaussian gives
     * every weight a different start and so breaks the symmetry between neurons (lecture §3, eq. 1.18).
     *
     * @param rng the generator to draw from (advanced by at least two draws)
     * @return a sample from N(0, 1)
     */
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

    /** {@return the shape} */
    public Shape shape() {
        return shape;
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the number of dimensions (0 for a scalar)} */
    public int rank() {
        return shape.rank();
    }

    /** {@return the number of elements} */
    public int size() {
        return shape.size();
    }

    /**
     * Size of one dimension.
     *
     * @param i the dimension; negative values count from the end ({@code -1} is the last)
     * @return the size of dimension {@code i}
     */
    public int dim(int i) {
        return shape.dim(i);
    }

    /**
     * {@return the number of rows (dimension 0) of a 2-D tensor}
     *
     * @throws IllegalArgumentException if the tensor is not 2-D
     */
    public int rows() {
        require2d("rows");
        return shape.dim(0);
    }

    /**
     * {@return the number of columns (dimension 1) of a 2-D tensor}
     *
     * @throws IllegalArgumentException if the tensor is not 2-D
     */
    public int cols() {
        require2d("cols");
        return shape.dim(1);
    }

    private void require2d(String what) {
        if (shape.rank() != 2) {
            throw new IllegalArgumentException(what + "() needs a 2-D tensor, got shape " + shape);
        }
    }

    /**
     * A view of the same storage with another shape of the same size; no data is copied, so writes through either
     * tensor show in both.
     *
     * @param dims the new dimension sizes; at most one may be {@code -1}, meaning "whatever makes the size match"
     * @return the reshaped view
     * @throws IllegalArgumentException if more than one dimension is -1 or the sizes do not match
     */
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

    /**
     * A view of rows {@code [from, to)} of the first dimension, sharing storage (no copy). Because storage is
     * row-major, the slice is contiguous.
     *
     * @param from the first row (inclusive)
     * @param to the end row (exclusive)
     * @return the view, with dimension 0 equal to {@code to - from} and the other dimensions unchanged
     * @throws IllegalArgumentException if the tensor is a scalar or the range is not inside {@code [0, dim(0)]}
     */
    public Tensor rowSlice(int from, int to) {
        if (rank() < 1 || from < 0 || to > dim(0) || from > to) {
            throw new IllegalArgumentException("row slice [" + from + ", " + to + ") out of range for shape " + shape);
        }
        int[] dims = shape.dims();
        int rowSize = dims[0] == 0 ? 0 : size() / dims[0];
        dims[0] = to - from;
        return new Tensor(Shape.of(dims), dtype, f, d, offset + from * rowSize);
    }

    /**
     * The transpose of a 2-D tensor: {@code t[j][i] = this[i][j]}, copied into a new contiguous tensor (not a view).
     *
     * @return a new {@code [cols, rows]} tensor
     * @throws IllegalArgumentException if the tensor is not 2-D
     */
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

    /**
     * Reads one element by its row-major position.
     *
     * @param i the position, {@code 0 <= i < size()} (not range-checked beyond the backing array)
     * @return the element, widened to double
     */
    public double getFlat(int i) {
        return dtype == DType.F32 ? f[offset + i] : d[offset + i];
    }

    /**
     * Writes one element by its row-major position.
     *
     * @param i the position, {@code 0 <= i < size()} (not range-checked beyond the backing array)
     * @param v the value; rounded to float for F32
     */
    public void setFlat(int i, double v) {
        if (dtype == DType.F32) {
            f[offset + i] = (float) v;
        } else {
            d[offset + i] = v;
        }
    }

    /**
     * Reads the element at a multi-index.
     *
     * @param index one index per dimension
     * @return the element, widened to double
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is outside its dimension
     */
    public double get(int... index) {
        return getFlat(flatIndex(index));
    }

    /**
     * Writes the element at a multi-index.
     *
     * @param v the value; rounded to float for F32
     * @param index one index per dimension
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is outside its dimension
     */
    public void set(double v, int... index) {
        setFlat(flatIndex(index), v);
    }

    /**
     * {@return the single element of a one-element tensor (of any rank)}
     *
     * @throws IllegalArgumentException if the tensor does not have exactly one element
     */
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

    /**
     * Sets every element to {@code v}.
     *
     * @param v the value; rounded to float for F32
     * @return this tensor, for chaining
     */
    public Tensor fill(double v) {
        if (dtype == DType.F32) {
            Arrays.fill(f, offset, offset + size(), (float) v);
        } else {
            Arrays.fill(d, offset, offset + size(), v);
        }
        return this;
    }

    /**
     * The backing array of an F32 tensor, for kernels that work on it directly. The tensor's elements are
     * {@code f32()[offset() + i]} for {@code 0 <= i < size()}; a view may see only part of the array.
     *
     * @return the backing array (not a copy)
     * @throws IllegalStateException if the tensor is F64
     */
    public float[] f32() {
        if (f == null) {
            throw new IllegalStateException("tensor of shape " + shape + " is f64, not f32");
        }
        return f;
    }

    /**
     * The backing array of an F64 tensor, for kernels that work on it directly. The tensor's elements are
     * {@code f64()[offset() + i]} for {@code 0 <= i < size()}; a view may see only part of the array.
     *
     * @return the backing array (not a copy)
     * @throws IllegalStateException if the tensor is F32
     */
    public double[] f64() {
        if (d == null) {
            throw new IllegalStateException("tensor of shape " + shape + " is f32, not f64");
        }
        return d;
    }

    /** {@return the position of element 0 in the backing array (non-zero for row slices)} */
    public int offset() {
        return offset;
    }

    /** {@return the elements in row-major order, in a new double array} */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFlat(i);
        }
        return out;
    }

    /** {@return the elements in row-major order, in a new float array (F64 values are rounded)} */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getFlat(i);
        }
        return out;
    }

    /** {@return a contiguous copy with its own storage, offset 0} */
    public Tensor copy() {
        int n = size();
        if (dtype == DType.F32) {
            float[] out = Arena.floatsUninitialized(n);
            System.arraycopy(f, offset, out, 0, n);
            return new Tensor(shape, dtype, out, null, 0);
        }
        double[] out = Arena.doublesUninitialized(n);
        System.arraycopy(d, offset, out, 0, n);
        return new Tensor(shape, dtype, null, out, 0);
    }

    /**
     * Converts to another element type.
     *
     * @param target the element type wanted
     * @return this tensor itself (not a copy) when it already has that type, otherwise a new converted tensor
     */
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

    /**
     * Copies the elements of another tensor of the same shape into this one, converting between dtypes if needed.
     *
     * @param src the source; any dtype
     * @throws IllegalArgumentException if the shapes differ
     */
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

    /**
     * Checks that another tensor has this tensor's shape.
     *
     * @param other the tensor to compare with
     * @param op the operation name to put at the start of the error message
     * @throws IllegalArgumentException naming the operation and both shapes when they differ
     */
    public void requireSameShape(Tensor other, String op) {
        if (!shape.equals(other.shape)) {
            throw new IllegalArgumentException(op + ": shapes " + shape + " and " + other.shape + " differ");
        }
    }

    /**
     * Element-wise comparison with an absolute tolerance: true when the shapes are equal and
     * {@code |this[i] - other[i]| <= tol} for every {@code i}. A NaN on either side makes it false.
     *
     * @param other the tensor to compare with (any dtype)
     * @param tol the largest allowed absolute difference
     * @return whether the tensors match
     */
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

    /**
     * {@return a short description: dtype, shape and the first 8 elements, e.g.
     * {@code "Tensor(f32, [2, 3], [1.0, 2.0, ...])"}}
     */
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
