package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backprop.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Reductions#sumSquares} of an F32 tensor (vectorised) equals the sum of squares taken element by element in
 * double, for every length up to past several vectors and for views whose elements start at an offset; a tensor of
 * many blocks gives the same bits on one thread and on several.
 */
class SumSquaresVectorTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aLargeTensorIsSummedInBlocksWithTheSameBitsOnEveryThreadCount() {
        for (int n : new int[] {Reductions.SUM_BLOCK - 1, Reductions.SUM_BLOCK + 1, 2 * Reductions.SUM_BLOCK,
                7 * Reductions.SUM_BLOCK + 333, 200_704}) {
            float[] backing = new float[n + 3];
            for (int i = 0; i < backing.length; i++) {
                backing[i] = (float) (Math.sin(0.61 * i) * (i % 11 == 0 ? 1e3 : 1e-2));
            }
            double want = 0;
            for (int i = 3; i < n + 3; i++) {
                want += (double) backing[i] * backing[i];
            }
            Tensor view = Tensor.of(backing, n + 3, 1).rowSlice(3, n + 3);
            double[] got = new double[4];
            for (int threads = 1; threads <= 4; threads++) {
                Parallel.setThreads(threads);
                got[threads - 1] = Reductions.sumSquares(view);
                assertEquals(want, got[threads - 1], 1e-12 * want, "length " + n + ", " + threads + " threads");
                assertEquals(Double.doubleToLongBits(got[0]), Double.doubleToLongBits(got[threads - 1]),
                        "length " + n + ": " + threads + " threads against 1");
            }
        }
    }

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
