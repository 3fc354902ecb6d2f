package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Exponential linear unit: φ(x) = x for x &gt; 0, α·(e^x − 1) otherwise (PyTorch default α = 1). */
public final class ELU extends Activation {
    private final double alpha;

    /**
     * An ELU with the given α.
     *
     * @param alpha α, the limit −α of φ for x → −∞ (PyTorch's default 1)
     * @throws IllegalArgumentException if {@code alpha} is not finite
     */
    public ELU(double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("invalid elu alpha: " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.elu(requireInput(x, "ELU"), alpha);
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.ELU;
    }

    @Override
    public double param() {
        return alpha;
    }
}
