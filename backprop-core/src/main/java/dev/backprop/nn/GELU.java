package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Gaussian error linear unit, exact form: φ(x) = x·Φ(x) = x·(1 + erf(x/√2))/2. */
public final class GELU extends Activation {
    /** Creates a GELU. */
    public GELU() {
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.gelu(requireInput(x, "GELU"));
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.GELU;
    }
}
