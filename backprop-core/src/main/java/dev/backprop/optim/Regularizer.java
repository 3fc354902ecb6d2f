package dev.backprop.optim;

import dev.backprop.kernel.Reductions;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * A penalty λΩ(w) added to the data loss (lecture eq. 2.1), applied by the optimizer to the parameters of a
 * {@link ParamGroup} (by default only {@link Role#WEIGHT}s, see {@link ParamGroup#split}).
 *
 * <ul>
 *   <li>{@link L2}: Ω = Σ w² (weight decay, eq. 2.2). The gradient 2λw is added to dL/dw, so plain SGD performs
 *       w ← (1 − 2ηλ)·w − η·∇L (eq. 2.6), and with no data gradient w_t = (1 − 2ηλ)^t·w_0 (eq. 2.7).
 *       PyTorch's {@code weight_decay} adds wd·w, so {@code weight_decay = 2λ} is the same update.</li>
 *   <li>{@link L1}: Ω = Σ |w| (sparsity, eq. 2.8). By default applied as a proximal step after the optimizer's
 *       update: w ← sign(w)·max(|w| − ηλ, 0) (soft thresholding), so small weights become exactly 0. With
 *       {@code proximal = false} the subgradient λ·sign(w) (sign(0) = 0) is added to dL/dw instead, which makes
 *       weights oscillate around 0 rather than reach it. For adaptive optimizers (Adam, RMSProp) the proximal step
 *       uses the plain rate η, not the per-element adaptive step.</li>
 *   <li>{@link ElasticNet}: λ₁Σ|w| + λ₂Σw², the L2 part as a gradient and the L1 part as for {@link L1}.</li>
 *   <li>{@link None}: no penalty.</li>
 * </ul>
 */
public sealed interface Regularizer {

    /**
     * The penalty of one tensor.
     *
     * @param w the tensor
     * @return λΩ(w)
     */
    double penaltyOf(Tensor w);

    /**
     * Adds the gradient of the smooth part of λΩ (and the L1 subgradient when not proximal) to {@code g}, before the
     * optimizer's update.
     *
     * @param w the parameter's elements
     * @param g dL/dw, to which the penalty's gradient is added in place
     */
    void addGradient(double[] w, double[] g);

    /**
     * The proximal step after the optimizer's update (soft thresholding for L1 parts; nothing for the others).
     *
     * @param w the updated parameter's elements, changed in place
     * @param lr the group's learning rate η
     */
    void proximal(double[] w, double lr);

    /**
     * The penalty of the {@link Role#WEIGHT}s among {@code params} (the default regularized set), for reporting.
     *
     * @param params the parameters
     * @return Σ λΩ(w) over the weights
     */
    default double penalty(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            if (p.role() == Role.WEIGHT) {
                s += penaltyOf(p.value());
            }
        }
        return s;
    }

    /**
     * No penalty.
     *
     * @return a {@link None}
     */
    static Regularizer none() {
        return new None();
    }

    /** No penalty. */
    record None() implements Regularizer {
        @Override
        public double penaltyOf(Tensor w) {
            return 0;
        }

        @Override
        public void addGradient(double[] w, double[] g) {}

        @Override
        public void proximal(double[] w, double lr) {}
    }

    /**
     * Weight decay, λΣw² (lecture eq. 2.2): its gradient 2λw is added to dL/dw (eq. 2.4), so plain SGD takes the
     * step w ← (1 − 2ηλ)·w − η·∇L (eq. 2.6, 2.7). PyTorch's {@code weight_decay} is 2λ.
     *
     * @param lambda λ &ge; 0
     */
    record L2(double lambda) implements Regularizer {
        /**
         * Checks λ.
         *
         * @throws IllegalArgumentException for a negative, infinite or NaN λ
         */
        public L2 {
            requireLambda("L2 lambda", lambda);
        }

        @Override
        public double penaltyOf(Tensor w) {
            return lambda * Reductions.sumSquares(w);
        }

        @Override
        public void addGradient(double[] w, double[] g) {
            double c = 2 * lambda;
            for (int i = 0; i < w.length; i++) {
                g[i] += c * w[i];
            }
        }

        @Override
        public void proximal(double[] w, double lr) {}
    }

    /**
     * Sparsity, λΣ|w| (lecture eq. 2.8). Proximal (the default): after the optimizer's update,
     * w ← sign(w)·max(|w| − ηλ, 0), soft thresholding, which sets small weights to exactly 0. Subgradient: λ·sign(w)
     * (sign(0) = 0) is added to dL/dw, which leaves weights oscillating around 0 instead.
     *
     * @param lambda λ &ge; 0
     * @param proximal true for the soft-threshold step, false for the subgradient
     */
    record L1(double lambda, boolean proximal) implements Regularizer {
        /**
         * Checks λ.
         *
         * @throws IllegalArgumentException for a negative, infinite or NaN λ
         */
        public L1 {
            requireLambda("L1 lambda", lambda);
        }

        /**
         * The proximal form.
         *
         * @param lambda λ &ge; 0
         */
        public L1(double lambda) {
            this(lambda, true);
        }

        @Override
        public double penaltyOf(Tensor w) {
            return lambda * sumAbs(w);
        }

        @Override
        public void addGradient(double[] w, double[] g) {
            if (!proximal) {
                addSign(w, g, lambda);
            }
        }

        @Override
        public void proximal(double[] w, double lr) {
            if (proximal) {
                softThreshold(w, lr * lambda);
            }
        }
    }

    /**
     * Elastic net, λ₁Σ|w| + λ₂Σw²: the L2 part as the gradient 2λ₂w (as {@link L2}), the L1 part proximal (default)
     * or as a subgradient (as {@link L1}).
     *
     * @param l1 λ₁ &ge; 0
     * @param l2 λ₂ &ge; 0
     * @param proximal true for the L1 soft-threshold step, false for the L1 subgradient
     */
    record ElasticNet(double l1, double l2, boolean proximal) implements Regularizer {
        /**
         * Checks λ₁ and λ₂.
         *
         * @throws IllegalArgumentException for a negative, infinite or NaN λ
         */
        public ElasticNet {
            requireLambda("elastic-net l1", l1);
            requireLambda("elastic-net l2", l2);
        }

        /**
         * The proximal form.
         *
         * @param l1 λ₁ &ge; 0
         * @param l2 λ₂ &ge; 0
         */
        public ElasticNet(double l1, double l2) {
            this(l1, l2, true);
        }

        @Override
        public double penaltyOf(Tensor w) {
            return l1 * sumAbs(w) + l2 * Reductions.sumSquares(w);
        }

        @Override
        public void addGradient(double[] w, double[] g) {
            new L2(l2).addGradient(w, g);
            new L1(l1, proximal).addGradient(w, g);
        }

        @Override
        public void proximal(double[] w, double lr) {
            new L1(l1, proximal).proximal(w, lr);
        }
    }

    /**
     * Parses none | l2:LAMBDA | l1:LAMBDA | l1-subgradient:LAMBDA | elastic:L1:L2 (any case; "l1" and "elastic" are
     * proximal).
     *
     * @param text the form, e.g. "l2:1e-4"
     * @return the regularizer
     * @throws IllegalArgumentException naming the text and listing the valid forms
     */
    static Regularizer parse(String text) {
        String valid = "none|l2:LAMBDA|l1:LAMBDA|l1-subgradient:LAMBDA|elastic:L1:L2";
        String[] parts = (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)).split(":");
        Regularizer r;
        try {
            r = switch (parts[0]) {
                case "none" -> parts.length == 1 ? none() : null;
                case "l2" -> parts.length == 2 ? new L2(Double.parseDouble(parts[1])) : null;
                case "l1" -> parts.length == 2 ? new L1(Double.parseDouble(parts[1])) : null;
                case "l1-subgradient" -> parts.length == 2 ? new L1(Double.parseDouble(parts[1]), false) : null;
                case "elastic" -> parts.length == 3
                        ? new ElasticNet(Double.parseDouble(parts[1]), Double.parseDouble(parts[2])) : null;
                default -> null;
            };
        } catch (IllegalArgumentException e) {
            return fail(text, valid, e);
        }
        return r != null ? r : fail(text, valid, null);
    }

    private static Regularizer fail(String text, String valid, Exception cause) {
        throw new IllegalArgumentException("invalid regularizer '" + text + "'"
                + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "")
                + "; valid: " + valid, cause);
    }

    private static void requireLambda(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("invalid " + what + ": " + v + " (must be finite and >= 0)");
        }
    }

    private static double sumAbs(Tensor w) {
        double s = 0;
        for (int i = 0; i < w.size(); i++) {
            s += Math.abs(w.getFlat(i));
        }
        return s;
    }

    private static void addSign(double[] w, double[] g, double lambda) {
        for (int i = 0; i < w.length; i++) {
            g[i] += lambda * Math.signum(w[i]);
        }
    }

    private static void softThreshold(double[] w, double t) {
        for (int i = 0; i < w.length; i++) {
            double a = Math.abs(w[i]) - t;
            w[i] = a > 0 ? Math.copySign(a, w[i]) : 0.0;
        }
    }
}
