package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The kernels without the Vector API (run by the build in a JVM without {@code --add-modules jdk.incubator.vector},
 * and in the normal one, where it checks the same closed forms on the vector path).
 */
class NoVectorModuleTest {
    @Test
    void kernelsGiveTheirClosedForms() {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3.5f;
        }
        Tensor t = Tensor.of(x, 10, 100);
        float[] y = Ops.relu(Variable.constant(t)).value().toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.max(x[i], 0f), y[i], 0f);
        }
        assertTrue(Tensors.allFinite(t));
        x[777] = Float.NaN;
        assertFalse(Tensors.allFinite(Tensor.of(x, 10, 100)));
        // a GEMM against the plain reference
        Tensor a = Tensor.randn(DType.F32, 1, 0, 1, 33, 65);
        Tensor b = Tensor.randn(DType.F32, 2, 0, 1, 65, 17);
        Tensor c = Gemm.matmul(a, b, false, false);
        Tensor ref = Gemm.matmul(a.to(DType.F64), b.to(DType.F64), false, false);
        assertArrayEquals(ref.toFloatArray(), c.toFloatArray(), 1e-4f);
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), Gemm.VECTORIZED);
        if (Boolean.getBoolean("backprop.test.withoutVectorModule")) { // the build's second run: really without it
            assertFalse(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
            assertFalse(Gemm.VECTORIZED);
        }
    }

    @Test
    void diagnosedTrainingRunsToo() {
        // the diagnostics' statistics (norms, saturation, dead units) on the same path as the kernels
        dev.backprop.data.TrainTest data = dev.backprop.data.Synthetic.spirals(200, 100, 0.05, 3);
        dev.backprop.nn.Sequential net = dev.backprop.nn.Mlp.of(2, 16, 2).seed(1).build();
        dev.backprop.diagnose.GradientDiagnostics d = new dev.backprop.diagnose.GradientDiagnostics(2);
        dev.backprop.train.TrainingResult r = dev.backprop.train.Trainer.builder(net,
                        dev.backprop.nn.loss.Loss.crossEntropy(), dev.backprop.optim.OptimizerSpec.Sgd.lr(0.1),
                        dev.backprop.data.DataLoader.shuffled(data.train(), 32, 1))
                .epochs(3).listener(d).build().fit();
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss());
        assertTrue(d.steps().getLast().gradNorm() > 0);
    }
}
