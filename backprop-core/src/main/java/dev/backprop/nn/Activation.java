package dev.backprop.nn;

import dev.backprop.autograd.Variable;

/**
 * A parameter-free element-wise nonlinearity φ (or softmax along the last axis). Subclasses are thin wrappers over
 * the differentiable {@code Ops} functions; {@link ActivationKind#module} builds one from its kind.
 */
public abstract sealed class Activation extends Module
        permits Sigmoid, Tanh, ReLU, LeakyReLU, ELU, GELU, SiLU, Softmax, Identity {
    /** Creates the activation (a leaf module without parameters). */
    public Activation() {
    }

    /**
     * The kind of nonlinearity.
     *
     * @return the kind, which carries its gain, family and saturation threshold
     */
    public abstract ActivationKind kind();

    /**
     * The activation's parameter.
     *
     * @return the negative slope of leaky_relu, α of elu, 0 for the others
     */
    public double param() {
        return 0.0;
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
