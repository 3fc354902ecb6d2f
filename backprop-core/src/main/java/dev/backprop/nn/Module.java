package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A layer or a network: a differentiable function of its input and its {@link Parameter}s.
 *
 * <p>A module has a training mode (the default) and an evaluation mode, which matters to {@link Dropout} and
 * {@link BatchNorm1d}. Its state — parameters and buffers such as batch-norm running statistics — is exchanged as a
 * map from PyTorch-style names to tensors ({@link #stateDict()}), which is what model files store.
 */
public abstract class Module {
    private boolean training = true;

    /** The output for input {@code x} (a batch: first dimension is the batch). */
    public abstract Variable forward(Variable x);

    /** The trainable parameters, named as in PyTorch's state_dict. */
    public List<Parameter> parameters() {
        return List.of();
    }

    /** Non-trainable state saved with the model (batch-norm running statistics), named as in PyTorch. */
    public Map<String, Tensor> buffers() {
        return Map.of();
    }

    /** The description from which {@link LayerSpec#build} recreates this module. */
    public abstract LayerSpec spec();

    /** Number of output features for {@code inFeatures} input features (used by {@link #summary()}). */
    public int outFeatures(int inFeatures) {
        return inFeatures;
    }

    /** A short name for tables and messages, such as "Linear(784->256)". */
    public String describe() {
        return getClass().getSimpleName();
    }

    /**
     * The state of this module's random number generators (e.g. how many dropout masks it has drawn), so that a
     * checkpoint can resume a run exactly; empty for modules without randomness. Not part of {@link #stateDict()},
     * which holds what PyTorch's state dict holds.
     */
    public Map<String, Long> rngState() {
        return Map.of();
    }

    /** Restores a state returned by {@link #rngState()}; unknown keys are ignored. */
    public void loadRngState(Map<String, Long> state) {
    }

    /** Parameters and buffers by name, in declaration order; the tensors are the live ones, not copies. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Parameter p : parameters()) {
            state.put(p.name(), p.value());
        }
        state.putAll(buffers());
        return state;
    }

    /**
     * Copies every tensor of {@code state} into this module's parameters and buffers (converting dtype if needed).
     * Strict: nothing is copied unless the keys match exactly and every shape matches.
     *
     * @throws IllegalArgumentException naming the missing and unexpected keys, or the mismatched shapes
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        TreeSet<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("missing keys " + missing);
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected keys " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given != null && !given.shape().equals(e.getValue().shape())) {
                problems.add(e.getKey() + ": expected shape " + e.getValue().shape() + ", got " + given.shape());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load state into " + describe() + ": " + String.join("; ", problems));
        }
        own.forEach((k, t) -> t.copyFrom(state.get(k)));
    }

    /** Switches training mode on (Dropout active, BatchNorm uses batch statistics) or off (evaluation). */
    public void train(boolean on) {
        training = on;
    }

    /** Shorthand for {@code train(false)}. */
    public final void eval() {
        train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().size();
        }
        return n;
    }

    /** A one-row table; {@link Sequential} overrides this with one row per layer. */
    public String summary() {
        return describe() + ": " + parameterCount() + " parameters";
    }
}
