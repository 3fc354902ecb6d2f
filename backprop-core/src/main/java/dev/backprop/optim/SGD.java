package dev.backprop.optim;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, PyTorch's update exactly. With g the
 * gradient (plus the regularizer's term), μ the momentum and τ the dampening:
 * <pre>
 *   b ← g                      (first step)
 *   b ← μ·b + (1 − τ)·g        (later steps)
 *   d = g + μ·b  (Nesterov)    or   d = b   (classical)      or   d = g   (μ = 0)
 *   w ← w − η·d
 * </pre>
 * With μ = 0 and an {@link Regularizer.L2} of λ this is the lecture's eq. 2.6: w ← (1 − 2ηλ)·w − η·∇L.
 * State: "momentum_buffer" per parameter (when μ &gt; 0).
 */
public final class SGD extends BaseOptimizer {
    /** Parameters of more than twice this many elements have their F32 update split over {@link Parallel}'s threads. */
    static final int PARALLEL_GRAIN = 32_768;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /**
     * Creates SGD over parameter groups, PyTorch's {@code torch.optim.SGD(params, lr, momentum, dampening, nesterov)}.
     *
     * @param groups the parameter groups, each with its rate η and regularizer
     * @param momentum μ &ge; 0 (0 for plain SGD)
     * @param dampening τ in [0, 1]
     * @param nesterov Nesterov momentum (needs μ &gt; 0 and τ = 0)
     * @throws IllegalArgumentException for momentum &lt; 0, dampening outside [0, 1], or Nesterov without momentum
     *     or with dampening (as PyTorch)
     */
    public SGD(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("invalid momentum: " + momentum);
        }
        requireRange("dampening", dampening, 0, 1, true);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /**
     * Plain SGD, w ← w − η·(∇L + the regularizer's gradient), regularizer on weights only ({@link ParamGroup#split}).
     *
     * @param params the parameters
     * @param lr the learning rate η
     * @param regularizer the penalty on the weights
     * @return the optimizer
     */
    public static SGD of(List<Parameter> params, double lr, Regularizer regularizer) {
        return of(params, lr, 0, false, regularizer);
    }

    /**
     * SGD with momentum (dampening 0): b ← μ·b + g, w ← w − η·b (or w ← w − η·(g + μ·b) with Nesterov); regularizer
     * on weights only.
     *
     * @param params the parameters
     * @param lr the learning rate η
     * @param momentum μ &ge; 0
     * @param nesterov Nesterov momentum (needs μ &gt; 0)
     * @param regularizer the penalty on the weights
     * @return the optimizer
     */
    public static SGD of(List<Parameter> params, double lr, double momentum, boolean nesterov, Regularizer regularizer) {
        return new SGD(ParamGroup.split(params, lr, regularizer), momentum, 0, nesterov);
    }

    /**
     * The same update in one pass over an F32 parameter, for no regularizer or {@link Regularizer.L2} (g += 2λw
     * first); the first momentum step, which creates the buffer, takes the general path. Each case is its own
     * plain loop with the same index in both arrays: a select inside the loop, or two different offsets (which
     * could alias), would stop the JIT from vectorising it. Above {@code 2 · PARALLEL_GRAIN} elements the range is
     * split over {@link Parallel}'s threads; each weight is updated from its own values only, so the result is the
     * same for any thread count.
     */
    @Override
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg,
                                ParamState st, double lr, Parameter p) {
        double c = inPlaceL2(reg);
        if (c == NOT_IN_PLACE || momentum != 0 && !st.has("momentum_buffer")) {
            return false;
        }
        double[] buf = momentum != 0 ? st.f64("momentum_buffer", n) : null;
        if (Parallel.parts(n, PARALLEL_GRAIN) <= 1) {
            updateRange(w, g, buf, c, lr, 0, n);
        } else {
            Parallel.forRanges(n, PARALLEL_GRAIN, (from, to) -> updateRange(w, g, buf, c, lr, from, to));
        }
        return true;
    }

    /**
     * {@link #updateF32} on the elements {@code [from, to)} ({@code c} is 2λ, or NaN for no regularizer, and
     * {@code buf} the momentum buffer, unused without momentum). Each element's update depends on that element
     * alone, so any split of the range gives the same weights.
     */
    private void updateRange(float[] w, float[] g, double[] buf, double c, double lr, int from, int to) {
        boolean hasL2 = !Double.isNaN(c);
        double keep = 1 - dampening;
        double momentum = this.momentum;
        if (momentum == 0 && !hasL2) {
            for (int i = from; i < to; i++) {
                w[i] = (float) (w[i] - lr * g[i]);
            }
        } else if (momentum == 0) {
            for (int i = from; i < to; i++) {
                w[i] = (float) (w[i] - lr * (g[i] + c * w[i]));
            }
        } else if (!nesterov && !hasL2) {
            for (int i = from; i < to; i++) {
                double b = buf[i] * momentum + keep * g[i];
                buf[i] = b;
                w[i] = (float) (w[i] - lr * b);
            }
        } else if (!nesterov) {
            for (int i = from; i < to; i++) {
                double b = buf[i] * momentum + keep * (g[i] + c * w[i]);
                buf[i] = b;
                w[i] = (float) (w[i] - lr * b);
            }
        } else if (!hasL2) {
            for (int i = from; i < to; i++) {
                double gi = g[i];
                double b = buf[i] * momentum + keep * gi;
                buf[i] = b;
                w[i] = (float) (w[i] - lr * (gi + momentum * b));
            }
        } else {
            for (int i = from; i < to; i++) {
                double gi = g[i] + c * w[i];
                double b = buf[i] * momentum + keep * gi;
                buf[i] = b;
                w[i] = (float) (w[i] - lr * (gi + momentum * b));
            }
        }
    }

    @Override
    protected void update(double[] w, double[] g, ParamState st, double lr, Parameter p) {
        double[] d = g;
        if (momentum != 0) {
            boolean first = !st.has("momentum_buffer");
            double[] buf = st.f64("momentum_buffer", w.length);
            if (first) {
                System.arraycopy(g, 0, buf, 0, w.length);
            } else {
                for (int i = 0; i < w.length; i++) {
                    buf[i] = buf[i] * momentum + (1 - dampening) * g[i];
                }
            }
            if (nesterov) {
                d = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    d[i] = g[i] + momentum * buf[i];
                }
            } else {
                d = buf;
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] -= lr * d[i];
        }
    }
}
