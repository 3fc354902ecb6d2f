package dev.backprop.optim;

import dev.backprop.kernel.Reductions;
import dev.backprop.nn.Parameter;
import dev.backprop.tensor.Tensor;
import java.util.List;

/**
 * Gradient clipping, applied between {@code backward()} and {@link Optimizer#step()} against exploding gradients.
 */
public final class Clip {
    private Clip() {}

    /**
     * The global gradient norm.
     *
     * @param params the parameters
     * @return ‖g‖ = √(Σ over all parameters and elements of g²); parameters without gradient count 0
     */
    public static double globalNorm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                s += Reductions.sumSquares(g);
            }
        }
        return Math.sqrt(s);
    }

    /**
     * Scales every gradient by c = maxNorm / (‖g‖ + 1e-6) when c &lt; 1 (PyTorch's {@code clip_grad_norm_}), so the
     * global norm becomes (at most) maxNorm. A non-finite norm leaves the gradients untouched.
     *
     * @param params the parameters whose gradients are scaled in place
     * @param maxNorm the largest global norm allowed, &gt; 0
     * @return the global norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not positive
     */
    public static double byGlobalNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("invalid max norm for gradient clipping: " + maxNorm);
        }
        double norm = globalNorm(params);
        double c = maxNorm / (norm + 1e-6);
        if (Double.isFinite(norm) && c < 1) {
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    for (int i = 0; i < g.size(); i++) {
                        g.setFlat(i, g.getFlat(i) * c);
                    }
                }
            }
        }
        return norm;
    }

    /**
     * Clamps every gradient element to [−clip, clip] (PyTorch's {@code clip_grad_value_}).
     *
     * @param params the parameters whose gradients are clamped in place
     * @param clip the bound, &gt; 0
     * @throws IllegalArgumentException if {@code clip} is not positive
     */
    public static void byValue(List<Parameter> params, double clip) {
        if (!(clip > 0)) {
            throw new IllegalArgumentException("invalid clip value: " + clip);
        }
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                for (int i = 0; i < g.size(); i++) {
                    g.setFlat(i, Math.max(-clip, Math.min(clip, g.getFlat(i))));
                }
            }
        }
    }
}
