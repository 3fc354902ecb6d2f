package dev.backprop.optim;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * RMSProp (Hinton, 2012), PyTorch's update exactly. With g the gradient (plus the regularizer's term), α the
 * smoothing constant, μ the momentum:
 * <pre>
 *   s ← α·s + (1 − α)·g²
 *   a = √(s − ḡ²) + ε with ḡ ← α·ḡ + (1 − α)·g   (centered)     or   a = √s + ε
 *   b ← μ·b + g / a;  w ← w − η·b   (μ &gt; 0)      or   w ← w − η·g / a
 * </pre>
 * State per parameter: "square_avg", "grad_avg" (centered), "momentum_buffer" (μ &gt; 0).
 */
public final class RMSProp extends BaseOptimizer {
    private final double alpha;
    private final double eps;
    private final double momentum;
    private final boolean centered;

    /**
     * Creates RMSProp over parameter groups, PyTorch's {@code torch.optim.RMSprop(params, lr, alpha, eps, momentum,
     * centered)}.
     *
     * @param groups the parameter groups, each with its rate η and regularizer
     * @param alpha the smoothing constant α in [0, 1]
     * @param eps ε &ge; 0, added to the denominator
     * @param momentum μ &ge; 0 (0 for none)
     * @param centered normalise by the estimated variance s − ḡ² instead of the second moment s
     * @throws IllegalArgumentException for α outside [0, 1], a negative or NaN ε, or a negative, infinite or NaN μ
     */
    public RMSProp(List<ParamGroup> groups, double alpha, double eps, double momentum, boolean centered) {
        super(groups);
        this.alpha = requireRange("alpha", alpha, 0, 1, true);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("invalid epsilon: " + eps);
        }
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("invalid momentum: " + momentum);
        }
        this.eps = eps;
        this.momentum = momentum;
        this.centered = centered;
    }

    /**
     * RMSProp with PyTorch's defaults: α = 0.99, ε = 1e-8, no momentum, not centered; regularizer on weights only.
     *
     * @param params the parameters
     * @param lr the learning rate η
     * @param regularizer the penalty on the weights
     * @return the optimizer
     */
    public static RMSProp of(List<Parameter> params, double lr, Regularizer regularizer) {
        return new RMSProp(ParamGroup.split(params, lr, regularizer), 0.99, 1e-8, 0, false);
    }

    @Override
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg, Map<String, double[]> st, double lr,
                                Parameter p) {
        double c = inPlaceL2(reg);
        if (c == NOT_IN_PLACE) {
            return false;
        }
        double[] sq = buffer(st, "square_avg", n);
        double[] ga = centered ? buffer(st, "grad_avg", n) : null;
        double[] buf = momentum > 0 ? buffer(st, "momentum_buffer", n) : null;
        if (Parallel.parts(n, SGD.PARALLEL_GRAIN) <= 1) {
            updateRange(w, g, sq, ga, buf, c, lr, 0, n);
        } else {
            Parallel.forRanges(n, SGD.PARALLEL_GRAIN, (from, to) -> updateRange(w, g, sq, ga, buf, c, lr, from, to));
        }
        return true;
    }

    /** {@link #update}'s arithmetic on F32 weights {@code [from, to)}, the L2 term first when {@code c} is not NaN. */
    private void updateRange(float[] w, float[] g, double[] sq, double[] ga, double[] buf, double c, double lr,
                             int from, int to) {
        boolean hasL2 = !Double.isNaN(c);
        for (int i = from; i < to; i++) {
            double wi = w[i];
            double gi = hasL2 ? g[i] + c * wi : g[i];
            sq[i] = sq[i] * alpha + (1 - alpha) * gi * gi;
            double avg;
            if (ga != null) {
                ga[i] = ga[i] * alpha + (1 - alpha) * gi;
                avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
            } else {
                avg = Math.sqrt(sq[i]) + eps;
            }
            if (buf != null) {
                buf[i] = buf[i] * momentum + gi / avg;
                wi -= lr * buf[i];
            } else {
                wi -= lr * (gi / avg);
            }
            w[i] = (float) wi;
        }
    }

    @Override
    protected void update(double[] w, double[] g, Map<String, double[]> st, double lr, Parameter p) {
        double[] sq = buffer(st, "square_avg", w.length);
        double[] ga = centered ? buffer(st, "grad_avg", w.length) : null;
        double[] buf = momentum > 0 ? buffer(st, "momentum_buffer", w.length) : null;
        for (int i = 0; i < w.length; i++) {
            sq[i] = sq[i] * alpha + (1 - alpha) * g[i] * g[i];
            double avg;
            if (centered) {
                ga[i] = ga[i] * alpha + (1 - alpha) * g[i];
                avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
            } else {
                avg = Math.sqrt(sq[i]) + eps;
            }
            if (buf != null) {
                buf[i] = buf[i] * momentum + g[i] / avg;
                w[i] -= lr * buf[i];
            } else {
                w[i] -= lr * (g[i] / avg);
            }
        }
    }
}
