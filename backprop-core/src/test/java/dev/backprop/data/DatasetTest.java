package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** n samples, 2 features: sample i is (i, 10 i), label i mod 3. */
    static Dataset counting(int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i % 3;
        }
        return Dataset.classification(x, 2, y, 3);
    }

    @Test
    void u8FeaturesReadAsBytesOver255() {
        byte[] px = {0, (byte) 255, (byte) 128, 1};
        Dataset d = Dataset.classificationU8(px, 2, new int[] {0, 1}, 2);
        assertTrue(d.isU8());
        assertEquals(0f, d.feature(0, 0));
        assertEquals(1f, d.feature(0, 1));
        assertEquals(128 / 255f, d.feature(1, 0));
        assertEquals(1 / 255f, d.feature(1, 1));
        Tensor t = d.features(DType.F64);
        assertEquals(List.of(2, 2), List.of(t.dim(0), t.dim(1)));
        assertEquals(128 / 255f, t.get(1, 0), 0);
    }

    @Test
    void rejectsLabelsOutsideTheClassRangeAndRaggedFeatures() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(new float[4], 2, new int[] {0, 3}, 3));
        assertTrue(e.getMessage().contains("label 3 of sample 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.classification(new float[5], 2, new int[2], 3));
        assertThrows(IllegalArgumentException.class, () -> Dataset.regression(new float[4], 2, new float[3], 2));
    }

    @Test
    void regressionSetKeepsTargets() {
        Dataset d = Dataset.regression(new float[] {1, 2, 3, 4}, 2, new float[] {5, 6}, 1);
        assertFalse(d.isClassification());
        assertEquals(2, d.size());
        assertEquals(6f, d.target(1, 0));
        assertEquals(0, d.classCount());
        assertThrows(IllegalStateException.class, () -> d.label(0));
        Dataset s = d.select(new int[] {1});
        assertEquals(6f, s.target(0, 0));
        assertEquals(3f, s.feature(0, 0));
    }

    @Test
    void splitPartitionsTheSamplesReproducibly() {
        Dataset d = counting(100);
        TrainTest a = d.split(0.2, 7);
        assertEquals(80, a.train().size());
        assertEquals(20, a.test().size());
        Set<Float> seen = new HashSet<>();
        for (Dataset part : List.of(a.train(), a.test())) {
            for (int i = 0; i < part.size(); i++) {
                float v = part.feature(i, 0);
                assertTrue(seen.add(v), "sample " + v + " in both parts");
                assertEquals(10 * v, part.feature(i, 1)); // rows stay whole
                assertEquals((int) v % 3, part.label(i));   // labels follow their rows
            }
        }
        assertEquals(100, seen.size());
        TrainTest b = d.split(0.2, 7);
        assertArrayEquals(a.test().features(DType.F32).f32(), b.test().features(DType.F32).f32());
        TrainTest c = d.split(0.2, 8);
        assertFalse(java.util.Arrays.equals(a.test().features(DType.F32).f32(), c.test().features(DType.F32).f32()));
        assertThrows(IllegalArgumentException.class, () -> d.split(1.5, 1));
    }

    @Test
    void subsetTakesTheFirstSamplesAndKeepsClassNames() {
        Dataset d = counting(10).withClassNames(List.of("a", "b", "c"));
        Dataset s = d.subset(4);
        assertEquals(4, s.size());
        assertEquals(3f, s.feature(3, 0));
        assertEquals(List.of("a", "b", "c"), s.classNames());
        assertEquals(10, d.subset(50).size());
        assertArrayEquals(new int[] {2, 1, 1}, s.classCounts());
    }

    @Test
    void splitOfU8SetStaysCompact() {
        byte[] px = new byte[30];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            px[3 * i] = (byte) i;
            y[i] = i % 2;
        }
        TrainTest t = Dataset.classificationU8(px, 3, y, 2).split(0.5, 1);
        assertTrue(t.train().isU8());
        assertTrue(t.test().isU8());
    }

    @Test
    void defaultClassNamesAreIndices() {
        assertEquals(List.of("0", "1", "2"), counting(3).classNames());
        assertThrows(IllegalArgumentException.class, () -> counting(3).withClassNames(List.of("x")));
    }
}
