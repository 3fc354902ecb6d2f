package dev.backprop.nn;

import dev.backprop.nn.init.Init;
import dev.backprop.nn.init.Initializer;
import dev.backprop.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A multi-layer perceptron with named settings: Linear-[BatchNorm1d]-activation-[Dropout] for every hidden layer,
 * then a final Linear producing logits (no activation: the loss applies softmax or sigmoid).
 *
 * <pre>{@code
 * Sequential net = Mlp.of(784, 256, 128, 10).activation(ActivationKind.RELU).dropout(0.2).seed(42).build();
 * }</pre>
 *
 * <p>Each setting returns a new {@code Mlp}, so a base configuration can be shared. Defaults: ReLU, no dropout, no
 * batch normalization, F32, each Linear initialized by {@link Init#defaultFor} for the activation that follows it,
 * seed 0.
 */
public final class Mlp {
    private final int[] sizes;
    private final ActivationKind activation;
    private final double param;
    private final double dropout;
    private final boolean batchNorm;
    private final DType dtype;
    private final Initializer weightInit;
    private final long seed;

    private Mlp(int[] sizes, ActivationKind activation, double param, double dropout, boolean batchNorm, DType dtype,
            Initializer weightInit, long seed) {
        this.sizes = sizes;
        this.activation = activation;
        this.param = param;
        this.dropout = dropout;
        this.batchNorm = batchNorm;
        this.dtype = dtype;
        this.weightInit = weightInit;
        this.seed = seed;
    }

    /**
     * An MLP with layer widths {@code sizes}: input, hidden..., output, and the default settings.
     *
     * @param sizes the widths; {@code sizes.length - 1} Linear layers
     * @return the settings
     * @throws IllegalArgumentException with fewer than two sizes or a size below 1
     */
    public static Mlp of(int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output sizes, got "
                    + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("MLP layer sizes must be >= 1, got " + Arrays.toString(sizes));
            }
        }
        return new Mlp(sizes.clone(), ActivationKind.RELU, Double.NaN, 0, false, DType.F32, null, 0);
    }

    /**
     * The hidden layers' activation, with its default parameter ({@link ActivationKind#defaultParam}).
     *
     * @param kind the activation, not softmax
     * @return the changed settings
     * @throws IllegalArgumentException for {@link ActivationKind#SOFTMAX}
     */
    public Mlp activation(ActivationKind kind) {
        return activation(kind, Double.NaN);
    }

    /**
     * The hidden layers' activation with parameter {@code param}: leaky ReLU's slope, ELU's α, PReLU's initial slope
     * (NaN: the default). PReLU gets one learned slope per feature.
     *
     * @param kind the activation, not softmax
     * @param param its parameter, or NaN
     * @return the changed settings
     * @throws IllegalArgumentException for {@link ActivationKind#SOFTMAX}
     */
    public Mlp activation(ActivationKind kind, double param) {
        Objects.requireNonNull(kind, "activation");
        if (kind == ActivationKind.SOFTMAX) {
            throw new IllegalArgumentException("softmax is not a hidden-layer activation; the loss applies it");
        }
        return new Mlp(sizes, kind, param, dropout, batchNorm, dtype, weightInit, seed);
    }

    /**
     * Inverted dropout ({@link Dropout}) after each hidden activation.
     *
     * @param p the drop probability, in [0, 1); 0 for none
     * @return the changed settings
     * @throws IllegalArgumentException for p outside [0, 1)
     */
    public Mlp dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        return new Mlp(sizes, activation, param, p, batchNorm, dtype, weightInit, seed);
    }

    /**
     * Batch normalization of each hidden Linear's output before its activation; the Linear then has no bias, which
     * the batch-norm shift would cancel. The batch-norm layers use PyTorch's defaults (ε = 1e-5, momentum 0.1).
     *
     * @param on true for batch normalization
     * @return the changed settings
     */
    public Mlp batchNorm(boolean on) {
        return new Mlp(sizes, activation, param, dropout, on, dtype, weightInit, seed);
    }

    /**
     * The element type of the parameters.
     *
     * @param type F32 (the default) or F64
     * @return the changed settings
     */
    public Mlp dtype(DType type) {
        return new Mlp(sizes, activation, param, dropout, batchNorm, Objects.requireNonNull(type, "dtype"),
                weightInit, seed);
    }

    /**
     * One initializer for every Linear weight (biases 0), instead of the default per activation
     * ({@link Init#defaultFor}). It applies to the output layer too.
     *
     * @param init the weight initializer
     * @return the changed settings
     */
    public Mlp weightInit(Initializer init) {
        return new Mlp(sizes, activation, param, dropout, batchNorm, dtype, Objects.requireNonNull(init, "init"),
                seed);
    }

    /**
     * The seed of the initialization and of the dropout masks: same seed, same model.
     *
     * @param s the seed (default 0)
     * @return the changed settings
     */
    public Mlp seed(long s) {
        return new Mlp(sizes, activation, param, dropout, batchNorm, dtype, weightInit, s);
    }

    /**
     * The layer widths, input first.
     *
     * @return a copy of the widths
     */
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * The hidden layers' activation.
     *
     * @return the activation kind
     */
    public ActivationKind activation() {
        return activation;
    }

    /**
     * The layer specs: what {@link #build} builds and a model file's architecture records.
     *
     * @return a new list of specs, Linear first and last
     */
    public List<LayerSpec> specs() {
        List<LayerSpec> specs = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            boolean last = i + 2 == sizes.length;
            specs.add(new LayerSpec.Linear(sizes[i], sizes[i + 1], last || !batchNorm));
            if (last) {
                break;
            }
            if (batchNorm) {
                specs.add(new LayerSpec.BatchNorm1d(sizes[i + 1], 1e-5, 0.1));
            }
            specs.add(activation.spec(param, sizes[i + 1]));
            if (dropout > 0) {
                specs.add(new LayerSpec.Dropout(dropout));
            }
        }
        return specs;
    }

    /**
     * A new, initialized network; the same settings and seed give the same parameters.
     *
     * @return the network
     */
    public Sequential build() {
        Sequential net = Sequential.fromSpecs(specs(), dtype, seed);
        if (!Double.isNaN(param) && activation == ActivationKind.PRELU) {
            for (Module m : net.layers()) {
                if (m instanceof PReLU p) {
                    p.alpha().value().fill(param);
                }
            }
        }
        if (weightInit != null) {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
            for (Module m : net.layers()) {
                if (m instanceof Linear l) {
                    l.reset(weightInit, Init.defaultFor(Role.BIAS, activation), rng);
                }
            }
        }
        return net;
    }
}
