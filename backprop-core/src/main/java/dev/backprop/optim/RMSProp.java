package dev.backprop.optim;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import java.util.List;

/**
 * RMSProp (Hinton, 2012), PyTorch's update exactly. With g the gradient (plus the regularizer's term), α the
 * smoothing constant, μ the momentum:
 * <pre>
 *   s ← α·s + (1 − α)·g²
 *   a = √(s − ḡ²) + ε with ḡ ← α·ḡ + (1 − α)·g   (centered)     or   a = √s + ε
 *   b ← μ·b + g / a;  w ← w − η·b   (μ &gt; 0)      or   w ← w − η·g / a
 * </pre>
 * State per parameter: "square_avg", "grad_avg" (centered), "momentum_buffer" (μ &gt; 0); F32 for an F32 parameter
 * updated in place (no regularizer or L2), F64 otherwise.
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

    /**
     * The update on an F32 parameter in place with F32 state and every operation in F32, PyTorch's order for float32
     * parameters; split over the kernel threads by element ranges (each element depends on itself only).
     */
    @Override
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg, ParamState st, double lr,
                                Parameter p) {
        double c = inPlaceL2(reg);
        if (c == NOT_IN_PLACE) {
            return false;
        }
        float[] sq = st.f32("square_avg", n);
        float[] ga = centered ? st.f32("grad_avg", n) : null;
        float[] buf = momentum > 0 ? st.f32("momentum_buffer", n) : null;
        float cf = (float) c;
        float lrf = (float) lr;
        if (Parallel.parts(n, SGD.PARALLEL_GRAIN) <= 1) {
            updateRange(w, g, sq, ga, buf, cf, lrf, 0, n);
        } else {
            Parallel.forRanges(n, SGD.PARALLEL_GRAIN, (from, to) -> updateRange(w, g, sq, ga, buf, cf, lrf, from, to));
        }
        return true;
    }

    /** {@link #updateF32}'s arithmetic on {@code [from, to)}, the L2 term first when {@code c} is not NaN. */
    private void updateRange(float[] w, float[] g, float[] sq, float[] ga, float[] buf, float c, float lr,
                             int from, int to) {
        boolean hasL2 = !Float.isNaN(c);
        float a = (float) alpha;
        float keep = (float) (1 - alpha);
        float e = (float) eps;
        float mu = (float) momentum;
        for (int i = from; i < to; i++) {
            float wi = w[i];
            float gi = hasL2 ? g[i] + c * wi : g[i];
            float s = sq[i] * a + keep * gi * gi;
            sq[i] = s;
            float avg;
            if (ga != null) {
                float gm = ga[i] * a + keep * gi;
                ga[i] = gm;
                avg = (float) Math.sqrt(s - gm * gm) + e;
            } else {
                avg = (float) Math.sqrt(s) + e;
            }
            if (buf != null) {
                float b = buf[i] * mu + gi / avg;
                buf[i] = b;
                w[i] = wi - lr * b;
            } else {
                w[i] = wi - lr * (gi / avg);
            }
        }
    }

    @Override
    protected void update(double[] w, double[] g, ParamState st, double lr, Parameter p) {
        double[] sq = st.f64("square_avg", w.length);
        double[] ga = centered ? st.f64("grad_avg", w.length) : null;
        double[] buf = momentum > 0 ? st.f64("momentum_buffer", w.length) : null;
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
