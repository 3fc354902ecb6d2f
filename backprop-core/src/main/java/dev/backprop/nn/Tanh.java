package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Hyperbolic tangent: φ(x) = (e^x − e^(−x)) / (e^x + e^(−x)) (lecture eq. 1.16). */
public final class Tanh extends Activation {
    /** Creates a tanh. */
    public Tanh() {
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.tanh(requireInput(x, "Tanh"));
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.TANH;
    }
}
