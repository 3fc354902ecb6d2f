package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every op computed in F32 agrees with the same op in F64, in value and gradient, to about 1e-5. */
class OpsPrecisionTest {
    private static final double TOL = 2e-5;

    private record Run(Tensor value, List<Tensor> grads) {
    }

    private static Run run(Function<List<Variable>, Variable> f, List<Tensor> inputs, DType dtype) {
        List<Variable> params = new ArrayList<>();
        for (Tensor t : inputs) {
            params.add(Variable.param(t.to(dtype).copy()));
        }
        Variable out = f.apply(params);
        assertEquals(dtype, out.value().dtype(), "output dtype");
        Tensor w = Tensor.rand(DType.F64, 99, 0.5, 1.5, out.shape().dims()).to(dtype);
        Ops.sum(Ops.mul(out, Variable.constant(w))).backward();
        List<Tensor> grads = new ArrayList<>();
        for (Variable p : params) {
            assertEquals(dtype, p.grad().dtype(), "gradient dtype");
            grads.add(p.grad());
        }
        return new Run(out.value(), grads);
    }

    private static void assertAgree(String name, Tensor f64, Tensor f32) {
        assertEquals(f64.shape(), f32.shape(), name);
        for (int i = 0; i < f64.size(); i++) {
            double a = f64.getFlat(i);
            double b = f32.getFlat(i);
            assertTrue(Math.abs(a - b) <= TOL * Math.max(1, Math.abs(a)), name + " element " + i + ": F64 " + a
                    + ", F32 " + b);
        }
    }

    private static void agree(String name, Function<List<Variable>, Variable> f, Tensor... inputs) {
        Run d = run(f, List.of(inputs), DType.F64);
        Run s = run(f, List.of(inputs), DType.F32);
        assertAgree(name + " value", d.value(), s.value());
        for (int i = 0; i < inputs.length; i++) {
            assertAgree(name + " gradient " + i, d.grads().get(i), s.grads().get(i));
        }
    }

    private static Function<List<Variable>, Variable> unary(Function<Variable, Variable> op) {
        return v -> op.apply(v.get(0));
    }

    private static Tensor randn(long seed, int... dims) {
        return Tensor.randn(DType.F64, seed, 0, 1, dims);
    }

    private static Tensor positive(long seed, int... dims) {
        return Tensor.rand(DType.F64, seed, 0.5, 2, dims);
    }

    @Test
    void arithmeticAndProducts() {
        agree("add", v -> Ops.add(v.get(0), v.get(1)), randn(1, 4, 5), randn(2, 5));
        agree("sub", v -> Ops.sub(v.get(0), v.get(1)), randn(1, 4, 1), randn(2, 1, 5));
        agree("mul", v -> Ops.mul(v.get(0), v.get(1)), randn(1, 4, 5), randn(2));
        agree("div", v -> Ops.div(v.get(0), v.get(1)), randn(1, 4, 5), positive(2, 4, 5));
        agree("neg", unary(Ops::neg), randn(3, 4));
        agree("scale", unary(a -> Ops.scale(a, 0.3)), randn(3, 4));
        agree("addScalar", unary(a -> Ops.addScalar(a, 0.3)), randn(3, 4));
        agree("matmul", v -> Ops.matmul(v.get(0), v.get(1)), randn(4, 6, 7), randn(5, 7, 3));
        agree("linear", v -> Ops.linear(v.get(0), v.get(1), v.get(2)), randn(4, 6, 7), randn(5, 3, 7), randn(6, 3));
    }

    @Test
    void reductionsAndShapes() {
        agree("sum", unary(Ops::sum), randn(7, 3, 4));
        agree("mean", unary(Ops::mean), randn(7, 3, 4));
        agree("sum axis", unary(a -> Ops.sum(a, 1, false)), randn(7, 3, 4, 2));
        agree("mean axis", unary(a -> Ops.mean(a, 0, true)), randn(7, 3, 4, 2));
        agree("max axis", unary(a -> Ops.max(a, -1, false)), randn(7, 3, 4, 2));
        agree("reshape", unary(a -> Ops.reshape(a, 2, 6)), randn(8, 3, 4));
        agree("transpose", unary(Ops::transpose), randn(8, 3, 4));
    }

    @Test
    void elementwise() {
        agree("exp", unary(Ops::exp), randn(9, 3, 4));
        agree("log", unary(Ops::log), positive(9, 3, 4));
        agree("pow", unary(a -> Ops.pow(a, 1.7)), positive(9, 3, 4));
        agree("sqrt", unary(Ops::sqrt), positive(9, 3, 4));
        agree("abs", unary(Ops::abs), randn(9, 3, 4));
        agree("clamp", unary(a -> Ops.clamp(a, -0.5, 0.5)), randn(9, 3, 4));
        agree("sigmoid", unary(Ops::sigmoid), randn(10, 3, 4));
        agree("tanh", unary(Ops::tanh), randn(10, 3, 4));
        agree("relu", unary(Ops::relu), randn(10, 3, 4));
        agree("leakyRelu", unary(a -> Ops.leakyRelu(a, 0.01)), randn(10, 3, 4));
        agree("prelu", v -> Ops.prelu(v.get(0), v.get(1)), randn(10, 3, 4), positive(11, 4));
        agree("elu", unary(a -> Ops.elu(a, 1.0)), randn(10, 3, 4));
        agree("gelu", unary(Ops::gelu), randn(10, 3, 4));
        agree("silu", unary(Ops::silu), randn(10, 3, 4));
        agree("softmax", unary(Ops::softmax), randn(12, 3, 4));
        agree("logSoftmax", unary(Ops::logSoftmax), randn(12, 3, 4));
    }

    @Test
    void losses() {
        for (Reduction r : Reduction.values()) {
            agree("softmaxCrossEntropy " + r, unary(a -> Ops.softmaxCrossEntropy(a, new int[] {1, 0, 3}, r)),
                    randn(13, 3, 4));
            Tensor t = randn(14, 3, 4);
            agree("mse " + r, unary(a -> Ops.mse(a, t, r)), randn(15, 3, 4));
            Tensor p = Tensor.rand(DType.F64, 16, 0, 1, 3, 4);
            agree("bceWithLogits " + r, unary(a -> Ops.bceWithLogits(a, p, r)), randn(17, 3, 4));
        }
    }
}
