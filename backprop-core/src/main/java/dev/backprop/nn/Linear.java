package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.init.Initializer;
import dev.backprop.tensor.DType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected layer: y = x·Wᵀ + b for x of shape [N, in], with W of shape [out, in] (PyTorch's layout) and
 * b of shape [out]: row i of W is neuron i's weight vector w_iᵀ, as in the lecture's eqs. 1.1 and 1.2, and each output
 * is a linear combiner, a weighted sum of the inputs plus a bias.
 *
 * <p>A new layer is initialized at random, never all zeros: Xavier-uniform weights (gain 1, as for a layer followed
 * by no activation) and zero bias, from a seed drawn from {@link Init#nextSeed()} (so {@link Init#manualSeed} makes
 * hand-built networks reproducible, and two layers of the same shape start different). {@link #reseed} and
 * {@link #resetParameters} re-initialize it from a seed or generator of the caller's; {@link Sequential#fromSpecs}
 * initializes each Linear for the activation that follows it.
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A layer with bias and F32 parameters.
     *
     * @param in input features
     * @param out output features
     */
    public Linear(int in, int out) {
        this(in, out, true, DType.F32, Init.nextSeed());
    }

    /**
     * A layer with bias.
     *
     * @param in input features
     * @param out output features
     * @param dtype element type of the parameters
     */
    public Linear(int in, int out, DType dtype) {
        this(in, out, true, dtype, Init.nextSeed());
    }

    /**
     * A layer without bias: y = x·Wᵀ (e.g. before batch normalization, whose shift replaces the bias).
     *
     * @param in input features
     * @param out output features
     * @param dtype element type of the parameters
     * @return the layer
     */
    public static Linear withoutBias(int in, int out, DType dtype) {
        return new Linear(in, out, false, dtype, Init.nextSeed());
    }

    Linear(int in, int out, boolean bias, DType dtype, long seed) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = Parameter.of("weight", Role.WEIGHT, dev.backprop.tensor.Tensor.zeros(dtype, out, in));
        this.bias = bias ? Parameter.of("bias", Role.BIAS, dev.backprop.tensor.Tensor.zeros(dtype, out)) : null;
        reseed(seed);
    }

    /**
     * Re-initializes the layer as a new one is (Xavier-uniform weights, zero bias) from {@code seed}: the same seed
     * gives the same weights.
     *
     * @param seed the seed
     * @return this layer
     */
    public Linear reseed(long seed) {
        return resetParameters(ActivationKind.IDENTITY, new SplittableRandom(seed));
    }

    /**
     * Fills the weight with {@code weightInit} (fanIn = in, fanOut = out), then the bias with {@code biasInit}.
     *
     * @param weightInit the weight's initializer
     * @param biasInit the bias's initializer (unused without a bias)
     * @param rng the generator both draw from, in that order
     * @return this layer
     */
    public Linear reset(Initializer weightInit, Initializer biasInit, SplittableRandom rng) {
        weightInit.init(weight.value(), in, out, rng);
        if (bias != null) {
            biasInit.init(bias.value(), in, out, rng);
        }
        return this;
    }

    /**
     * The default initialization for a layer followed by {@code activation} (see {@code Init.defaultFor}): He-normal
     * weights for the ReLU family, Xavier-uniform with the activation's gain otherwise; zero bias.
     *
     * @param activation the nonlinearity that follows the layer ({@link ActivationKind#IDENTITY} or null for none)
     * @param rng the generator to draw from
     * @return this layer
     */
    public Linear resetParameters(ActivationKind activation, SplittableRandom rng) {
        return reset(Init.defaultFor(Role.WEIGHT, activation), Init.defaultFor(Role.BIAS, activation), rng);
    }

    /**
     * The number of input features.
     *
     * @return in, the width of W's rows
     */
    public int in() {
        return in;
    }

    /**
     * The number of output features.
     *
     * @return out
     */
    public int out() {
        return out;
    }

    /**
     * The weight.
     *
     * @return W, of shape [out, in], role {@link Role#WEIGHT}
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * The bias.
     *
     * @return b, of shape [out], role {@link Role#BIAS}; null for a layer without one
     */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.value().rank() != 2 || x.value().dim(1) != in) {
            throw new IllegalArgumentException(describe() + " got input of shape " + x.value().shape()
                    + ", expected [N, " + in + "]");
        }
        if (x.value().dtype() != weight.value().dtype()) {
            throw new IllegalArgumentException(describe() + " has " + weight.value().dtype() + " weights but got "
                    + x.value().dtype() + " input of shape " + x.value().shape());
        }
        return Ops.linear(x, weight.variable(), bias == null ? null : bias.variable());
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public LayerSpec.Linear spec() {
        return new LayerSpec.Linear(in, out, bias != null);
    }

    @Override
    public int outFeatures(int inFeatures) {
        return out;
    }

    @Override
    public String describe() {
        return "Linear(" + in + "->" + out + (bias == null ? ", no bias" : "") + ")";
    }
}
