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

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    /** Total number of elements. */
    public int size() {
        return (int) size;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The broadcast shape of {@code a} and {@code b} under NumPy/PyTorch rules (align trailing dimensions; a
     * dimension of 1 stretches).
     *
     * @throws IllegalArgumentException naming both shapes when they are not compatible
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

    /** "[2, 3]" */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
