package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.GradCheck;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The layers' gradients (input and parameters) against central differences, in F64. */
class GradCheckTest {
    private static final double TOL = 1e-6;

    private static Tensor input(int n, int f, long seed) {
        return Tensor.randn(DType.F64, seed, 0, 1, n, f);
    }

    @Test
    void linearWithAndWithoutBias() {
        Linear l = new Linear(4, 3, DType.F64).reset(new dev.backprop.nn.init.Initializer.Normal(0, 1),
                new dev.backprop.nn.init.Initializer.Normal(0, 1), new SplittableRandom(1));
        FiniteDifferences.check(l, input(5, 4, 2), TOL);
        Linear noBias = Linear.withoutBias(4, 2, DType.F64).resetParameters(ActivationKind.RELU, new SplittableRandom(3));
        FiniteDifferences.check(noBias, input(3, 4, 4), TOL);
    }

    @Test
    void preluSharedAndPerFeature() {
        PReLU shared = new PReLU(1, 0.25, DType.F64);
        FiniteDifferences.check(shared, input(6, 4, 5), TOL);
        PReLU perFeature = new PReLU(4, 0.1, DType.F64);
        perFeature.alpha().value().setFlat(2, -0.3);
        FiniteDifferences.check(perFeature, input(6, 4, 6), TOL);
    }

    @Test
    void batchNormTrainingAndEval() {
        BatchNorm1d bn = new BatchNorm1d(3, DType.F64);
        bn.weight().value().copyFrom(Tensor.of(new double[] {1.5, -0.5, 2.0}, 3));
        bn.bias().value().copyFrom(Tensor.of(new double[] {0.1, 0.2, -0.3}, 3));
        FiniteDifferences.check(bn, input(5, 3, 7), TOL);
        bn.eval();
        FiniteDifferences.check(bn, input(5, 3, 8), TOL);
    }

    @Test
    void smallSequential() {
        Sequential net = Sequential.fromSpecs(java.util.List.of(
                new LayerSpec.Linear(4, 5, true), new LayerSpec.Activation(ActivationKind.TANH, 0),
                new LayerSpec.Linear(5, 4, false), new LayerSpec.BatchNorm1d(4, 1e-5, 0.1), new LayerSpec.PReLU(4),
                new LayerSpec.Linear(4, 2, true), new LayerSpec.Activation(ActivationKind.SIGMOID, 0)), DType.F64, 12);
        FiniteDifferences.check(net, input(6, 4, 9), TOL);
    }

    @Test
    void inputGradientsAgreeWithAutogradGradCheck() {
        BatchNorm1d bn = new BatchNorm1d(3, DType.F64);
        bn.weight().value().copyFrom(Tensor.of(new double[] {0.7, -1.2, 2.0}, 3));
        Sequential net = Sequential.fromSpecs(java.util.List.of(new LayerSpec.Linear(3, 4, true), new LayerSpec.PReLU(4),
                new LayerSpec.Linear(4, 3, true), new LayerSpec.Activation(ActivationKind.GELU, 0)), DType.F64, 21);
        for (Module m : java.util.List.of(bn, net, new PReLU(DType.F64))) {
            GradCheck.Report r = GradCheck.check(v -> m.forward(v.get(0)), input(5, 3, 13));
            assertTrue(r.maxRelError() < 1e-6, m.describe() + ": " + r);
        }
    }
}
