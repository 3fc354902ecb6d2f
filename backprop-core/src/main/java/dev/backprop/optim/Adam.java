package dev.backprop.optim;

import dev.backprop.kernel.OptimizerKernels;
import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015), PyTorch's update exactly. With g the gradient (plus the regularizer's term, which
 * makes {@link Regularizer.L2} the coupled "Adam with weight_decay = 2λ"), t the step count:
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * that is w ← w − η·m̂ / (√v̂ + ε) with the bias-corrected moments m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ), which
 * undo the pull of m and v towards their zero start; ε sits outside the correction, as in PyTorch.
 * {@link AdamW} adds decoupled weight decay. State per parameter: "step", "exp_avg" (m), "exp_avg_sq" (v); m and v
 * are F32 for an F32 parameter updated in place (no regularizer or L2, the common case), F64 otherwise.
 */
public class Adam extends BaseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;

    /**
     * Creates Adam over parameter groups, PyTorch's {@code torch.optim.Adam(params, lr, betas=(beta1, beta2), eps)}.
     *
     * @param groups the parameter groups, each with its rate η and regularizer
     * @param beta1 β₁ in [0, 1), the decay of the first-moment estimate m
     * @param beta2 β₂ in [0, 1), the decay of the second-moment estimate v
     * @param eps ε &ge; 0, added to the denominator
     * @throws IllegalArgumentException for a β outside [0, 1) or a negative or NaN ε
     */
    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        this.beta1 = requireRange("beta1", beta1, 0, 1, false);
        this.beta2 = requireRange("beta2", beta2, 0, 1, false);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("invalid epsilon: " + eps);
        }
        this.eps = eps;
    }

    /**
     * Adam with β = (0.9, 0.999), ε = 1e-8, regularizer on weights only.
     *
     * @param params the parameters
     * @param lr the learning rate η
     * @param regularizer the penalty on the weights (an {@link Regularizer.L2} makes this coupled L2, not AdamW)
     * @return the optimizer
     */
    public static Adam of(List<Parameter> params, double lr, Regularizer regularizer) {
        return new Adam(ParamGroup.split(params, lr, regularizer), 0.9, 0.999, 1e-8);
    }

    @Override
    protected void update(double[] w, double[] g, ParamState st, double lr, Parameter p) {
        adamStep(w, g, st, lr);
    }

    @Override
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg, ParamState st, double lr,
                                Parameter p) {
        return adamStepF32(w, g, n, reg, st, lr, 1.0);
    }

    /**
     * The Adam step on F32 weights in place, shared with {@link AdamW}, with F32 moments and F32 arithmetic as
     * PyTorch computes for float32 parameters (see {@link OptimizerKernels#adamF32}): {@code reg}'s L2 term on the
     * undecayed weight, then {@code w *= decay} when {@code decay != 1}, then the update. The bias corrections are
     * computed in double and rounded to float once per step. Split over the kernel threads by element ranges, so
     * any thread count gives the same weights.
     *
     * @return false, having changed nothing, for a regularizer other than none or L2
     */
    final boolean adamStepF32(float[] w, float[] g, int n, Regularizer reg, ParamState st, double lr,
                              double decay) {
        double c = inPlaceL2(reg);
        if (c == NOT_IN_PLACE) {
            return false;
        }
        double[] step = st.f64("step", 1);
        float[] m = st.f32("exp_avg", n);
        float[] v = st.f32("exp_avg_sq", n);
        double t = ++step[0];
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float keep1 = (float) (1 - beta1);
        float keep2 = (float) (1 - beta2);
        float e = (float) eps;
        float cf = (float) c;
        float df = (float) decay;
        if (Parallel.parts(n, SGD.PARALLEL_GRAIN) <= 1) {
            OptimizerKernels.adamF32(w, g, m, v, 0, n, b1, keep1, b2, keep2, bc2Sqrt, e, stepSize, cf, df);
        } else {
            Parallel.forRanges(n, SGD.PARALLEL_GRAIN, (from, to) ->
                    OptimizerKernels.adamF32(w, g, m, v, from, to, b1, keep1, b2, keep2, bc2Sqrt, e, stepSize, cf, df));
        }
        return true;
    }

    /** The Adam step shared with {@link AdamW}. */
    final void adamStep(double[] w, double[] g, ParamState st, double lr) {
        double[] step = st.f64("step", 1);
        double[] m = st.f64("exp_avg", w.length);
        double[] v = st.f64("exp_avg_sq", w.length);
        double t = ++step[0];
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / bc1;
        for (int i = 0; i < w.length; i++) {
            m[i] = m[i] * beta1 + (1 - beta1) * g[i];
            v[i] = v[i] * beta2 + (1 - beta2) * g[i] * g[i];
            double denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
            w[i] -= stepSize * (m[i] / denom);
        }
    }
}
