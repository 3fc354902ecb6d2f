package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Adam, AdamW and RMSProp update F32 weights in place with F32 state and give exactly what their equations give in
 * F32 arithmetic (PyTorch's order of operations for float32 parameters, every operation rounded to float, none
 * fused), for 1 and 2 threads and sizes that split unevenly over them (the references below are written out from
 * the equations in each class's documentation, not taken from the code). OptimizerGoldenTest checks the same
 * paths against PyTorch itself.
 */
class AdaptiveF32PathTest {
    private static final double LR = 0.01;

    private static float grad(int t, int i) {
        return (float) Math.sin(1.3 * t + 0.7 * i);
    }

    /** Adam with coupled L2 (g' = g + 2λw), then AdamW's decoupled decay w·(1 − η·wd) when {@code wd > 0}. */
    private static float[] adamReference(float[] w0, int steps, double lambda, double wd) {
        float b1 = 0.9f;
        float b2 = 0.999f;
        float eps = 1e-8f;
        int n = w0.length;
        float[] w = w0.clone();
        float[] m = new float[n];
        float[] v = new float[n];
        for (int t = 1; t <= steps; t++) {
            // the scalars of a step are computed in double, as Python computes them, and rounded once
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(0.999, t));
            float stepSize = (float) (LR / (1 - Math.pow(0.9, t)));
            for (int i = 0; i < n; i++) {
                float wi = w[i];
                float g = grad(t, i) + (float) (2 * lambda) * wi;
                wi = wi * (float) (1 - LR * wd);
                m[i] = m[i] * b1 + (float) (1 - 0.9) * g;
                v[i] = v[i] * b2 + (float) (1 - 0.999) * g * g;
                // Adam's documented form: w − (η / (1 − β₁ᵗ)) · (m / (√v / √(1 − β₂ᵗ) + ε))
                float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + eps;
                w[i] = wi - stepSize * (m[i] / denom);
            }
        }
        return w;
    }

    /** RMSProp: s = α·s + (1 − α)·g², a = √(s − ḡ²) + ε (centered) or √s + ε, b = μ·b + g/a, w −= η·b (or η·g/a). */
    private static float[] rmsReference(float[] w0, int steps, double mu, boolean centered, double lambda) {
        float alpha = 0.99f;
        float keep = (float) (1 - 0.99);
        float eps = 1e-8f;
        float lr = (float) LR;
        int n = w0.length;
        float[] w = w0.clone();
        float[] s = new float[n];
        float[] ga = new float[n];
        float[] b = new float[n];
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < n; i++) {
                float g = grad(t, i) + (float) (2 * lambda) * w[i];
                s[i] = s[i] * alpha + keep * g * g;
                ga[i] = ga[i] * alpha + keep * g;
                float a = (float) (centered ? Math.sqrt(s[i] - ga[i] * ga[i]) : Math.sqrt(s[i])) + eps;
                b[i] = b[i] * (float) mu + g / a;
                w[i] = w[i] - lr * (mu > 0 ? b[i] : g / a);
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

    private static Parameter param(float[] w) {
        return Parameter.of("0.weight", Role.WEIGHT, Tensor.of(w.clone(), w.length));
    }

    private static void step(Parameter p, BaseOptimizer opt, int t) {
        Tensor g = Tensor.zeros(DType.F32, p.value().size());
        for (int i = 0; i < g.size(); i++) {
            g.setFlat(i, grad(t, i));
        }
        p.variable().setGrad(g);
        opt.step();
    }

    /** The state of the in-place path is F32, and a run restored from it continues bit for bit as if never stopped. */
    @Test
    void f32StateIsSavedAsF32AndResumesExactly() {
        float[] w0 = start(53);
        Function<List<Parameter>, BaseOptimizer> make = ps -> new Adam(ParamGroup.split(ps, LR, Regularizer.none()),
                0.9, 0.999, 1e-8);
        float[] straight = run(w0, 6, make);
        Parameter p = param(w0);
        BaseOptimizer first = make.apply(List.of(p));
        for (int t = 1; t <= 3; t++) {
            step(p, first, t);
        }
        Map<String, Tensor> saved = first.state();
        assertEquals(DType.F32, saved.get("0.weight.exp_avg").dtype());
        assertEquals(DType.F32, saved.get("0.weight.exp_avg_sq").dtype());
        assertEquals(3.0, saved.get("0.weight.step").item());
        Parameter resumed = param(p.value().f32());
        BaseOptimizer second = make.apply(List.of(resumed));
        second.loadState(saved);
        for (int t = 4; t <= 6; t++) {
            step(resumed, second, t);
        }
        assertArrayEquals(straight, resumed.value().f32(), 0f);
    }

    /**
     * F64 moments (a checkpoint of a version that kept them in double, or of the double path) load into the F32 path
     * rounded to float once: the same weights as loading those moments rounded to F32 by hand.
     */
    @Test
    void f64StateLoadsIntoTheF32PathRounded() {
        int n = 41;
        double[] m = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = 0.01 * Math.sin(0.3 * i) + 1e-12;
            v[i] = 1e-4 * (1.5 + Math.cos(0.2 * i)) + 1e-15;
        }
        float[] w0 = start(n);
        float[][] results = new float[2][];
        for (int k = 0; k < 2; k++) {
            DType dt = k == 0 ? DType.F64 : DType.F32;
            Map<String, Tensor> state = new java.util.LinkedHashMap<>();
            state.put("lr.0", Tensor.scalar(DType.F64, LR));
            state.put("0.weight.step", Tensor.scalar(DType.F64, 5));
            state.put("0.weight.exp_avg", Tensor.of(dt, k == 0 ? m : roundTrip(m), n));
            state.put("0.weight.exp_avg_sq", Tensor.of(dt, k == 0 ? v : roundTrip(v), n));
            Parameter p = param(w0);
            BaseOptimizer opt = new Adam(ParamGroup.split(List.of(p), LR, Regularizer.none()), 0.9, 0.999, 1e-8);
            opt.loadState(state);
            step(p, opt, 6);
            assertEquals(DType.F32, opt.state().get("0.weight.exp_avg").dtype());
            results[k] = p.value().f32().clone();
        }
        assertArrayEquals(results[1], results[0], 0f);
        assertFalse(java.util.Arrays.equals(w0, results[0]), "the step changed the weights");
    }

    private static double[] roundTrip(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
