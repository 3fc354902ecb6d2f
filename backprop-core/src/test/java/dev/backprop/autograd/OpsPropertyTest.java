package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random compositions of smooth operations on random shapes pass a gradient check (F64, relative error below
 * 1e-6). Ops with kinks (relu, abs, clamp, max) are left out: a finite difference straddling a kink is not a
 * derivative.
 */
class OpsPropertyTest {
    private static final int STEPS = 18;

    /** One step of the composition, applied to y [rows, cols]; b [cols], w [cols, cols], s [] are parameters. */
    private static Variable step(int op, Variable y, Variable b, Variable w, Variable s, int rows, int cols) {
        return switch (op) {
            case 0 -> Ops.tanh(y);
            case 1 -> Ops.sigmoid(y);
            case 2 -> Ops.add(y, b);
            case 3 -> Ops.mul(y, b);
            case 4 -> Ops.sub(b, y);
            case 5 -> Ops.div(y, Ops.addScalar(Ops.exp(b), 0.5));
            case 6 -> Ops.matmul(y, w);
            case 7 -> Ops.softmax(y);
            case 8 -> Ops.logSoftmax(y);
            case 9 -> Ops.gelu(y);
            case 10 -> Ops.silu(y);
            case 11 -> Ops.reshape(Ops.transpose(Ops.transpose(Ops.reshape(Ops.reshape(y, -1), rows, cols))), rows,
                    cols);
            case 12 -> Ops.mul(y, Ops.tanh(y));
            case 13 -> Ops.add(y, Ops.mean(y, 0, true));
            case 14 -> Ops.sub(y, Ops.sum(y, -1, true));
            case 15 -> Ops.exp(Ops.scale(Ops.tanh(y), 0.5));
            case 16 -> Ops.sqrt(Ops.addScalar(Ops.mul(y, y), 1.0));
            case 17 -> Ops.linear(y, w, b);
            default -> Ops.add(Ops.mul(y, s), Ops.neg(s));
        };
    }

    @Property(tries = 100)
    void randomCompositionsPassGradCheck(@ForAll @IntRange(min = 1, max = 4) int rows,
                                         @ForAll @IntRange(min = 1, max = 4) int cols,
                                         @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = STEPS) Integer> ops,
                                         @ForAll @IntRange(min = 0, max = 4) int lossKind,
                                         @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = rng.nextInt(cols);
        }
        Tensor target = Tensor.randn(DType.F64, seed + 7, 0, 1, rows, cols);
        Tensor probs = Tensor.rand(DType.F64, seed + 8, 0, 1, rows, cols);
        List<Tensor> inputs = List.of(
                Tensor.randn(DType.F64, seed, 0, 1, rows, cols),
                Tensor.randn(DType.F64, seed + 1, 0, 1, cols),
                Tensor.randn(DType.F64, seed + 2, 0, 0.5, cols, cols),
                Tensor.randn(DType.F64, seed + 3, 0, 1));
        GradCheck.Report r = GradCheck.check(v -> {
            Variable y = v.get(0);
            for (int op : ops) {
                y = step(op, y, v.get(1), v.get(2), v.get(3), rows, cols);
            }
            return switch (lossKind) {
                case 0 -> Ops.mean(y);
                case 1 -> Ops.sum(y);
                case 2 -> Ops.mse(y, target, Reduction.MEAN);
                case 3 -> Ops.softmaxCrossEntropy(y, labels, Reduction.MEAN);
                default -> Ops.bceWithLogits(y, probs, Reduction.SUM);
            };
        }, inputs);
        assertTrue(r.maxRelError() < 1e-6, "ops " + ops + " loss " + lossKind + " shape [" + rows + ", " + cols
                + "]: " + r);
    }

    @Property(tries = 100)
    void broadcastingArithmeticPassesGradCheck(@ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 3) Integer> dims,
                                               @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] a = operandShape(dims, rng);
        int[] b = operandShape(dims, rng);
        List<Tensor> inputs = List.of(Tensor.randn(DType.F64, seed, 0, 1, a),
                Tensor.rand(DType.F64, seed + 1, 0.5, 2, b));
        GradCheck.Report r = GradCheck.check(v -> {
            Variable x = v.get(0);
            Variable y = v.get(1);
            return Ops.add(Ops.mul(Ops.sub(x, y), Ops.div(x, y)), Ops.div(y, Ops.addScalar(Ops.mul(x, x), 1)));
        }, inputs);
        assertTrue(r.maxRelError() < 1e-6, java.util.Arrays.toString(a) + " and " + java.util.Arrays.toString(b)
                + ": " + r);
    }

    /** A shape that broadcasts to {@code dims}: some leading dimensions dropped, some others set to 1. */
    private static int[] operandShape(List<Integer> dims, SplittableRandom rng) {
        int drop = rng.nextInt(dims.size() + 1);
        List<Integer> out = new ArrayList<>();
        for (int i = drop; i < dims.size(); i++) {
            out.add(rng.nextInt(3) == 0 ? 1 : dims.get(i));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
