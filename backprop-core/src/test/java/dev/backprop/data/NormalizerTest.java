package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizerTest {

    /** Columns: 1, 2, 3, 4 | constant 7 | 0, 0, 0, 8. */
    private static Dataset train() {
        float[] x = {
            1, 7, 0,
            2, 7, 0,
            3, 7, 0,
            4, 7, 8};
        return Dataset.classification(x, 3, new int[] {0, 1, 0, 1}, 2);
    }

    @Test
    void standardGivesZeroMeanUnitVarianceOnTrainingData() {
        Normalizer.Standard n = Normalizer.fitStandard(train());
        // Closed forms: mean (2.5, 7, 2), population std (sqrt(1.25), 0, sqrt(12)).
        assertArrayEquals(new double[] {2.5, 7, 2}, n.mean(), 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(1.25), 0, Math.sqrt(12)}, n.std(), 1e-12);
        Dataset z = n.apply(train());
        for (int j = 0; j < 3; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < 4; i++) {
                assertTrue(Double.isFinite(z.feature(i, j)));
                sum += z.feature(i, j);
                sq += z.feature(i, j) * z.feature(i, j);
            }
            assertEquals(0, sum / 4, 1e-6);
            assertEquals(j == 1 ? 0 : 1, sq / 4, 1e-6); // the constant column maps to 0, not NaN
        }
        assertEquals(train().label(3), z.label(3));
    }

    @Test
    void testDataUsesTheTrainingParameters() {
        Normalizer n = Normalizer.fitStandard(train());
        Dataset test = Dataset.classification(new float[] {5, 9, 2}, 3, new int[] {0}, 2);
        Dataset z = n.apply(test);
        assertEquals((5 - 2.5) / Math.sqrt(1.25), z.feature(0, 0), 1e-6);
        assertEquals(9 - 7, z.feature(0, 1), 1e-6); // constant in training: shifted, scale 1
        assertEquals(0, z.feature(0, 2), 1e-6);
    }

    @Test
    void minMaxMapsTrainingDataToTheUnitInterval() {
        Normalizer n = Normalizer.fitMinMax(train());
        Dataset z = n.apply(train());
        assertEquals(0, z.feature(0, 0), 1e-7);
        assertEquals(1 / 3.0, z.feature(1, 0), 1e-7);
        assertEquals(1, z.feature(3, 0), 1e-7);
        assertEquals(0, z.feature(2, 1), 0);
        assertEquals(1, z.feature(3, 2), 0);
        assertEquals(2, n.apply(0, 7), 1e-12); // test data may leave [0, 1]
    }

    @Test
    void parametersRoundTripThroughPlainArrays() {
        for (Normalizer n : new Normalizer[] {Normalizer.none(), Normalizer.fitStandard(train()),
                Normalizer.fitMinMax(train())}) {
            Normalizer back = Normalizer.of(n.kind(), n.parameters());
            assertEquals(n.kind(), back.kind());
            for (int j = 0; j < 3; j++) {
                assertEquals(n.apply(j, 3.25), back.apply(j, 3.25), 0);
            }
        }
        assertEquals("standard", Normalizer.fit("Standard", train()).kind());
    }

    @Test
    void rejectsMismatchedDataAndBadParameters() {
        Normalizer n = Normalizer.fitMinMax(train());
        Dataset other = Dataset.classification(new float[2], 2, new int[] {0}, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> n.apply(other));
        assertTrue(e.getMessage().contains("fitted on 3 features"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Normalizer.of("zscore", new double[0][]));
        assertThrows(IllegalArgumentException.class,
                () -> Normalizer.of("minmax", new double[][] {{0, 1}, {1}}));
        assertThrows(IllegalArgumentException.class,
                () -> Normalizer.of("standard", new double[][] {{Double.NaN}, {1}}));
        assertSame(other, Normalizer.none().apply(other));
    }

    @Test
    void doubleFeaturesAreNormalisedInDoubleAndStayDoubles() {
        // x = 0.1, 0.2, 0.3, 0.4: mean 0.25, std sqrt(0.0125), computed here by the closed form
        Dataset d = Dataset.classification(new double[] {0.1, 0.2, 0.3, 0.4}, 1, new int[] {0, 1, 0, 1}, 2);
        Dataset n = Normalizer.fitStandard(d).apply(d);
        assertTrue(n.isF64(), "normalising keeps double storage");
        double mean = (0.1 + 0.2 + 0.3 + 0.4) / 4;
        double var = 0;
        for (double x : new double[] {0.1, 0.2, 0.3, 0.4}) {
            var += (x - mean) * (x - mean) / 4;
        }
        assertEquals((0.1 - mean) / Math.sqrt(var), n.featureF64(0, 0), 1e-15);
        assertEquals((0.4 - mean) / Math.sqrt(var), n.featureF64(3, 0), 1e-15);
    }
}
