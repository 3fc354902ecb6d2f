package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-place F32 SGD update gives exactly what its equations give in double precision with one rounding of each
 * weight to float per step (the reference below is written out from the SGD equations, not taken from the code).
 */
class SgdF32PathTest {
    private static final int N = 37; // not a multiple of any vector width

    private static float grad(int t, int i) {
        return (float) Math.sin(1.3 * t + 0.7 * i);
    }

    /** w_t+1 = fl(w - η·d) with g' = g + 2λw, b = μ·b + (1−τ)·g' (b = g' at first), d = g' + μ·b | b | g'. */
    private static float[] reference(float[] w0, int steps, double lr, double mu, double damp, boolean nesterov,
                                     double lambda) {
        int n = w0.length;
        float[] w = w0.clone();
        double[] b = new double[n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                double g = (double) grad(t, i) + 2 * lambda * w[i];
                b[i] = t == 0 ? g : b[i] * mu + (1 - damp) * g;
                double d = mu == 0 ? g : nesterov ? g + mu * b[i] : b[i];
                w[i] = (float) (w[i] - lr * d);
            }
        }
        return w;
    }

    private static float[] run(float[] w0, int steps, double lr, double mu, double damp, boolean nesterov,
                               double lambda) {
        int n = w0.length;
        Parameter p = Parameter.of("0.weight", Role.WEIGHT, Tensor.of(w0.clone(), n));
        Regularizer reg = lambda == 0 ? Regularizer.none() : new Regularizer.L2(lambda);
        SGD sgd = new SGD(ParamGroup.split(List.of(p), lr, reg), mu, damp, nesterov);
        for (int t = 0; t < steps; t++) {
            Tensor g = Tensor.zeros(DType.F32, n);
            for (int i = 0; i < n; i++) {
                g.setFlat(i, grad(t, i));
            }
            p.variable().setGrad(g);
            sgd.step();
        }
        return p.value().f32().clone();
    }

    @Test
    void f32UpdateMatchesTheEquationsBitForBit() {
        checkAllConfigs(N);
    }

    /**
     * Parameters above twice {@code SGD.PARALLEL_GRAIN} elements are updated in ranges over the threads: the weights
     * are still exactly the equations', with 1 and 2 threads, for sizes that split unevenly.
     */
    @Test
    void updateSplitOverThreadsMatchesTheEquationsBitForBit() {
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int n : new int[] {2 * SGD.PARALLEL_GRAIN + 1, 3 * SGD.PARALLEL_GRAIN + 37}) {
                    checkAllConfigs(n);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static void checkAllConfigs(int n) {
        float[] w0 = new float[n];
        for (int i = 0; i < n; i++) {
            w0[i] = (float) Math.cos(0.9 * i) * 0.3f;
        }
        double[][] configs = { // momentum, dampening, nesterov (1/0), lambda
            {0, 0, 0, 0}, {0, 0, 0, 0.01}, {0.9, 0, 0, 0}, {0.9, 0.1, 0, 0.01}, {0.9, 0, 1, 0}, {0.9, 0, 1, 0.01}};
        for (double[] c : configs) {
            float[] want = reference(w0, 5, 0.05, c[0], c[1], c[2] == 1, c[3]);
            float[] got = run(w0, 5, 0.05, c[0], c[1], c[2] == 1, c[3]);
            assertArrayEquals(want, got, 0f, () -> "n " + n + " threads " + Parallel.threads() + " momentum " + c[0]
                    + " dampening " + c[1] + " nesterov " + c[2] + " lambda " + c[3]);
        }
    }
}
