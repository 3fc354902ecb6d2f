package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Rectified linear unit: φ(x) = max(x, 0); its gradient at 0 is taken as 0. */
public final class ReLU extends Activation {
    /** Creates a ReLU. */
    public ReLU() {
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.relu(requireInput(x, "ReLU"));
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.RELU;
    }
}
