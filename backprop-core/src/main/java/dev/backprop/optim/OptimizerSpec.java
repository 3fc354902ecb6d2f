package dev.backprop.optim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.nn.Parameter;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An optimizer and its hyper-parameters as a plain value: what a config file holds, and what {@link #build} turns
 * into a working {@link Optimizer} over a model's parameters. Specs are immutable records, validated when made
 * (an invalid value throws an {@link IllegalArgumentException} naming the parameter and its valid range), with
 * PyTorch's defaults, and "withers" that return a changed copy:
 * <pre>{@code
 *   OptimizerSpec sgd = OptimizerSpec.Sgd.lr(0.05).momentum(0.9).nesterov(true);
 *   OptimizerSpec adam = OptimizerSpec.Adam.lr(1e-3).betas(0.9, 0.999);
 *   OptimizerSpec adamw = OptimizerSpec.AdamW.lr(1e-3).weightDecay(0.01);
 *   Optimizer opt = adamw.build(model.parameters(), Regularizer.none());
 * }</pre>
 *
 * <p>JSON form (Jackson, see {@link #toJson}): one object with a "type" field ({@link #NAMES}) and the
 * hyper-parameters under PyTorch's keyword names, e.g.
 * {@code {"type":"adamw","lr":0.001,"beta1":0.9,"beta2":0.999,"eps":1.0E-8,"weight_decay":0.01}} (PyTorch's
 * {@code betas} pair is {@code beta1}, {@code beta2}). Keys left out of an object read as their defaults, so
 * {@code {"type":"adam"}} is Adam with PyTorch's defaults. The keys are fixed names, so a mapper with a naming
 * strategy (the CLI's kebab-case) reads and writes the same form.
 *
 * <p>Specs are {@link Serializable} as well (records of numbers), for frameworks that ship values to other machines.
 *
 * <p>Adding an optimizer: a record here (implementing {@link #build(List)} and {@link #withLr}) and its line in
 * {@link JsonSubTypes}; {@link #named} and {@link #NAMES} pick it up from there.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OptimizerSpec.Sgd.class, name = "sgd"),
    @JsonSubTypes.Type(value = OptimizerSpec.Adam.class, name = "adam"),
    @JsonSubTypes.Type(value = OptimizerSpec.AdamW.class, name = "adamw"),
    @JsonSubTypes.Type(value = OptimizerSpec.RMSProp.class, name = "rmsprop")
})
public sealed interface OptimizerSpec extends Serializable {
    /** The type names of the specs, as in JSON: "sgd|adam|adamw|rmsprop". */
    String NAMES = String.join("|", Arrays.stream(OptimizerSpec.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name).toList());

    /**
     * The learning rate η.
     *
     * @return η
     */
    double lr();

    /**
     * This spec with another learning rate.
     *
     * @param lr the new rate η, finite and &ge; 0
     * @return a copy with rate {@code lr}
     * @throws IllegalArgumentException for a negative, infinite or NaN rate
     */
    OptimizerSpec withLr(double lr);

    /**
     * The optimizer over these parameter groups (each group's own rate and regularizer; this spec's lr unused).
     *
     * @param groups the parameter groups
     * @return a new optimizer
     * @throws IllegalArgumentException for no groups or a parameter name that appears twice
     */
    Optimizer build(List<ParamGroup> groups);

    /**
     * The optimizer over {@code params} at this spec's rate, with the default grouping of {@link ParamGroup#split}:
     * {@code regularizer} on the weights, none on biases and the other parameters.
     *
     * @param params the parameters, e.g. {@code model.parameters()}
     * @param regularizer the penalty on the weights
     * @return a new optimizer
     */
    default Optimizer build(List<Parameter> params, Regularizer regularizer) {
        return build(ParamGroup.split(params, lr(), regularizer));
    }

    /**
     * The type name as in JSON.
     *
     * @return "sgd", "adam", "adamw" or "rmsprop"
     */
    default String name() {
        for (JsonSubTypes.Type t : OptimizerSpec.class.getAnnotation(JsonSubTypes.class).value()) {
            if (t.value() == getClass()) {
                return t.name();
            }
        }
        throw new IllegalStateException(getClass() + " is not listed in OptimizerSpec's @JsonSubTypes");
    }

    /**
     * This spec as JSON.
     *
     * @return a JSON object with its "type" and every hyper-parameter
     */
    default String toJson() {
        try {
            return new ObjectMapper().writerFor(OptimizerSpec.class).writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an optimizer spec as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A spec from its JSON form; keys left out take their defaults.
     *
     * @param json a JSON object with a "type"
     * @return the spec
     * @throws IllegalArgumentException for malformed JSON, a missing or unknown type (listing {@link #NAMES}) or an
     *     invalid value (naming the parameter)
     */
    static OptimizerSpec fromJson(String json) {
        try {
            OptimizerSpec s = new ObjectMapper().readValue(json, OptimizerSpec.class);
            if (s == null) {
                throw new IllegalArgumentException("invalid optimizer spec JSON: null; expected an object with a type ("
                        + NAMES + ")");
            }
            return s;
        } catch (com.fasterxml.jackson.databind.exc.InvalidTypeIdException e) {
            throw new IllegalArgumentException("unknown optimizer type '" + e.getTypeId() + "'; valid: " + NAMES, e);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable c = e.getCause();
            throw new IllegalArgumentException(c != null && c.getMessage() != null ? c.getMessage()
                    : e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid optimizer spec JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The spec of the optimizer named {@code name} (one of {@link #NAMES}, any case) with PyTorch's defaults.
     *
     * @param name the type name
     * @return the default spec of that optimizer
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    static OptimizerSpec named(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!Arrays.asList(NAMES.split("\\|")).contains(n)) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; valid: " + NAMES);
        }
        return fromJson("{\"type\":\"" + n + "\"}");
    }

    /**
     * Stochastic gradient descent ({@link SGD}), PyTorch's {@code torch.optim.SGD(params, lr, momentum, dampening,
     * nesterov)}. With g the gradient (plus the regularizer's term), μ the momentum, τ the dampening:
     * <pre>
     *   b ← g (first step),  b ← μ·b + (1 − τ)·g (later steps)
     *   w ← w − η·(g + μ·b)  (Nesterov)   or   w ← w − η·b  (μ &gt; 0)   or   w ← w − η·g  (μ = 0)
     * </pre>
     *
     * @param lr learning rate η ≥ 0 (default 0.001)
     * @param momentum μ ≥ 0 (default 0)
     * @param dampening τ in [0, 1] (default 0)
     * @param nesterov Nesterov momentum, which needs μ &gt; 0 and τ = 0 (default false)
     */
    record Sgd(@JsonProperty("lr") double lr, @JsonProperty("momentum") double momentum,
               @JsonProperty("dampening") double dampening, @JsonProperty("nesterov") boolean nesterov)
            implements OptimizerSpec {
        /** PyTorch's defaults: lr 0.001, no momentum, no dampening, no Nesterov. */
        public static final Sgd DEFAULTS = new Sgd(1e-3, 0, 0, false);

        /**
         * Validates the hyper-parameters.
         *
         * @throws IllegalArgumentException for a value out of its range (see the components), or Nesterov without
         *     momentum or with dampening
         */
        public Sgd {
            checkLr("sgd", lr);
            checkNonNegative("sgd", "momentum", momentum);
            checkRange("sgd", "dampening", dampening, 0, 1, true);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("sgd nesterov needs momentum > 0 and dampening 0, got momentum "
                        + momentum + ", dampening " + dampening);
            }
        }

        @JsonCreator
        static Sgd json(@JsonProperty("lr") Double lr, @JsonProperty("momentum") Double momentum,
                        @JsonProperty("dampening") Double dampening, @JsonProperty("nesterov") Boolean nesterov) {
            Sgd d = DEFAULTS;
            return new Sgd(lr == null ? d.lr : lr, momentum == null ? d.momentum : momentum,
                    dampening == null ? d.dampening : dampening, nesterov == null ? d.nesterov : nesterov);
        }

        /**
         * SGD at rate {@code lr}, the other hyper-parameters at their defaults.
         *
         * @param lr the learning rate η &ge; 0
         * @return the spec
         */
        public static Sgd lr(double lr) {
            return DEFAULTS.withLr(lr);
        }

        @Override
        public Sgd withLr(double lr) {
            return new Sgd(lr, momentum, dampening, nesterov);
        }

        /**
         * This spec with another momentum.
         *
         * @param momentum μ &ge; 0
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public Sgd momentum(double momentum) {
            return new Sgd(lr, momentum, dampening, nesterov);
        }

        /**
         * This spec with another dampening.
         *
         * @param dampening τ in [0, 1]
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public Sgd dampening(double dampening) {
            return new Sgd(lr, momentum, dampening, nesterov);
        }

        /**
         * This spec with Nesterov momentum on or off.
         *
         * @param nesterov true for Nesterov momentum (needs μ &gt; 0 and τ = 0)
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public Sgd nesterov(boolean nesterov) {
            return new Sgd(lr, momentum, dampening, nesterov);
        }

        @Override
        public Optimizer build(List<ParamGroup> groups) {
            return new SGD(groups, momentum, dampening, nesterov);
        }
    }

    /**
     * Adam ({@link dev.backprop.optim.Adam}), PyTorch's {@code torch.optim.Adam(params, lr, betas=(beta1, beta2),
     * eps)}. With g the gradient (plus the regularizer's term: an L2 penalty is the coupled "Adam with weight
     * decay"), t the step count:
     * <pre>
     *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
     *   w ← w − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
     * </pre>
     *
     * @param lr learning rate η ≥ 0 (default 0.001)
     * @param beta1 β₁ in [0, 1) (default 0.9)
     * @param beta2 β₂ in [0, 1) (default 0.999)
     * @param eps ε ≥ 0 (default 1e-8)
     */
    record Adam(@JsonProperty("lr") double lr, @JsonProperty("beta1") double beta1,
                @JsonProperty("beta2") double beta2, @JsonProperty("eps") double eps) implements OptimizerSpec {
        /** PyTorch's defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8. */
        public static final Adam DEFAULTS = new Adam(1e-3, 0.9, 0.999, 1e-8);

        /**
         * Validates the hyper-parameters.
         *
         * @throws IllegalArgumentException for a value out of its range (see the components)
         */
        public Adam {
            checkLr("adam", lr);
            checkRange("adam", "beta1", beta1, 0, 1, false);
            checkRange("adam", "beta2", beta2, 0, 1, false);
            checkNonNegative("adam", "eps", eps);
        }

        @JsonCreator
        static Adam json(@JsonProperty("lr") Double lr, @JsonProperty("beta1") Double beta1,
                         @JsonProperty("beta2") Double beta2, @JsonProperty("eps") Double eps) {
            Adam d = DEFAULTS;
            return new Adam(lr == null ? d.lr : lr, beta1 == null ? d.beta1 : beta1, beta2 == null ? d.beta2 : beta2,
                    eps == null ? d.eps : eps);
        }

        /**
         * Adam at rate {@code lr}, the other hyper-parameters at their defaults.
         *
         * @param lr the learning rate η &ge; 0
         * @return the spec
         */
        public static Adam lr(double lr) {
            return DEFAULTS.withLr(lr);
        }

        @Override
        public Adam withLr(double lr) {
            return new Adam(lr, beta1, beta2, eps);
        }

        /**
         * This spec with other moment decays.
         *
         * @param beta1 β₁ in [0, 1)
         * @param beta2 β₂ in [0, 1)
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public Adam betas(double beta1, double beta2) {
            return new Adam(lr, beta1, beta2, eps);
        }

        /**
         * This spec with another ε.
         *
         * @param eps ε &ge; 0
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public Adam eps(double eps) {
            return new Adam(lr, beta1, beta2, eps);
        }

        @Override
        public Optimizer build(List<ParamGroup> groups) {
            return new dev.backprop.optim.Adam(groups, beta1, beta2, eps);
        }
    }

    /**
     * Adam with decoupled weight decay ({@link dev.backprop.optim.AdamW}), PyTorch's {@code torch.optim.AdamW(params,
     * lr, betas=(beta1, beta2), eps, weight_decay)}: first w ← w·(1 − η·wd) on the weights (not on biases and the
     * other parameters), then the {@link Adam} step.
     *
     * @param lr learning rate η ≥ 0 (default 0.001)
     * @param beta1 β₁ in [0, 1) (default 0.9)
     * @param beta2 β₂ in [0, 1) (default 0.999)
     * @param eps ε ≥ 0 (default 1e-8)
     * @param weightDecay wd ≥ 0, JSON key "weight_decay" (default 0.01)
     */
    record AdamW(@JsonProperty("lr") double lr, @JsonProperty("beta1") double beta1,
                 @JsonProperty("beta2") double beta2, @JsonProperty("eps") double eps,
                 @JsonProperty("weight_decay") double weightDecay) implements OptimizerSpec {
        /** PyTorch's defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01. */
        public static final AdamW DEFAULTS = new AdamW(1e-3, 0.9, 0.999, 1e-8, 0.01);

        /**
         * Validates the hyper-parameters.
         *
         * @throws IllegalArgumentException for a value out of its range (see the components)
         */
        public AdamW {
            checkLr("adamw", lr);
            checkRange("adamw", "beta1", beta1, 0, 1, false);
            checkRange("adamw", "beta2", beta2, 0, 1, false);
            checkNonNegative("adamw", "eps", eps);
            checkNonNegative("adamw", "weight_decay", weightDecay);
        }

        @JsonCreator
        static AdamW json(@JsonProperty("lr") Double lr, @JsonProperty("beta1") Double beta1,
                          @JsonProperty("beta2") Double beta2, @JsonProperty("eps") Double eps,
                          @JsonProperty("weight_decay") Double weightDecay) {
            AdamW d = DEFAULTS;
            return new AdamW(lr == null ? d.lr : lr, beta1 == null ? d.beta1 : beta1,
                    beta2 == null ? d.beta2 : beta2, eps == null ? d.eps : eps,
                    weightDecay == null ? d.weightDecay : weightDecay);
        }

        /**
         * AdamW at rate {@code lr}, the other hyper-parameters at their defaults.
         *
         * @param lr the learning rate η &ge; 0
         * @return the spec
         */
        public static AdamW lr(double lr) {
            return DEFAULTS.withLr(lr);
        }

        @Override
        public AdamW withLr(double lr) {
            return new AdamW(lr, beta1, beta2, eps, weightDecay);
        }

        /**
         * This spec with other moment decays.
         *
         * @param beta1 β₁ in [0, 1)
         * @param beta2 β₂ in [0, 1)
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public AdamW betas(double beta1, double beta2) {
            return new AdamW(lr, beta1, beta2, eps, weightDecay);
        }

        /**
         * This spec with another ε.
         *
         * @param eps ε &ge; 0
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public AdamW eps(double eps) {
            return new AdamW(lr, beta1, beta2, eps, weightDecay);
        }

        /**
         * This spec with another decoupled weight decay.
         *
         * @param weightDecay wd &ge; 0
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public AdamW weightDecay(double weightDecay) {
            return new AdamW(lr, beta1, beta2, eps, weightDecay);
        }

        @Override
        public Optimizer build(List<ParamGroup> groups) {
            return new dev.backprop.optim.AdamW(groups, beta1, beta2, eps, weightDecay);
        }
    }

    /**
     * RMSProp ({@link dev.backprop.optim.RMSProp}), PyTorch's {@code torch.optim.RMSprop(params, lr, alpha, eps,
     * momentum, centered)}. With g the gradient (plus the regularizer's term):
     * <pre>
     *   s ← α·s + (1 − α)·g²;   a = √(s − ḡ²) + ε with ḡ ← α·ḡ + (1 − α)·g (centered)   or   a = √s + ε
     *   b ← μ·b + g / a, w ← w − η·b  (μ &gt; 0)   or   w ← w − η·g / a
     * </pre>
     *
     * @param lr learning rate η ≥ 0 (default 0.01, PyTorch's)
     * @param alpha smoothing constant α in [0, 1] (default 0.99)
     * @param eps ε ≥ 0 (default 1e-8)
     * @param momentum μ ≥ 0 (default 0)
     * @param centered normalise by the estimated variance of the gradient (default false)
     */
    record RMSProp(@JsonProperty("lr") double lr, @JsonProperty("alpha") double alpha, @JsonProperty("eps") double eps,
                   @JsonProperty("momentum") double momentum, @JsonProperty("centered") boolean centered)
            implements OptimizerSpec {
        /** PyTorch's defaults: lr 0.01, alpha 0.99, eps 1e-8, no momentum, not centered. */
        public static final RMSProp DEFAULTS = new RMSProp(1e-2, 0.99, 1e-8, 0, false);

        /**
         * Validates the hyper-parameters.
         *
         * @throws IllegalArgumentException for a value out of its range (see the components)
         */
        public RMSProp {
            checkLr("rmsprop", lr);
            checkRange("rmsprop", "alpha", alpha, 0, 1, true);
            checkNonNegative("rmsprop", "eps", eps);
            checkNonNegative("rmsprop", "momentum", momentum);
        }

        @JsonCreator
        static RMSProp json(@JsonProperty("lr") Double lr, @JsonProperty("alpha") Double alpha,
                            @JsonProperty("eps") Double eps, @JsonProperty("momentum") Double momentum,
                            @JsonProperty("centered") Boolean centered) {
            RMSProp d = DEFAULTS;
            return new RMSProp(lr == null ? d.lr : lr, alpha == null ? d.alpha : alpha, eps == null ? d.eps : eps,
                    momentum == null ? d.momentum : momentum, centered == null ? d.centered : centered);
        }

        /**
         * RMSProp at rate {@code lr}, the other hyper-parameters at their defaults.
         *
         * @param lr the learning rate η &ge; 0
         * @return the spec
         */
        public static RMSProp lr(double lr) {
            return DEFAULTS.withLr(lr);
        }

        @Override
        public RMSProp withLr(double lr) {
            return new RMSProp(lr, alpha, eps, momentum, centered);
        }

        /**
         * This spec with another smoothing constant.
         *
         * @param alpha α in [0, 1]
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public RMSProp alpha(double alpha) {
            return new RMSProp(lr, alpha, eps, momentum, centered);
        }

        /**
         * This spec with another ε.
         *
         * @param eps ε &ge; 0
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public RMSProp eps(double eps) {
            return new RMSProp(lr, alpha, eps, momentum, centered);
        }

        /**
         * This spec with another momentum.
         *
         * @param momentum μ &ge; 0
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public RMSProp momentum(double momentum) {
            return new RMSProp(lr, alpha, eps, momentum, centered);
        }

        /**
         * This spec with centering on or off.
         *
         * @param centered true to normalise by the estimated variance of the gradient
         * @return the changed copy
         * @throws IllegalArgumentException for a value out of range
         */
        public RMSProp centered(boolean centered) {
            return new RMSProp(lr, alpha, eps, momentum, centered);
        }

        @Override
        public Optimizer build(List<ParamGroup> groups) {
            return new dev.backprop.optim.RMSProp(groups, alpha, eps, momentum, centered);
        }
    }

    private static void checkLr(String optimizer, double lr) {
        checkNonNegative(optimizer, "lr", lr);
    }

    private static void checkNonNegative(String optimizer, String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(optimizer + " " + name + " must be a finite number >= 0, got " + v);
        }
    }

    private static void checkRange(String optimizer, String name, double v, double lo, double hi, boolean hiInclusive) {
        if (!(v >= lo && (hiInclusive ? v <= hi : v < hi))) {
            throw new IllegalArgumentException(optimizer + " " + name + " must be in [" + lo + ", " + hi
                    + (hiInclusive ? "]" : ")") + ", got " + v);
        }
    }
}
