package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Sigmoid linear unit (swish): φ(x) = x·σ(x). */
public final class SiLU extends Activation {
    /** Creates a SiLU. */
    public SiLU() {
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.silu(requireInput(x, "SiLU"));
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.SILU;
    }
}
