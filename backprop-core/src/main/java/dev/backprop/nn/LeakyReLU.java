package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Leaky ReLU: φ(x) = x for x &gt; 0, slope·x otherwise (fixed slope, PyTorch default 0.01). */
public final class LeakyReLU extends Activation {
    private final double slope;

    /**
     * A leaky ReLU with the given negative slope.
     *
     * @param slope the slope for x &le; 0 (PyTorch's default 0.01)
     * @throws IllegalArgumentException if {@code slope} is not finite
     */
    public LeakyReLU(double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("invalid leaky_relu slope: " + slope);
        }
        this.slope = slope;
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.leakyRelu(requireInput(x, "LeakyReLU"), slope);
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.LEAKY_RELU;
    }

    @Override
    public double param() {
        return slope;
    }
}
