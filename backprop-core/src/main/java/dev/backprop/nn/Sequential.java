package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Layers applied one after the other: y = f_L(…f_2(f_1(x))). The layers are registered as children "0", "1", ...,
 * so parameter and buffer names are prefixed with the layer index as in PyTorch's nn.Sequential ("0.weight",
 * "2.running_mean").
 *
 * <pre>{@code
 * Sequential net = Sequential.of(new Linear(784, 256), new ReLU(), new Linear(256, 10));
 * }</pre>
 */
public final class Sequential extends Module {
    private final List<Module> layers;

    /**
     * The layers in order.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(List<Module> layers) {
        this.layers = List.copyOf(layers);
        for (int i = 0; i < this.layers.size(); i++) {
            register(Integer.toString(i), this.layers.get(i));
        }
    }

    /**
     * The layers in order.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    /**
     * The layers in order: {@code Sequential.of(new Linear(784, 256), new ReLU(), new Linear(256, 10))}.
     *
     * @param layers the layers, applied first to last
     * @return the network
     */
    public static Sequential of(Module... layers) {
        return new Sequential(layers);
    }

    /**
     * Builds layers from specs with one seed: layer i gets the i-th long drawn from a generator seeded with
     * {@code seed}. Each Linear is initialized by {@code Init.defaultFor} for the activation that follows it (the
     * next Activation or PReLU, skipping BatchNorm1d and Dropout; none when another layer or the end comes first).
     *
     * @param specs the layers' specs, in order
     * @param dtype the dtype of the parameters and buffers
     * @param seed the seed of the whole network: same specs and seed, same parameters
     * @return the network
     */
    public static Sequential fromSpecs(List<LayerSpec> specs, DType dtype, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Module> built = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            long layerSeed = seeds.nextLong();
            LayerSpec s = specs.get(i);
            if (s instanceof LayerSpec.Linear l) {
                Linear lin = new Linear(l.in(), l.out(), l.bias(), dtype, layerSeed);
                lin.resetParameters(activationAfter(specs, i), new SplittableRandom(layerSeed));
                built.add(lin);
            } else {
                built.add(s.build(dtype, layerSeed));
            }
        }
        return new Sequential(built);
    }

    private static ActivationKind activationAfter(List<LayerSpec> specs, int i) {
        for (int k = i + 1; k < specs.size(); k++) {
            switch (specs.get(k)) {
                case LayerSpec.Activation a -> {
                    return a.kind();
                }
                case LayerSpec.PReLU p -> {
                    return ActivationKind.PRELU;
                }
                case LayerSpec.BatchNorm1d b -> { }
                case LayerSpec.Dropout d -> { }
                default -> {
                    return ActivationKind.IDENTITY;
                }
            }
        }
        return ActivationKind.IDENTITY;
    }

    /**
     * The number of layers.
     *
     * @return the layer count
     */
    public int size() {
        return layers.size();
    }

    /**
     * Layer {@code i}.
     *
     * @param i the index, from 0
     * @return the layer
     */
    public Module get(int i) {
        return layers.get(i);
    }

    /**
     * The layers in order.
     *
     * @return an unmodifiable list
     */
    public List<Module> layers() {
        return layers;
    }

    @Override
    public Variable forward(Variable x) {
        Variable h = x;
        for (Module layer : layers) {
            h = layer.apply(h);
        }
        return h;
    }

    @Override
    public LayerSpec.Sequence spec() {
        return new LayerSpec.Sequence(specs());
    }

    /**
     * The spec of every layer, in order.
     *
     * @return the specs
     * @throws UnsupportedOperationException if a layer has no spec
     */
    public List<LayerSpec> specs() {
        return layers.stream().map(Module::spec).toList();
    }

    @Override
    public int outFeatures(int inFeatures) {
        int f = inFeatures;
        for (Module m : layers) {
            f = m.outFeatures(f);
        }
        return f;
    }

    @Override
    public String describe() {
        return "Sequential(" + layers.size() + " layers)";
    }

    /** {@link #summary(int)} with the input width of the first Linear (or "?" widths when there is none). */
    @Override
    public String summary() {
        for (Module m : layers) {
            if (m instanceof Linear l) {
                return summary(l.in());
            }
        }
        return summary(-1);
    }

    /**
     * A table with one row per layer: index, layer, output shape [N, features], parameter count, then the total.
     * {@code inFeatures} &lt; 0 means unknown (shapes print as "?" up to the first Linear).
     *
     * @param inFeatures the input width, or a negative number when unknown
     * @return the table as text
     */
    public String summary(int inFeatures) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-5s %-28s %-14s %12s%n";
        sb.append(String.format(fmt, "#", "layer", "output", "parameters"));
        int f = inFeatures;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            f = f < 0 ? (m instanceof Linear l ? l.out() : -1) : m.outFeatures(f);
            String shape = "[N, " + (f < 0 ? "?" : Integer.toString(f)) + "]";
            sb.append(String.format(fmt, i, m.describe(), shape, String.format("%,d", m.parameterCount())));
        }
        sb.append(String.format("%-49s %12s%n", "total trainable parameters", String.format("%,d", parameterCount())));
        return sb.toString();
    }
}
