package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every operation of {@link Ops}, checked against central finite differences in F64 (relative error below 1e-6). */
class OpsGradCheckTest {
    private static final double TOL = 1e-6;

    private static Tensor randn(long seed, int... dims) {
        return Tensor.randn(DType.F64, seed, 0.0, 1.0, dims);
    }

    private static Tensor positive(long seed, int... dims) {
        return Tensor.rand(DType.F64, seed, 0.5, 2.0, dims);
    }

    /** Random values kept at least {@code gap} away from {@code kink}, where the op has no derivative. */
    private static Tensor awayFrom(double kink, double gap, long seed, int... dims) {
        Tensor t = randn(seed, dims);
        for (int i = 0; i < t.size(); i++) {
            double d = t.getFlat(i) - kink;
            t.setFlat(i, kink + Math.copySign(Math.abs(d) + gap, d));
        }
        return t;
    }

    private static void check(String what, Function<List<Variable>, Variable> f, Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(f, List.of(inputs));
        assertTrue(r.maxRelError() < TOL, what + ": " + r);
    }

    private static Function<List<Variable>, Variable> unary(Function<Variable, Variable> op) {
        return v -> op.apply(v.get(0));
    }

    @Test
    void addSubMulDivSameShape() {
        check("add", v -> Ops.add(v.get(0), v.get(1)), randn(1, 3, 4), randn(2, 3, 4));
        check("sub", v -> Ops.sub(v.get(0), v.get(1)), randn(1, 3, 4), randn(2, 3, 4));
        check("mul", v -> Ops.mul(v.get(0), v.get(1)), randn(1, 3, 4), randn(2, 3, 4));
        check("div", v -> Ops.div(v.get(0), v.get(1)), randn(1, 3, 4), positive(2, 3, 4));
    }

    @Test
    void binaryOpsBroadcast() {
        int[][][] shapes = {
            {{3, 4}, {4}}, {{4}, {3, 4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{}, {3, 4}}, {{3, 4}, {1}},
            {{2, 1, 4}, {2, 3, 1}}};
        for (int[][] s : shapes) {
            String tag = java.util.Arrays.deepToString(s);
            check("add " + tag, v -> Ops.add(v.get(0), v.get(1)), randn(3, s[0]), randn(4, s[1]));
            check("sub " + tag, v -> Ops.sub(v.get(0), v.get(1)), randn(3, s[0]), randn(4, s[1]));
            check("mul " + tag, v -> Ops.mul(v.get(0), v.get(1)), randn(3, s[0]), randn(4, s[1]));
            check("div " + tag, v -> Ops.div(v.get(0), v.get(1)), randn(3, s[0]), positive(4, s[1]));
        }
    }

    @Test
    void scalarArithmetic() {
        check("neg", unary(Ops::neg), randn(5, 2, 3));
        check("scale", unary(a -> Ops.scale(a, -2.5)), randn(5, 2, 3));
        check("addScalar", unary(a -> Ops.addScalar(a, 3.0)), randn(5, 2, 3));
    }

    @Test
    void matmulAndLinear() {
        check("matmul", v -> Ops.matmul(v.get(0), v.get(1)), randn(6, 3, 4), randn(7, 4, 5));
        check("linear", v -> Ops.linear(v.get(0), v.get(1), v.get(2)), randn(8, 5, 4), randn(9, 3, 4), randn(10, 3));
        check("linear without bias", v -> Ops.linear(v.get(0), v.get(1), null), randn(8, 5, 4), randn(9, 3, 4));
    }

    @Test
    void reductions() {
        check("sum", unary(Ops::sum), randn(11, 3, 4));
        check("mean", unary(Ops::mean), randn(11, 3, 4));
        for (int axis = -3; axis < 3; axis++) {
            int ax = axis;
            check("sum axis " + ax, unary(a -> Ops.sum(a, ax, false)), randn(12, 2, 3, 4));
            check("sum axis keepDim " + ax, unary(a -> Ops.sum(a, ax, true)), randn(12, 2, 3, 4));
            check("mean axis " + ax, unary(a -> Ops.mean(a, ax, false)), randn(13, 2, 3, 4));
            check("max axis " + ax, unary(a -> Ops.max(a, ax, false)), randn(14, 2, 3, 4));
            check("max axis keepDim " + ax, unary(a -> Ops.max(a, ax, true)), randn(14, 2, 3, 4));
        }
    }

    @Test
    void elementwiseMath() {
        check("exp", unary(Ops::exp), randn(15, 3, 4));
        check("log", unary(Ops::log), positive(16, 3, 4));
        check("pow 2.5", unary(a -> Ops.pow(a, 2.5)), positive(17, 3, 4));
        check("pow 3", unary(a -> Ops.pow(a, 3)), randn(17, 3, 4));
        check("pow -1", unary(a -> Ops.pow(a, -1)), positive(17, 3, 4));
        check("sqrt", unary(Ops::sqrt), positive(18, 3, 4));
        check("abs", unary(Ops::abs), awayFrom(0, 0.05, 19, 3, 4));
        Tensor x = randn(20, 4, 5);
        for (int i = 0; i < x.size(); i++) { // keep away from the clamp's corners at -0.5 and 0.7
            double v = x.getFlat(i);
            if (Math.abs(v + 0.5) < 0.05 || Math.abs(v - 0.7) < 0.05) {
                x.setFlat(i, v + 0.11);
            }
        }
        check("clamp", unary(a -> Ops.clamp(a, -0.5, 0.7)), x);
    }

    @Test
    void shapeOps() {
        check("reshape", unary(a -> Ops.reshape(a, 4, -1)), randn(21, 2, 3, 2));
        check("transpose", unary(Ops::transpose), randn(22, 3, 5));
    }

    @Test
    void activations() {
        check("sigmoid", unary(Ops::sigmoid), randn(23, 3, 4));
        check("tanh", unary(Ops::tanh), randn(24, 3, 4));
        check("relu", unary(Ops::relu), awayFrom(0, 0.05, 25, 3, 4));
        check("leakyRelu", unary(a -> Ops.leakyRelu(a, 0.1)), awayFrom(0, 0.05, 26, 3, 4));
        check("elu", unary(a -> Ops.elu(a, 1.3)), awayFrom(0, 0.05, 27, 3, 4));
        check("gelu", unary(Ops::gelu), randn(28, 3, 4));
        check("gelu tails", unary(Ops::gelu), Tensor.of(new double[] {-8, -5, -3.2, -2.6, 2.6, 3.2, 5, 8}, 8));
        check("silu", unary(Ops::silu), randn(29, 3, 4));
    }

    @Test
    void prelu() {
        check("prelu shared", v -> Ops.prelu(v.get(0), v.get(1)), awayFrom(0, 0.05, 30, 4, 3),
                Tensor.of(new double[] {0.25}, 1));
        check("prelu per channel", v -> Ops.prelu(v.get(0), v.get(1)), awayFrom(0, 0.05, 31, 4, 3),
                Tensor.of(new double[] {0.25, -0.1, 0.6}, 3));
        check("prelu per channel rank 3", v -> Ops.prelu(v.get(0), v.get(1)), awayFrom(0, 0.05, 32, 2, 3, 4),
                Tensor.of(new double[] {0.25, -0.1, 0.6}, 3));
    }

    @Test
    void softmaxFamily() {
        check("softmax", unary(Ops::softmax), randn(33, 3, 5));
        check("softmax rank 3", unary(Ops::softmax), randn(34, 2, 3, 4));
        check("logSoftmax", unary(Ops::logSoftmax), randn(35, 3, 5));
        check("logSoftmax rank 1", unary(Ops::logSoftmax), randn(36, 6));
    }

    @Test
    void losses() {
        int[] labels = {0, 2, 1, 4};
        for (Reduction r : Reduction.values()) {
            check("softmaxCrossEntropy " + r, unary(a -> Ops.softmaxCrossEntropy(a, labels, r)), randn(37, 4, 5));
            Tensor target = randn(38, 3, 4);
            check("mse " + r, unary(a -> Ops.mse(a, target, r)), randn(39, 3, 4));
            Tensor t01 = Tensor.rand(DType.F64, 40, 0, 1, 3, 4);
            check("bceWithLogits " + r, unary(a -> Ops.bceWithLogits(a, t01, r)), randn(41, 3, 4));
        }
    }

    @Test
    void batchNormWithBatchAndWithFixedStatistics() {
        // batch statistics: dx carries the terms through the mean and variance, which depend on x
        check("batch_norm (batch statistics)", v -> Ops.batchNorm(v.get(0), v.get(1), v.get(2), 1e-5,
                new double[4], new double[4]), randn(5, 6, 4), randn(6, 4), randn(7, 4));
        Tensor mean = randn(8, 4);
        Tensor var = positive(9, 4);
        check("batch_norm (fixed statistics)", v -> Ops.batchNorm(v.get(0), v.get(1), v.get(2), mean, var, 1e-5),
                randn(5, 6, 4), randn(6, 4), randn(7, 4));
    }

    @Test
    void dropoutMask() {
        Tensor mask = Tensor.of(new double[] {0, 2, 2, 0, 2, 2}, 2, 3);
        check("dropout", unary(x -> Ops.dropout(x, mask)), randn(10, 2, 3));
    }
}
