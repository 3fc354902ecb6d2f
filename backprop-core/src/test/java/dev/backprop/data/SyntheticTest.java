package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class SyntheticTest {

    private static float[] x(Dataset d) {
        return d.features(DType.F32).f32();
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        List<LongFunction<TrainTest>> makers = List.of(
                s -> Synthetic.spirals(60, 30, 0.1, s),
                s -> Synthetic.spirals(60, 30, 3, 0.1, s),
                s -> Synthetic.circles(60, 30, 0.1, s),
                s -> Synthetic.moons(60, 30, 0.1, s),
                s -> Synthetic.xor(60, 30, 0.1, s),
                s -> Synthetic.blobs(60, 30, 4, 3, 0.5, s));
        for (LongFunction<TrainTest> make : makers) {
            TrainTest a = make.apply(11);
            TrainTest b = make.apply(11);
            TrainTest c = make.apply(12);
            assertArrayEquals(x(a.train()), x(b.train()));
            assertArrayEquals(a.train().labels(), b.train().labels());
            assertArrayEquals(x(a.test()), x(b.test()));
            assertFalse(Arrays.equals(x(a.train()), x(c.train())));
            assertEquals(60, a.train().size());
            assertEquals(30, a.test().size());
            // The test set is a fresh draw, not a copy of the first training samples.
            assertFalse(Arrays.equals(x(a.test()), Arrays.copyOf(x(a.train()), x(a.test()).length)));
        }
    }

    @Test
    void classesAreBalanced() {
        assertArrayEquals(new int[] {50, 50}, Synthetic.moons(100, 10, 0.2, 1).train().classCounts());
        assertArrayEquals(new int[] {40, 40, 40}, Synthetic.spirals(120, 10, 3, 0.2, 1).train().classCounts());
        assertArrayEquals(new int[] {25, 25, 25, 25}, Synthetic.blobs(100, 10, 4, 2, 1, 1).train().classCounts());
        assertArrayEquals(new int[] {5, 5}, Synthetic.xor(100, 10, 0, 1).test().classCounts());
        assertArrayEquals(new int[] {4, 3}, Synthetic.circles(7, 0, 0, 1).train().classCounts());
    }

    @Test
    void noiselessSpiralPointsLieOnTheirArm() {
        int k = 3;
        Dataset d = Synthetic.spirals(300, 0, k, 0, 5).train();
        for (int i = 0; i < d.size(); i++) {
            double px = d.feature(i, 0);
            double py = d.feature(i, 1);
            double r = Math.hypot(px, py);
            assertTrue(r <= 1 + 1e-6);
            if (r < 1e-2) {
                continue; // the angle of a point at the centre is not defined
            }
            double expected = 2 * Math.PI * d.label(i) / k + 2 * Math.PI * Synthetic.SPIRAL_TURNS * r;
            double diff = Math.IEEEremainder(Math.atan2(py, px) - expected, 2 * Math.PI);
            assertEquals(0, diff, 1e-4, "sample " + i);
        }
    }

    @Test
    void circlesRadiiSeparateTheClasses() {
        Dataset clean = Synthetic.circles(200, 0, 0, 3).train();
        for (int i = 0; i < clean.size(); i++) {
            double r = Math.hypot(clean.feature(i, 0), clean.feature(i, 1));
            assertEquals(clean.label(i) == 0 ? 1 : Synthetic.INNER_RADIUS, r, 1e-6);
        }
        Dataset noisy = Synthetic.circles(500, 0, 0.05, 3).train();
        double minOuter = Double.MAX_VALUE;
        double maxInner = 0;
        for (int i = 0; i < noisy.size(); i++) {
            double r = Math.hypot(noisy.feature(i, 0), noisy.feature(i, 1));
            if (noisy.label(i) == 0) {
                minOuter = Math.min(minOuter, r);
            } else {
                maxInner = Math.max(maxInner, r);
            }
        }
        assertTrue(maxInner < minOuter, "inner max " + maxInner + " vs outer min " + minOuter);
    }

    @Test
    void noiselessMoonsAreTwoHalfCircles() {
        Dataset d = Synthetic.moons(200, 0, 0, 9).train();
        for (int i = 0; i < d.size(); i++) {
            double px = d.feature(i, 0);
            double py = d.feature(i, 1);
            if (d.label(i) == 0) {
                assertEquals(1, Math.hypot(px, py), 1e-6);      // upper half of the unit circle
                assertTrue(py >= -1e-6);
            } else {
                assertEquals(1, Math.hypot(px - 1, py - 0.5), 1e-6); // lower half circle around (1, 0.5)
                assertTrue(py <= 0.5 + 1e-6);
            }
        }
    }

    @Test
    void xorLabelIsTheSignRule() {
        Dataset d = Synthetic.xor(400, 0, 0, 2).train();
        int[] quadrant = new int[4];
        for (int i = 0; i < d.size(); i++) {
            float px = d.feature(i, 0);
            float py = d.feature(i, 1);
            assertTrue(Math.abs(px) <= 1 && Math.abs(py) <= 1);
            assertEquals(px * py < 0 ? 1 : 0, d.label(i));
            quadrant[(px > 0 ? 0 : 1) + (py > 0 ? 0 : 2)]++;
        }
        for (int q : quadrant) {
            assertTrue(q > 60 && q < 140, Arrays.toString(quadrant)); // each quadrant about 100
        }
    }

    @Test
    void blobsGatherAroundTheirCentres() {
        int classes = 4;
        int dims = 3;
        double noise = 0.2;
        TrainTest t = Synthetic.blobs(2000, 400, classes, dims, noise, 21);
        double[][] c = Synthetic.blobCentres(classes, dims, 21);
        double[][] mean = new double[classes][dims];
        double sq = 0;
        for (int i = 0; i < t.train().size(); i++) {
            int k = t.train().label(i);
            for (int j = 0; j < dims; j++) {
                double v = t.train().feature(i, j);
                mean[k][j] += v / 500;
                sq += (v - c[k][j]) * (v - c[k][j]);
            }
        }
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < dims; j++) {
                assertEquals(c[k][j], mean[k][j], 4 * noise / Math.sqrt(500)); // 4 standard errors
            }
        }
        assertEquals(noise, Math.sqrt(sq / (2000 * dims)), 0.02);
        // With centres this far apart (checked), the nearest centre recovers every test label.
        for (int a = 0; a < classes; a++) {
            for (int b = a + 1; b < classes; b++) {
                assertTrue(dist(c[a], c[b]) > 12 * noise, "centres " + a + ", " + b + " too close for this check");
            }
        }
        for (int i = 0; i < t.test().size(); i++) {
            double[] p = new double[dims];
            t.test().copyFeatures(i, p, 0);
            int best = 0;
            for (int k = 1; k < classes; k++) {
                best = dist(p, c[k]) < dist(p, c[best]) ? k : best;
            }
            assertEquals(t.test().label(i), best);
        }
    }

    private static double dist(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.sqrt(s);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Synthetic.spirals(10, 10, 1, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.moons(-1, 10, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.xor(10, 10, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 10, 2, 0, 0.1, 1));
    }
}
