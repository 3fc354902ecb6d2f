package dev.backprop.nn;

import dev.backprop.autograd.Variable;

/** The identity φ(x) = x (a placeholder layer). */
public final class Identity extends Activation {
    /** Creates an identity layer. */
    public Identity() {
    }

    @Override
    public Variable forward(Variable x) {
        return requireInput(x, "Identity");
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.IDENTITY;
    }
}
