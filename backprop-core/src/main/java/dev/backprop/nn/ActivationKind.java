package dev.backprop.nn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every nonlinearity φ the library knows, with what the rest of the library looks up about it: its initialization
 * gain, its family, where it saturates, its default parameter, the op it applies and the module that applies it.
 *
 * <p>Text exists only where text is parsed: {@link #parse} reads the names of the command line and of model files
 * ("relu", "leaky-relu", "leaky_relu", ...) and {@link #label} writes the canonical one. Adding an activation is one
 * constant here plus its op in {@code Ops} (and, for a new module class, its {@link Activation} subclass).
 *
 * <p>Saturation (lecture §2.1): a unit is saturated where φ'(v) is below {@link #SATURATION_DERIVATIVE_FRACTION} of
 * max φ'. For tanh, 1 − tanh²(v) &lt; 0.01 gives |v| &gt; atanh(√0.99) ≈ 2.993; for the sigmoid,
 * σ'(v) = ¼(1 − tanh²(v/2)) &lt; 0.01·¼ gives twice that, |v| &gt; ≈ 5.987.
 */
public enum ActivationKind {
    /** φ(x) = x: no nonlinearity (what follows the last Linear of a classifier). Gain 1. */
    IDENTITY("identity", Family.LINEAR, 0.0, Double.NaN),
    /** The logistic sigmoid σ(x) = 1/(1 + e^−x) (lecture eq. 1.15); σ' ≤ ¼. Gain 1. */
    SIGMOID("sigmoid", Family.SATURATING, 0.0, 2 * atanh(Math.sqrt(1 - 0.01))),
    /** tanh(x) (lecture eq. 1.16); tanh' ≤ 1. Gain 5/3. */
    TANH("tanh", Family.SATURATING, 0.0, atanh(Math.sqrt(1 - 0.01))),
    /** max(x, 0) (lecture eq. 1.17 with α = 0). Gain √2. */
    RELU("relu", Family.RELU_LIKE, 0.0, Double.NaN),
    /** x for x &gt; 0, a·x otherwise with a fixed slope a (default 0.01). Gain √(2/(1 + a²)). */
    LEAKY_RELU("leaky_relu", Family.RELU_LIKE, 0.01, Double.NaN),
    /** Parametric ReLU (lecture eq. 1.17): the slope α is learned, one per feature, starting at 0.25. */
    PRELU("prelu", Family.RELU_LIKE, 0.25, Double.NaN),
    /** x for x &gt; 0, α(e^x − 1) otherwise (default α = 1). Gain √2 (ReLU-like for large inputs). */
    ELU("elu", Family.RELU_LIKE, 1.0, Double.NaN),
    /** x·Φ(x) with Φ the standard normal CDF. Gain √2. */
    GELU("gelu", Family.RELU_LIKE, 0.0, Double.NaN),
    /** x·σ(x) (also called swish). Gain √2. */
    SILU("silu", Family.RELU_LIKE, 0.0, Double.NaN),
    /** e^(x_i)/Σ_j e^(x_j) along the last axis; for training use logits with the cross-entropy loss. Gain 1. */
    SOFTMAX("softmax", Family.NORMALIZING, 0.0, Double.NaN);

    /** A unit is saturated where φ'(v) &lt; this fraction of max φ' (lecture §2.1). */
    public static final double SATURATION_DERIVATIVE_FRACTION = 0.01;

    /** How an activation shapes gradient flow (lecture §2.1), which decides initialization and diagnostics. */
    public enum Family {
        /** The identity. */
        LINEAR,
        /** Sigmoid and tanh: bounded, with a derivative that vanishes for large |x|. */
        SATURATING,
        /** ReLU and its variants: derivative 1 for x &gt; 0; units can die (no gradient for any input). */
        RELU_LIKE,
        /** Softmax: normalizes a vector, no element-wise derivative. */
        NORMALIZING
    }

    private final String label;
    private final Family family;
    private final double defaultParam;
    private final double saturation;

    ActivationKind(String label, Family family, double defaultParam, double saturation) {
        this.label = label;
        this.family = family;
        this.defaultParam = defaultParam;
        this.saturation = saturation;
    }

    /**
     * The canonical name, as written in model files and layer specs.
     *
     * @return "relu", "leaky_relu", ...
     */
    @JsonValue
    public String label() {
        return label;
    }

    /**
     * The family, which decides the default initializer and the diagnostics that apply.
     *
     * @return the family
     */
    public Family family() {
        return family;
    }

    /**
     * Whether this is ReLU or one of its variants (He initialization by default; dead units are measured).
     *
     * @return true for the {@link Family#RELU_LIKE} family
     */
    public boolean isReluLike() {
        return family == Family.RELU_LIKE;
    }

    /**
     * Whether this is the sigmoid or tanh (Xavier initialization by default; saturation is measured).
     *
     * @return true for the {@link Family#SATURATING} family
     */
    public boolean isSaturating() {
        return family == Family.SATURATING;
    }

    /**
     * The default parameter: leaky ReLU's negative slope 0.01, PReLU's initial slope 0.25, ELU's α 1; 0 for the
     * activations without one.
     *
     * @return the default parameter
     */
    public double defaultParam() {
        return defaultParam;
    }

    /**
     * Whether the activation takes a parameter.
     *
     * @return true for leaky ReLU, PReLU and ELU
     */
    public boolean hasParam() {
        return this == LEAKY_RELU || this == PRELU || this == ELU;
    }

    /**
     * |v| beyond which φ'(v) is below 1% of its maximum, for the saturating family (≈ 5.987 for the sigmoid, ≈ 2.993
     * for tanh); NaN for the others.
     *
     * @return the threshold on the pre-activation |v|, or NaN
     */
    public double saturationThreshold() {
        return saturation;
    }

    /**
     * The largest value of φ', the reference for {@link #saturationThreshold()}.
     *
     * @return ¼ for the sigmoid, NaN for softmax, 1 for the others (exact for the identity, tanh, ReLU, leaky ReLU
     *     and PReLU with slopes up to 1, and ELU with α &le; 1; GELU's and SiLU's φ' peak a little above 1)
     */
    public double maxDerivative() {
        return switch (this) {
            case SIGMOID -> 0.25;
            case SOFTMAX -> Double.NaN;
            default -> 1.0;
        };
    }

    /**
     * The gain g that keeps the variance of activations constant from layer to layer when weights have variance
     * g²/fan (lecture §3; the values of PyTorch's {@code calculate_gain}): 1 for the identity, sigmoid and softmax,
     * 5/3 for tanh, √2 for ReLU, √(2/(1 + a²)) for leaky ReLU and PReLU with slope {@code a}, and √2 for ELU, GELU
     * and SiLU, which behave like ReLU for large inputs (an approximation: no closed form exists).
     *
     * @param param the slope a for leaky ReLU and PReLU; NaN means {@link #defaultParam()}; ignored by the others
     * @return the gain g
     */
    public double gain(double param) {
        return switch (this) {
            case IDENTITY, SIGMOID, SOFTMAX -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU, ELU, GELU, SILU -> Math.sqrt(2.0);
            case LEAKY_RELU, PRELU -> {
                double a = Double.isNaN(param) ? defaultParam : param;
                yield Math.sqrt(2.0 / (1 + a * a));
            }
        };
    }

    /**
     * {@link #gain(double)} with the default parameter.
     *
     * @return the gain g
     */
    public double gain() {
        return gain(Double.NaN);
    }

    /**
     * Applies φ to {@code x} as a differentiable op. PReLU's slope is a learned parameter: use the {@link PReLU}
     * module; here it is applied with the fixed slope {@code param}, like leaky ReLU.
     *
     * @param x the input
     * @param param the activation's parameter (see {@link #defaultParam()}); ignored by those without one
     * @return φ(x), element-wise (softmax along the last axis)
     */
    public Variable apply(Variable x, double param) {
        return switch (this) {
            case IDENTITY -> x;
            case SIGMOID -> Ops.sigmoid(x);
            case TANH -> Ops.tanh(x);
            case RELU -> Ops.relu(x);
            case LEAKY_RELU, PRELU -> Ops.leakyRelu(x, param);
            case ELU -> Ops.elu(x, param);
            case GELU -> Ops.gelu(x);
            case SILU -> Ops.silu(x);
            case SOFTMAX -> Ops.softmax(x);
        };
    }

    /**
     * The spec of the layer that applies this activation to {@code features} features: for {@link #PRELU} a
     * {@link LayerSpec.PReLU} with one learned slope per feature (which starts at 0.25 when built: {@code param} is
     * not used), for the others a {@link LayerSpec.Activation} with {@code param} (0 for those without one).
     *
     * @param param the activation's parameter; NaN means {@link #defaultParam()}
     * @param features the number of features (used by PReLU only)
     * @return the layer spec
     */
    public LayerSpec spec(double param, int features) {
        double p = Double.isNaN(param) ? defaultParam : param;
        return this == PRELU ? new LayerSpec.PReLU(features) : new LayerSpec.Activation(this, hasParam() ? p : 0.0);
    }

    /**
     * The parameter-free module for this activation (not for PReLU: see {@link PReLU}).
     *
     * @param param the activation's parameter; ignored by those without one
     * @return a new module
     * @throws IllegalArgumentException for {@link #PRELU}, or a non-finite parameter for leaky ReLU and ELU
     */
    public Activation module(double param) {
        return switch (this) {
            case IDENTITY -> new Identity();
            case SIGMOID -> new Sigmoid();
            case TANH -> new Tanh();
            case RELU -> new ReLU();
            case LEAKY_RELU -> new LeakyReLU(param);
            case ELU -> new ELU(param);
            case GELU -> new GELU();
            case SILU -> new SiLU();
            case SOFTMAX -> new Softmax();
            case PRELU -> throw new IllegalArgumentException("PReLU has learned slopes: use new PReLU(features, "
                    + param + ", dtype) or LayerSpec.PReLU");
        };
    }

    /**
     * {@link #module(double)} with the default parameter.
     *
     * @return a new module
     * @throws IllegalArgumentException for {@link #PRELU}
     */
    public Activation module() {
        return module(defaultParam);
    }

    /**
     * The canonical names, for error messages.
     *
     * @return the labels, comma-separated, in declaration order
     */
    public static String choices() {
        return Arrays.stream(values()).map(ActivationKind::label).collect(Collectors.joining(", "));
    }

    /**
     * The kind named {@code text}, case-insensitively, with '-' or '_' (leaky-relu, leaky_relu, leakyrelu) and the
     * aliases linear and none (identity).
     *
     * @param text the name
     * @return the kind
     * @throws IllegalArgumentException naming the text and listing the valid names
     */
    @JsonCreator
    public static ActivationKind parse(String text) {
        String k = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (k) {
            case "leakyrelu" -> {
                return LEAKY_RELU;
            }
            case "linear", "none" -> {
                return IDENTITY;
            }
            default -> {
                for (ActivationKind a : values()) {
                    if (a.label.equals(k)) {
                        return a;
                    }
                }
            }
        }
        throw new IllegalArgumentException("unknown activation '" + text + "'; valid: " + choices());
    }

    /**
     * The kind of the nonlinearity that a module applies.
     *
     * @param m the module
     * @return its kind for an {@link Activation} or a {@link PReLU}, null for any other module (Linear, BatchNorm1d,
     *     ...)
     */
    public static ActivationKind of(Module m) {
        return switch (m) {
            case Activation a -> a.kind();
            case PReLU p -> PRELU;
            default -> null;
        };
    }

    /** For constants: atanh(x) = ½·ln((1 + x)/(1 − x)). */
    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }
}
