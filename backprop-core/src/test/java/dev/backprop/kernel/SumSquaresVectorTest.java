package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backprop.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Reductions#sumSquares} of an F32 tensor (vectorised) equals the sum of squares taken element by element in
 * double, for every length up to past several vectors and for views whose elements start at an offset.
 */
class SumSquaresVectorTest {
    @Test
    void vectorisedSumOfSquaresMatchesTheElementwiseSum() {
        for (int n = 0; n <= 70; n++) {
            float[] backing = new float[n + 5];
            for (int i = 0; i < backing.length; i++) {
                backing[i] = (float) (Math.sin(0.37 * i) * (i % 7 == 0 ? 1e3 : 1));
            }
            double want = 0;
            for (int i = 5; i < n + 5; i++) {
                want += (double) backing[i] * backing[i];
            }
            Tensor view = Tensor.of(backing, n + 5, 1).rowSlice(5, n + 5);
            assertEquals(want, Reductions.sumSquares(view), 1e-12 * Math.max(1, want), "length " + n);
        }
    }
}
