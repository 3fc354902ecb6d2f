package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.kernel.Elementwise;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GradCheck itself: it passes correct gradients and catches wrong ones, and reports per input. */
class GradCheckTest {
    /** x^3 with a deliberately wrong backward: 2x^2 instead of 3x^2. */
    private static Variable wrongCube(Variable x) {
        Tensor v = x.value();
        return Variable.op("wrongCube", Elementwise.map(v, a -> a * a * a),
                g -> new Tensor[] {Elementwise.zip(g, v, (gi, a) -> gi * 2 * a * a)}, x);
    }

    @Test
    void catchesAWrongBackwardAndNamesTheInput() {
        Tensor a = Tensor.of(new double[] {1.0, -2.0, 0.5}, 3);
        Tensor b = Tensor.of(new double[] {0.3, 0.7, -1.1}, 3);
        GradCheck.Report r = GradCheck.check(v -> Ops.sum(Ops.add(wrongCube(v.get(0)), Ops.mul(v.get(1), v.get(1)))),
                List.of(a, b));
        assertEquals(2, r.inputs().size());
        assertTrue(r.perInput()[0] > 0.3, "wrong gradient must be caught: " + r);
        assertTrue(r.perInput()[1] < 1e-8, "the correct input passes: " + r);
        assertEquals(r.perInput()[0], r.maxRelError());
    }

    @Test
    void correctGradientsOfNonScalarOutputsPass() {
        Tensor a = Tensor.randn(DType.F64, 3, 0, 1, 2, 3);
        GradCheck.Report r = GradCheck.check(v -> Ops.pow(v.get(0), 3), List.of(a));
        assertTrue(r.maxRelError() < 1e-6, r.toString());
    }

    @Test
    void inputsAreNotModified() {
        Tensor a = Tensor.of(new double[] {1.0, 2.0}, 2);
        GradCheck.check(v -> Ops.sum(Ops.exp(v.get(0))), List.of(a));
        assertEquals(1.0, a.getFlat(0));
        assertEquals(2.0, a.getFlat(1));
    }

    @Test
    void rejectsF32Inputs() {
        assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(v -> Ops.sum(v.get(0)), List.of(Tensor.zeros(DType.F32, 2))));
    }
}
