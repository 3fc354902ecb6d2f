package dev.backprop.optim;

import dev.backprop.nn.Parameter;
import java.util.List;
import java.util.Map;

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
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /**
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

    /** Plain SGD, regularizer on weights only ({@link ParamGroup#split}). */
    public static SGD of(List<Parameter> params, double lr, Regularizer regularizer) {
        return of(params, lr, 0, false, regularizer);
    }

    /** SGD with momentum (dampening 0), regularizer on weights only. */
    public static SGD of(List<Parameter> params, double lr, double momentum, boolean nesterov, Regularizer regularizer) {
        return new SGD(ParamGroup.split(params, lr, regularizer), momentum, 0, nesterov);
    }

    /**
     * The same update in one pass over an F32 parameter, for no regularizer or {@link Regularizer.L2} (g += 2λw
     * first); the first momentum step, which creates the buffer, takes the general path. Each case is its own
     * plain loop indexed from 0 in both arrays: a select inside the loop, or two different offsets (which could
     * alias), would stop the JIT from vectorising it.
     */
    @Override
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg,
                                Map<String, double[]> st, double lr, Parameter p) {
        double c;
        if (reg instanceof Regularizer.L2 l2) {
            c = 2 * l2.lambda();
        } else if (reg instanceof Regularizer.None) {
            c = Double.NaN; // no term
        } else {
            return false;
        }
        boolean hasL2 = !Double.isNaN(c);
        double[] buf = st.get("momentum_buffer");
        if (momentum != 0 && buf == null) {
            return false;
        }
        double keep = 1 - dampening;
        if (momentum == 0 && !hasL2) {
            for (int i = 0; i < n; i++) {
                w[i] = (float) (w[i] - lr * g[i]);
            }
        } else if (momentum == 0) {
            for (int i = 0; i < n; i++) {
                w[i] = (float) (w[i] - lr * (g[i] + c * w[i]));
            }
        } else if (!nesterov && !hasL2) {
            for (int i = 0; i < n; i++) {
                double b = buf[i] * momentum + keep * g[i];
                buf[i] = b;
                w[i] = (float) (w[i] - lr * b);
            }
        } else if (!nesterov) {
            for (int i = 0; i < n; i++) {
                double b = buf[i] * momentum + keep * (g[i] + c * w[i]);
                buf[i] = b;
                w[i] = (float) (w[i] - lr * b);
            }
        } else if (!hasL2) {
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                double b = buf[i] * momentum + keep * gi;
                buf[i] = b;
                w[i] = (float) (w[i] - lr * (gi + momentum * b));
            }
        } else {
            for (int i = 0; i < n; i++) {
                double gi = g[i] + c * w[i];
                double b = buf[i] * momentum + keep * gi;
                buf[i] = b;
                w[i] = (float) (w[i] - lr * (gi + momentum * b));
            }
        }
        return true;
    }

    @Override
    protected void update(double[] w, double[] g, Map<String, double[]> st, double lr, Parameter p) {
        double[] d = g;
        if (momentum != 0) {
            double[] buf = st.get("momentum_buffer");
            if (buf == null) {
                st.put("momentum_buffer", g.clone());
                buf = st.get("momentum_buffer");
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
