package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Logistic sigmoid: φ(x) = 1 / (1 + e^(−x)) (lecture eq. 1.15). */
public final class Sigmoid extends Activation {
    /** Creates a sigmoid. */
    public Sigmoid() {
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.sigmoid(requireInput(x, "Sigmoid"));
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.SIGMOID;
    }
}
