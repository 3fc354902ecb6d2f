package dev.backprop.tensor;

import java.util.Arrays;

/**
 * Immutable tensor shape: the size of each dimension, outermost first (row-major). A scalar has rank 0 and size 1.
 */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
        }
        this.dims = dims;
        this.size = n;
    }

    /**
     * Creates a shape.
     *
     * @param dims the dimension sizes, outermost first (copied); none for a scalar
     * @return the shape
     * @throws IllegalArgumentException if a dimension is negative or the element count exceeds 2^31-1
     */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** {@return the number of dimensions (0 for a scalar)} */
    public int rank() {
        return dims.length;
    }

    /**
     * Size of one dimension.
     *
     * @param i the dimension; negative values count from the end ({@code -1} is the last)
     * @return the size of dimension {@code i}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [-rank, rank)}
     */
    public int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    /** {@return the total number of elements, the product of the dimensions (1 for a scalar)} */
    public int size() {
        return (int) size;
    }

    /** {@return a copy of the dimension sizes, outermost first} */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The broadcast shape of two shapes under NumPy/PyTorch rules: the shapes are aligned at their trailing
     * dimensions, a missing leading dimension counts as 1, and a dimension of 1 stretches to match the other.
     *
     * @param a one shape
     * @param b the other shape
     * @return the shape both broadcast to
     * @throws IllegalArgumentException naming both shapes when two aligned dimensions differ and neither is 1
     */
    public static Shape broadcast(Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@return the dimensions in brackets, e.g. {@code "[2, 3]"}} */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
