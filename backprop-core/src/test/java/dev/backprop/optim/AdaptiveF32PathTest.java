package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Adam, AdamW and RMSProp update F32 weights in place and give exactly what their equations give in double precision
 * with one rounding of each weight to float per step, for 1 and 2 threads and sizes that split unevenly over them
 * (the references below are written out from the equations in each class's documentation, not taken from the code).
 */
class AdaptiveF32PathTest {
    private static final double LR = 0.01;

    private static float grad(int t, int i) {
        return (float) Math.sin(1.3 * t + 0.7 * i);
    }

    /** Adam with coupled L2 (g' = g + 2λw), then AdamW's decoupled decay w·(1 − η·wd) when {@code wd > 0}. */
    private static float[] adamReference(float[] w0, int steps, double lambda, double wd) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        int n = w0.length;
        float[] w = w0.clone();
        double[] m = new double[n];
        double[] v = new double[n];
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < n; i++) {
                double wi = w[i];
                double g = (double) grad(t, i) + 2 * lambda * wi;
                wi = wi * (1 - LR * wd);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                // Adam's documented form: w − (η / (1 − β₁ᵗ)) · (m / (√v / √(1 − β₂ᵗ) + ε))
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                w[i] = (float) (wi - LR / (1 - Math.pow(b1, t)) * (m[i] / denom));
            }
        }
        return w;
    }

    /** RMSProp: s = α·s + (1 − α)·g², a = √(s − ḡ²) + ε (centered) or √s + ε, b = μ·b + g/a, w −= η·b (or η·g/a). */
    private static float[] rmsReference(float[] w0, int steps, double mu, boolean centered, double lambda) {
        double alpha = 0.99;
        double eps = 1e-8;
        int n = w0.length;
        float[] w = w0.clone();
        double[] s = new double[n];
        double[] ga = new double[n];
        double[] b = new double[n];
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < n; i++) {
                double g = (double) grad(t, i) + 2 * lambda * w[i];
                s[i] = alpha * s[i] + (1 - alpha) * g * g;
                ga[i] = alpha * ga[i] + (1 - alpha) * g;
                double a = (centered ? Math.sqrt(s[i] - ga[i] * ga[i]) : Math.sqrt(s[i])) + eps;
                b[i] = mu * b[i] + g / a;
                w[i] = (float) (w[i] - LR * (mu > 0 ? b[i] : g / a));
            }
        }
        return w;
    }

    private static float[] run(float[] w0, int steps, Function<List<Parameter>, BaseOptimizer> make) {
        int n = w0.length;
        Parameter p = Parameter.of("0.weight", Role.WEIGHT, Tensor.of(w0.clone(), n));
        BaseOptimizer opt = make.apply(List.of(p));
        for (int t = 1; t <= steps; t++) {
            Tensor g = Tensor.zeros(DType.F32, n);
            for (int i = 0; i < n; i++) {
                g.setFlat(i, grad(t, i));
            }
            p.variable().setGrad(g);
            opt.step();
        }
        return p.value().f32().clone();
    }

    private static float[] start(int n) {
        float[] w0 = new float[n];
        for (int i = 0; i < n; i++) {
            w0[i] = (float) Math.cos(0.9 * i) * 0.3f;
        }
        return w0;
    }

    /** Every optimizer and variant, with and without the L2 term; the comparison is exact. */
    private static void checkAll(int n) {
        float[] w0 = start(n);
        String where = "n " + n + " threads " + Parallel.threads();
        for (double lambda : new double[] {0, 0.01}) {
            Regularizer reg = lambda == 0 ? Regularizer.none() : new Regularizer.L2(lambda);
            assertArrayEquals(adamReference(w0, 6, lambda, 0),
                    run(w0, 6, ps -> new Adam(ParamGroup.split(ps, LR, reg), 0.9, 0.999, 1e-8)), 0f,
                    "Adam, lambda " + lambda + ", " + where);
            assertArrayEquals(adamReference(w0, 6, lambda, 0.1),
                    run(w0, 6, ps -> new AdamW(ParamGroup.split(ps, LR, reg), 0.9, 0.999, 1e-8, 0.1)), 0f,
                    "AdamW, lambda " + lambda + ", " + where);
            for (double mu : new double[] {0, 0.9}) {
                for (boolean centered : new boolean[] {false, true}) {
                    assertArrayEquals(rmsReference(w0, 6, mu, centered, lambda),
                            run(w0, 6, ps -> new RMSProp(ParamGroup.split(ps, LR, reg), 0.99, 1e-8, mu, centered)),
                            0f, "RMSProp, momentum " + mu + ", centered " + centered + ", lambda " + lambda + ", "
                                    + where);
                }
            }
        }
    }

    @Test
    void smallParameterMatchesTheEquations() {
        checkAll(37);
    }

    @Test
    void parameterSplitOverThreadsMatchesTheEquations() {
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int n : new int[] {2 * SGD.PARALLEL_GRAIN + 1, 3 * SGD.PARALLEL_GRAIN + 37}) {
                    checkAll(n);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
