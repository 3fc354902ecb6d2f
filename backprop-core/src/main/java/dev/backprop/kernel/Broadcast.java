package dev.backprop.kernel;

import dev.backprop.tensor.Shape;

/**
 * Index arithmetic for NumPy broadcasting. An output of shape {@code out} is walked row by row (a row is its last
 * dimension); for an operand of a broadcast-compatible shape, {@link #rowOffsets} gives where each output row starts
 * in the operand, and {@link #innerStride} whether the operand advances along the row (1) or repeats one value (0).
 */
final class Broadcast {
    private Broadcast() {
    }

    /** Length of a row of {@code out} (its last dimension; 1 for a scalar). */
    static int rowLength(Shape out) {
        return out.rank() == 0 ? 1 : out.dim(-1);
    }

    /** 1 when the operand's last dimension matches the output's, 0 when it is broadcast. */
    static int innerStride(Shape operand, Shape out) {
        return operand.rank() == 0 || operand.dim(-1) == 1 ? 0 : 1;
    }

    /** For each row of {@code out}, the offset in the operand (row-major, contiguous) where that row starts. */
    static int[] rowOffsets(Shape operand, Shape out) {
        int r = out.rank();
        int rows = r == 0 ? 1 : (rowLength(out) == 0 ? 0 : out.size() / rowLength(out));
        int[] offsets = new int[rows];
        if (r <= 1 || rows == 0) {
            return offsets;
        }
        int[] stride = alignedStrides(operand, out);
        int[] idx = new int[r - 1];
        int off = 0;
        for (int row = 0; row < rows; row++) {
            offsets[row] = off;
            for (int d = r - 2; d >= 0; d--) { // odometer over the outer dimensions
                idx[d]++;
                off += stride[d];
                if (idx[d] < out.dim(d)) {
                    break;
                }
                off -= stride[d] * idx[d];
                idx[d] = 0;
            }
        }
        return offsets;
    }

    /** Strides of the operand aligned to the output's dimensions, 0 where the operand is broadcast. */
    private static int[] alignedStrides(Shape operand, Shape out) {
        int r = out.rank();
        int lead = r - operand.rank();
        int[] stride = new int[r];
        int s = 1;
        for (int d = r - 1; d >= lead; d--) {
            int n = operand.dim(d - lead);
            stride[d] = n == 1 ? 0 : s;
            s *= n;
        }
        return stride;
    }
}
