package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.kernel.Elementwise.Binary;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The element-wise and reduction kernels against plain index arithmetic written out in the test (a multi-index
 * walk of the broadcast output), and against hand-computed values.
 */
class ElementwiseReductionsTest {
    /** Multi-index of flat position {@code i} in {@code s}. */
    private static int[] unflatten(int i, Shape s) {
        int[] idx = new int[s.rank()];
        for (int d = s.rank() - 1; d >= 0; d--) {
            idx[d] = i % s.dim(d);
            i /= s.dim(d);
        }
        return idx;
    }

    /** Element of {@code t} seen through broadcasting at the output multi-index {@code out}. */
    private static double broadcastGet(Tensor t, int[] out) {
        int lead = out.length - t.rank();
        int flat = 0;
        for (int d = 0; d < t.rank(); d++) {
            int n = t.dim(d);
            flat = flat * n + (n == 1 ? 0 : out[d + lead]);
        }
        return t.getFlat(flat);
    }

    @Property(tries = 100)
    void broadcastBinaryMatchesIndexArithmetic(@ForAll @Size(min = 0, max = 4) List<@IntRange(min = 1, max = 3) Integer> dims,
                                               @ForAll long seed, @ForAll boolean f32) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int[] a = operand(dims, rng);
        int[] b = operand(dims, rng);
        DType dt = f32 ? DType.F32 : DType.F64;
        Tensor ta = Tensor.randn(dt, seed, 0, 1, a);
        Tensor tb = Tensor.rand(dt, seed + 1, 0.5, 2, b);
        for (Binary op : Binary.values()) {
            Tensor c = Elementwise.binary(op, ta, tb, "test");
            assertEquals(Shape.broadcast(ta.shape(), tb.shape()), c.shape());
            for (int i = 0; i < c.size(); i++) {
                int[] idx = unflatten(i, c.shape());
                double x = broadcastGet(ta, idx);
                double y = broadcastGet(tb, idx);
                double expected = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> x / y;
                };
                assertEquals(expected, c.getFlat(i), f32 ? 1e-6 * Math.max(1, Math.abs(expected)) : 1e-15, op + " at " + i);
            }
            Tensor g = Tensor.randn(dt, seed + 2, 0, 1, c.shape().dims());
            Tensor reduced = Reductions.sumToShape(g, ta.shape());
            Tensor expected = Tensor.zeros(dt, ta.shape());
            for (int i = 0; i < g.size(); i++) { // each output element goes back to the operand element it read
                int[] idx = unflatten(i, g.shape());
                int lead = idx.length - ta.rank();
                int flat = 0;
                for (int d = 0; d < ta.rank(); d++) {
                    flat = flat * ta.dim(d) + (ta.dim(d) == 1 ? 0 : idx[d + lead]);
                }
                expected.setFlat(flat, expected.getFlat(flat) + g.getFlat(i));
            }
            assertTrue(expected.allClose(reduced, 1e-5), "sumToShape " + reduced + " vs " + expected);
        }
    }

    private static int[] operand(List<Integer> dims, java.util.SplittableRandom rng) {
        int drop = rng.nextInt(dims.size() + 1);
        int[] out = new int[dims.size() - drop];
        for (int i = 0; i < out.length; i++) {
            out[i] = rng.nextInt(3) == 0 ? 1 : dims.get(i + drop);
        }
        return out;
    }

    @Test
    void incompatibleShapesNameOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Elementwise.binary(Binary.ADD, Tensor.zeros(DType.F32, 2, 3), Tensor.zeros(DType.F32, 2), "add"));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2]"));
    }

    @Test
    void axisReductionsByHand() {
        Tensor t = Tensor.of(new double[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertArrayEquals(new double[] {5, 7, 9}, Reductions.sum(t, 0, false).toDoubleArray());
        assertArrayEquals(new double[] {9, 12}, Reductions.sum(t, -1, false).toDoubleArray());
        assertEquals(Shape.of(2, 1), Reductions.mean(t, 1, true).shape());
        assertArrayEquals(new double[] {3, 4}, Reductions.mean(t, 1, true).toDoubleArray());
        Reductions.MaxResult m = Reductions.max(t, 1, false);
        assertArrayEquals(new double[] {5, 6}, m.values().toDoubleArray());
        assertArrayEquals(new int[] {1, 2}, m.indices());
        assertArrayEquals(new int[] {1, 0, 1}, Reductions.argmax(t, 0));
        assertArrayEquals(new int[] {0, 0}, Reductions.argmax(Tensor.of(new float[] {2, 2, 1, 7, 7, 7}, 2, 3), 1),
                "ties go to the first index");
        assertEquals(21.0, Reductions.sum(t));
        assertEquals(3.5, Reductions.mean(t));
        assertArrayEquals(new double[] {5, 7, 9}, Reductions.columnSums(t).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> Reductions.sum(t, 2, false));
    }

    @Test
    void softmaxRowsByHand() {
        Tensor x = Tensor.of(new double[] {0, Math.log(3), 1000, 1000}, 2, 2);
        assertArrayEquals(new double[] {0.25, 0.75, 0.5, 0.5}, Reductions.softmaxLastAxis(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)},
                Reductions.logSoftmaxLastAxis(x).toDoubleArray(), 1e-15);
    }

    @Test
    void sigmoidIsStableAndAccurate() {
        assertEquals(0.0, Elementwise.sigmoid(-1000));
        assertEquals(1.0, Elementwise.sigmoid(1000));
        assertEquals(Math.exp(-50), Elementwise.sigmoid(-50), 1e-35);
        assertEquals(0.5, Elementwise.sigmoid(0));
    }
}
