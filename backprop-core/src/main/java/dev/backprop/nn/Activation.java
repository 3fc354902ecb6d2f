package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import java.util.Locale;

/**
 * A parameter-free element-wise nonlinearity φ (or softmax along the last axis). Subclasses are thin wrappers over
 * the differentiable {@code Ops} functions; {@link #of} builds one from its name.
 */
public abstract sealed class Activation extends Module
        permits Sigmoid, Tanh, ReLU, LeakyReLU, ELU, GELU, SiLU, Softmax, Identity {
    /** The names accepted by {@link #of}. */
    public static final String KINDS = "sigmoid, tanh, relu, leaky_relu, elu, gelu, silu, softmax, identity";

    /** The name used in specs and by {@code Init.gain}: "relu", "leaky_relu", ... */
    public abstract String kind();

    /** The activation's parameter (slope of leaky_relu, α of elu), 0 for the others. */
    public double param() {
        return 0.0;
    }

    /**
     * The activation named {@code kind} ("leaky_relu" and "elu" take {@code param}: the negative slope, α).
     *
     * @throws IllegalArgumentException for an unknown kind, listing {@link #KINDS}
     */
    public static Activation of(String kind, double param) {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (k) {
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "relu" -> new ReLU();
            case "leaky_relu", "leakyrelu" -> new LeakyReLU(param);
            case "elu" -> new ELU(param);
            case "gelu" -> new GELU();
            case "silu", "swish" -> new SiLU();
            case "softmax" -> new Softmax();
            case "identity", "linear", "none" -> new Identity();
            default -> throw new IllegalArgumentException("unknown activation '" + kind + "'; known: " + KINDS);
        };
    }

    @Override
    public LayerSpec.Activation spec() {
        return new LayerSpec.Activation(kind(), param());
    }

    @Override
    public String describe() {
        return getClass().getSimpleName() + (param() != 0.0 ? "(" + param() + ")" : "");
    }

    /** Shared check: element-wise activations take any shape, but a Variable is required. */
    static Variable requireInput(Variable x, String who) {
        if (x == null) {
            throw new IllegalArgumentException(who + " got a null input");
        }
        return x;
    }
}
