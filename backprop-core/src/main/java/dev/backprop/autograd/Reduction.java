package dev.backprop.autograd;

/**
 * How a loss combines its per-element (or per-sample) terms: {@code MEAN} divides their sum by their number,
 * {@code SUM} keeps the sum. For {@link Ops#softmaxCrossEntropy} the terms are per sample (N of them); for
 * {@link Ops#mse} and {@link Ops#bceWithLogits} they are per element, as in PyTorch.
 */
public enum Reduction {
    /** Divide the sum of the terms by their number. */
    MEAN,
    /** Keep the sum of the terms. */
    SUM
}
