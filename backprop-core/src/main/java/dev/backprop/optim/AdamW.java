package dev.backprop.optim;

import dev.backprop.nn.Parameter;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), PyTorch's update exactly: first
 * w ← w·(1 − η·wd), then the {@link Adam} step on the gradient (which carries no decay term). The decay applies to
 * {@link dev.backprop.nn.Role#WEIGHT} parameters only (PyTorch decays every parameter of a group; put biases in a
 * group of their own there to get the same). A group's {@link Regularizer} still applies on top, coupled.
 */
public final class AdamW extends Adam {
    private final double weightDecay;

    /**
     * Creates AdamW over parameter groups, PyTorch's {@code torch.optim.AdamW(params, lr, betas=(beta1, beta2), eps,
     * weight_decay)}.
     *
     * @param groups the parameter groups, each with its rate η and regularizer
     * @param beta1 β₁ in [0, 1)
     * @param beta2 β₂ in [0, 1)
     * @param eps ε &ge; 0
     * @param weightDecay wd &ge; 0, the decoupled decay: w ← w·(1 − η·wd) each step
     * @throws IllegalArgumentException for a β outside [0, 1), a negative or NaN ε, or a negative, infinite or NaN
     *     weight decay
     */
    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, beta1, beta2, eps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("invalid weight_decay: " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    /**
     * AdamW with β = (0.9, 0.999), ε = 1e-8 and no extra regularizer.
     *
     * @param params the parameters (decay applies to the {@link dev.backprop.nn.Role#WEIGHT}s)
     * @param lr the learning rate η
     * @param weightDecay wd &ge; 0
     * @return the optimizer
     */
    public static AdamW of(List<Parameter> params, double lr, double weightDecay) {
        return new AdamW(ParamGroup.split(params, lr, Regularizer.none()), 0.9, 0.999, 1e-8, weightDecay);
    }

    @Override
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg, ParamState st, double lr,
                                Parameter p) {
        return adamStepF32(w, g, n, reg, st, lr, decays(p) ? 1 - lr * weightDecay : 1.0);
    }

    @Override
    protected void update(double[] w, double[] g, ParamState st, double lr, Parameter p) {
        if (decays(p)) {
            double f = 1 - lr * weightDecay;
            for (int i = 0; i < w.length; i++) {
                w[i] *= f;
            }
        }
        adamStep(w, g, st, lr);
    }
}
