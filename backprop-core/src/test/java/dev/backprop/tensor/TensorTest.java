package dev.backprop.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void factoriesFillAndShape() {
        assertArrayEquals(new double[6], Tensor.zeros(DType.F32, 2, 3).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.F64, 2).toDoubleArray());
        assertEquals(2.5, Tensor.full(DType.F32, 2.5, 1, 1).item());
        assertEquals(0, Tensor.scalar(DType.F64, 3).rank());
        assertEquals(3.0, Tensor.scalar(DType.F64, 3).item());
        Tensor t = Tensor.fromRows(DType.F64, new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertEquals(Shape.of(2, 3), t.shape());
        assertEquals(6.0, t.get(1, 2));
        assertEquals(2, t.rows());
        assertEquals(3, t.cols());
    }

    @Test
    void wrongLengthsAndIndicesNameTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        Tensor t = Tensor.zeros(DType.F32, 2, 3);
        IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertTrue(oob.getMessage().contains("[2, 3]"), oob.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromRows(DType.F32, new double[2], new double[3]));
    }

    @Test
    void seededRandomIsReproducibleAndHasTheRightMoments() {
        Tensor a = Tensor.randn(DType.F64, 7, 1.0, 2.0, 20000);
        Tensor b = Tensor.randn(DType.F64, 7, 1.0, 2.0, 20000);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        assertNotEquals(a.getFlat(0), Tensor.randn(DType.F64, 8, 1.0, 2.0, 20000).getFlat(0));
        double mean = 0;
        for (double v : a.toDoubleArray()) {
            mean += v / a.size();
        }
        double var = 0;
        for (double v : a.toDoubleArray()) {
            var += (v - mean) * (v - mean) / (a.size() - 1);
        }
        // standard errors: mean 2/sqrt(n) = 0.014, variance 4*sqrt(2/n) = 0.04
        assertEquals(1.0, mean, 0.06);
        assertEquals(4.0, var, 0.2);
        Tensor u = Tensor.rand(DType.F32, 3, -2, 5, 1000);
        for (double v : u.toDoubleArray()) {
            assertTrue(v >= -2 && v < 5);
        }
    }

    @Test
    void reshapeIsAViewAndInfersOneDimension() {
        Tensor t = Tensor.of(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor r = t.reshape(3, -1);
        assertEquals(Shape.of(3, 2), r.shape());
        r.set(9, 2, 1);
        assertEquals(9.0, t.get(1, 2), "shares storage");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, -1));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
    }

    @Test
    void rowSliceSharesStorageWithoutCopying() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2);
        Tensor s = t.rowSlice(1, 3);
        assertEquals(Shape.of(2, 2), s.shape());
        assertArrayEquals(new float[] {2, 3, 4, 5}, s.toFloatArray());
        assertEquals(2, s.offset());
        s.set(-1, 0, 0);
        assertEquals(-1.0, t.get(1, 0));
        assertArrayEquals(new float[] {-1, 3, 4, 5}, s.reshape(4).toFloatArray(), "a reshaped slice keeps its offset");
        assertThrows(IllegalArgumentException.class, () -> t.rowSlice(3, 5));
    }

    @Test
    void transposeOfAMatrixAndOfASlice() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor tt = t.transpose();
        assertEquals(Shape.of(3, 2), tt.shape());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, tt.toDoubleArray());
        Tensor slice = Tensor.of(new float[] {0, 0, 1, 2, 3, 4}, 3, 2).rowSlice(1, 3);
        assertArrayEquals(new float[] {1, 3, 2, 4}, slice.transpose().toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, 2).transpose());
    }

    @Test
    void broadcastShapesFollowNumPyRules() {
        assertEquals(Shape.of(4, 3), Shape.broadcast(Shape.of(4, 3), Shape.of(3)));
        assertEquals(Shape.of(4, 3), Shape.broadcast(Shape.of(), Shape.of(4, 3)));
        assertEquals(Shape.of(2, 4, 3), Shape.broadcast(Shape.of(2, 1, 3), Shape.of(4, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.broadcast(Shape.of(4, 3), Shape.of(4)));
        assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void dtypeConversionAndCopies() {
        Tensor d = Tensor.of(new double[] {0.1, 1e-9, 3}, 3);
        Tensor f = d.to(DType.F32);
        assertEquals(DType.F32, f.dtype());
        assertEquals((float) 0.1, (float) f.getFlat(0));
        Tensor c = f.copy();
        c.setFlat(0, 7);
        assertEquals((float) 0.1, (float) f.getFlat(0), "copy owns its storage");
        Tensor g = Tensor.zeros(DType.F64, 3);
        g.copyFrom(f);
        assertEquals(3.0, g.getFlat(2));
        assertThrows(IllegalArgumentException.class, () -> g.copyFrom(Tensor.zeros(DType.F64, 4)));
        assertThrows(IllegalStateException.class, d::f32);
        assertEquals(DType.F64, DType.parse("F64"));
        assertThrows(IllegalArgumentException.class, () -> DType.parse("f16"));
    }
}
