package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each optimizer trains a small MLP on XOR (the pieces working together), and L1 makes a network sparse. */
class TrainingSmokeTest {
    private static final Tensor X = Tensor.fromRows(DType.F64, new double[] {0, 0}, new double[] {0, 1},
            new double[] {1, 0}, new double[] {1, 1});
    private static final int[] Y = {0, 1, 1, 0};

    private static double train(Sequential net, Optimizer opt, int steps) {
        Loss loss = Loss.crossEntropy(Reduction.MEAN);
        double last = Double.NaN;
        for (int t = 0; t < steps; t++) {
            opt.zeroGrad();
            Variable l = loss.compute(net.forward(Variable.constant(X)), Y, null);
            l.backward();
            opt.step();
            last = l.value().item();
        }
        return last;
    }

    @Test
    void everyOptimizerLearnsXor() {
        java.util.List<Function<Sequential, Optimizer>> makers = java.util.List.of(
                n -> SGD.of(n.parameters(), 0.5, 0.9, true, Regularizer.none()),
                n -> Adam.of(n.parameters(), 0.05, Regularizer.none()),
                n -> AdamW.of(n.parameters(), 0.05, 0.01),
                n -> RMSProp.of(n.parameters(), 0.02, new Regularizer.L2(1e-4)));
        for (Function<Sequential, Optimizer> make : makers) {
            Sequential net = Mlp.of(2, 8, 2).activation(ActivationKind.TANH).dtype(DType.F64).seed(7).build();
            Optimizer opt = make.apply(net);
            double loss = train(net, opt, 300);
            assertTrue(loss < 0.05, opt.getClass().getSimpleName() + " final loss " + loss);
        }
    }

    @Test
    void l1ProximalZeroesUselessWeights() {
        Sequential net = Mlp.of(2, 16, 2).activation(ActivationKind.RELU).dtype(DType.F64).seed(3).build();
        double loss = train(net, SGD.of(net.parameters(), 0.1, 0.9, false, new Regularizer.L1(0.02)), 400);
        Tensor w = ((Linear) net.get(0)).weight().value();
        int zeros = 0;
        for (int i = 0; i < w.size(); i++) {
            zeros += w.getFlat(i) == 0.0 ? 1 : 0;
        }
        assertTrue(zeros > 0, "exact zeros in the first layer after L1 training (loss " + loss + ")");
        assertEquals(16 * 2, w.size());
    }
}
