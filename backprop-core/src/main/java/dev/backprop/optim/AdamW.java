package dev.backprop.optim;

import dev.backprop.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), PyTorch's update exactly: first
 * w ← w·(1 − η·wd), then the {@link Adam} step on the gradient (which carries no decay term). The decay applies to
 * {@link dev.backprop.nn.Role#WEIGHT} parameters only (PyTorch decays every parameter of a group; put biases in a
 * group of their own there to get the same). A group's {@link Regularizer} still applies on top, coupled.
 */
public final class AdamW extends Adam {
    private final double weightDecay;

    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, beta1, beta2, eps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("invalid weight_decay: " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    /** AdamW with β = (0.9, 0.999), ε = 1e-8 and no extra regularizer. */
    public static AdamW of(List<Parameter> params, double lr, double weightDecay) {
        return new AdamW(ParamGroup.split(params, lr, Regularizer.none()), 0.9, 0.999, 1e-8, weightDecay);
    }

    @Override
    protected void update(double[] w, double[] g, Map<String, double[]> st, double lr, Parameter p) {
        if (decays(p)) {
            double f = 1 - lr * weightDecay;
            for (int i = 0; i < w.length; i++) {
                w[i] *= f;
            }
        }
        adamStep(w, g, st, lr);
    }
}
