package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;

/** Softmax along the last axis: y_i = e^(x_i) / Σ_j e^(x_j). For training use logits with {@code Loss.crossEntropy} instead. */
public final class Softmax extends Activation {
    /** Creates a softmax. */
    public Softmax() {
    }

    @Override
    public Variable forward(Variable x) {
        return Ops.softmax(requireInput(x, "Softmax"));
    }

    @Override
    public ActivationKind kind() {
        return ActivationKind.SOFTMAX;
    }
}
