package dev.backprop.diagnose;

import dev.backprop.nn.ActivationKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics against closed forms on hand-built tensors. */
class StatsTest {

    private static double sigmoidDerivative(double x) {
        double s = 1 / (1 + Math.exp(-x));
        return s * (1 - s);
    }

    @Test
    void saturationThresholdsAreWhereTheDerivativeFallsToOnePercentOfItsMaximum() {
        // tanh'(x) = 1 - tanh²(x), maximum 1 at 0; sigmoid'(x) = σ(1 - σ), maximum 1/4 at 0
        double t = Math.tanh(ActivationKind.TANH.saturationThreshold());
        assertEquals(0.01, 1 - t * t, 1e-12);
        assertEquals(0.01 * 0.25, sigmoidDerivative(ActivationKind.SIGMOID.saturationThreshold()), 1e-12);
        assertEquals(2.993, ActivationKind.TANH.saturationThreshold(), 1e-3);
        assertEquals(5.987, ActivationKind.SIGMOID.saturationThreshold(), 1e-3);
        assertTrue(sigmoidDerivative(ActivationKind.SIGMOID.saturationThreshold() + 0.01) < 0.0025);
        assertTrue(sigmoidDerivative(ActivationKind.SIGMOID.saturationThreshold() - 0.01) > 0.0025);
    }

    @Test
    void normAndSumOfSquaresInBothDTypes() {
        for (DType dt : DType.values()) {
            Tensor x = Tensor.of(dt, new double[] {3, -4, 0, 12}, 2, 2);
            assertEquals(169, dev.backprop.kernel.Reductions.sumSquares(x), 1e-9);
            assertEquals(13, Stats.norm(x), 1e-9);
        }
        assertTrue(Double.isNaN(Stats.norm(null)));
        Tensor view = Tensor.of(new double[] {100, 3, 4}, 3).reshape(3).rowSlice(1, 3);
        assertEquals(5, Stats.norm(view), 1e-12, "a view with an offset counts only its own elements");
    }

    @Test
    void updateRatioIsNormOfTheChangeOverNormOfTheOldValue() {
        Tensor before = Tensor.of(new double[] {3, 4}, 2);
        Tensor after = Tensor.of(new double[] {3, 4.5}, 2);
        assertEquals(0.5 / 5, Stats.updateRatio(before, after), 1e-12);
        Tensor zero = Tensor.zeros(DType.F64, 2);
        assertEquals(Double.POSITIVE_INFINITY, Stats.updateRatio(zero, after));
        assertTrue(Double.isNaN(Stats.updateRatio(zero, zero.copy())));
    }

    @Test
    void meanAndPopulationStandardDeviation() {
        double[] ms = Stats.meanStd(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        assertEquals(2.5, ms[0], 1e-12);
        assertEquals(Math.sqrt(1.25), ms[1], 1e-12);
    }

    @Test
    void saturatedFractionCountsPreActivationsBeyondTheThreshold() {
        Tensor pre = Tensor.of(new double[] {6.0, -5.9, 100, 0, -6.5, 1, 2, 3}, 2, 4);
        assertEquals(3.0 / 8, Stats.fractionAbove(pre, ActivationKind.SIGMOID.saturationThreshold()), 1e-12);
        assertEquals(5.0 / 8, Stats.fractionAbove(pre, ActivationKind.TANH.saturationThreshold()), 1e-12); // 3 > 2.993 too
    }

    @Test
    void deadUnitsAreZeroForEverySampleOfTheBatch() {
        // unit 0 alive on sample 2 only, unit 1 always 0, unit 2 alive, unit 3 always 0
        Tensor relu = Tensor.of(new double[] {
            0, 0, 1, 0,
            0, 0, 2, 0,
            5, 0, 0, 0}, 3, 4);
        assertEquals(0.5, Stats.deadFraction(relu, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Stats.deadFraction(Tensor.zeros(DType.F32, 4), 0));
    }

    @Test
    void zeroFractionCountsExactZerosOnly() {
        Tensor w = Tensor.of(new double[] {0, 1e-30, -0.0, 2, 0, 3}, 2, 3);
        assertEquals(3.0 / 6, Stats.zeroFraction(w), 1e-12);
    }

    @Test
    void identicalRowsGroupsNeuronsWithTheSameWeightsAndBias() {
        Tensor w = Tensor.of(new double[] {
            1, 2,
            3, 4,
            1, 2,
            1, 2,
            3, 4}, 5, 2);
        Tensor b = Tensor.of(new double[] {0, 7, 0, 1, 7}, 5);
        List<int[]> groups = Stats.identicalRows(w, b);
        assertEquals(2, groups.size());
        assertArrayEquals(new int[] {0, 2}, groups.get(0)); // row 3 has the same weights but another bias
        assertArrayEquals(new int[] {1, 4}, groups.get(1));
        assertArrayEquals(new int[] {0, 2, 3}, Stats.identicalRows(w, null).get(0));
        assertTrue(Stats.identicalRows(Tensor.randn(DType.F32, 1, 0, 1, 64, 16), null).isEmpty());
    }

    @Test
    void median() {
        assertEquals(2, Stats.median(new double[] {3, 1, 2}), 0);
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}), 0);
        assertTrue(Double.isNaN(Stats.median(new double[0])));
    }
}
