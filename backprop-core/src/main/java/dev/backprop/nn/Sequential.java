package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Layers applied one after the other: y = f_L(…f_2(f_1(x))). Parameter and buffer names are prefixed with the layer
 * index as in PyTorch's nn.Sequential ("0.weight", "2.running_mean").
 *
 * <p>For diagnostics, {@link #setTrace(boolean) tracing} keeps every layer's output; the outputs retain their
 * gradient, so after {@code backward()} each traced variable's {@code grad()} is dL/d(activation).
 */
public final class Sequential extends Module {
    private final List<Module> layers;
    private boolean trace;
    private List<Variable> traced = List.of();

    public Sequential(List<Module> layers) {
        this.layers = List.copyOf(layers);
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    /**
     * Builds layers from specs with one seed: layer i gets the i-th long drawn from a generator seeded with
     * {@code seed}. Each Linear is initialized by {@code Init.defaultFor} for the activation that follows it (the
     * next Activation or PReLU, skipping BatchNorm1d and Dropout; none after the last Linear).
     */
    public static Sequential fromSpecs(List<LayerSpec> specs, DType dtype, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Module> built = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            long layerSeed = seeds.nextLong();
            LayerSpec s = specs.get(i);
            if (s instanceof LayerSpec.Linear l) {
                Linear lin = new Linear(l.in(), l.out(), l.bias(), dtype);
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

    public int size() {
        return layers.size();
    }

    public Module get(int i) {
        return layers.get(i);
    }

    public List<Module> layers() {
        return layers;
    }

    /** Turns tracing of layer outputs on or off (off by default; it keeps the activations alive). */
    public void setTrace(boolean on) {
        trace = on;
        if (!on) {
            traced = List.of();
        }
    }

    /** The outputs of the layers in the last traced forward pass (index i is the output of layer i). */
    public List<Variable> trace() {
        return traced;
    }

    @Override
    public Variable forward(Variable x) {
        List<Variable> outs = trace ? new ArrayList<>(layers.size()) : null;
        Variable h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (outs != null) {
                if (h.requiresGrad() && !h.isLeaf()) {
                    h.retainGrad();
                }
                outs.add(h);
            }
        }
        if (outs != null) {
            traced = List.copyOf(outs);
        }
        return h;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Parameter p : layers.get(i).parameters()) {
                all.add(p.withPrefix(i + "."));
            }
        }
        return all;
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).buffers().entrySet()) {
                all.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return all;
    }

    @Override
    public Map<String, Long> rngState() {
        Map<String, Long> all = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Long> e : layers.get(i).rngState().entrySet()) {
                all.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return all;
    }

    @Override
    public void loadRngState(Map<String, Long> state) {
        for (int i = 0; i < layers.size(); i++) {
            String prefix = i + ".";
            Map<String, Long> mine = new LinkedHashMap<>();
            state.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    mine.put(k.substring(prefix.length()), v);
                }
            });
            layers.get(i).loadRngState(mine);
        }
    }

    /** Parameters then buffers per layer, layer by layer (PyTorch's order). */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).stateDict().entrySet()) {
                all.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return all;
    }

    @Override
    public void train(boolean on) {
        super.train(on);
        for (Module m : layers) {
            m.train(on);
        }
    }

    @Override
    public LayerSpec.Sequence spec() {
        return new LayerSpec.Sequence(specs());
    }

    /** The spec of every layer, in order. */
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
     * {@code inFeatures} &lt; 0 means unknown (shapes print as "?").
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
