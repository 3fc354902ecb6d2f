package dev.backprop.nn;

/**
 * What a {@link Parameter} is for. Optimizers regularize only {@link #WEIGHT}s by default (weight decay on biases,
 * PReLU slopes or batch-norm parameters hurts more than it helps), and {@code Init.defaultFor} picks an initializer
 * by role.
 */
public enum Role {
    /** A weight matrix of a {@link Linear} layer. */
    WEIGHT,
    /** An additive bias. */
    BIAS,
    /** The learnable negative slope α of a {@link PReLU}. */
    PRELU_ALPHA,
    /** The scale γ of a {@link BatchNorm1d}. */
    BN_SCALE,
    /** The shift β of a {@link BatchNorm1d}. */
    BN_SHIFT
}
