package dev.backprop.autograd;

import dev.backprop.tensor.Tensor;

/**
 * The backward rule of one operation: given dL/d(output), returns dL/d(input) for each input, in the order the
 * inputs were recorded. An entry may be {@code null} for an input that does not need a gradient (see
 * {@link Variable#requiresGrad()}); the returned tensors must have the shapes of the inputs.
 */
@FunctionalInterface
public interface BackwardFn {
    /**
     * Applies the rule.
     *
     * @param gradOutput dL/d(output), of the output's shape; must not be modified (it may be shared)
     * @return one gradient per input, in recording order; {@code null} where none is needed
     */
    Tensor[] apply(Tensor gradOutput);
}
