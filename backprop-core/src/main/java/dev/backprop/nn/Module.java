package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A layer or a network: a differentiable function of its input and its {@link Parameter}s.
 *
 * <p>Modules form a tree. A composite module registers its sub-modules with {@link #register} (in its constructor,
 * in the order of the forward pass), and everything that walks a model works on any tree: {@link #parameters()},
 * {@link #buffers()}, {@link #stateDict()}, {@link #train(boolean)} and {@link #rngState()} recurse over the
 * children, naming each tensor by its path as PyTorch does ("block1.fc2.weight"; a {@link Sequential} names its
 * layers "0", "1", ...). A leaf layer overrides {@link #parameters()} (and {@link #buffers()}) with its own tensors
 * under bare names ("weight", "bias").
 *
 * <p>Call a module with {@link #apply}, which runs {@link #forward} and then the module's forward hooks
 * ({@link #addForwardHook}); inside a composite's {@code forward}, call the children with {@code apply} too, so that
 * tracing and diagnostics see every layer.
 *
 * <p>A module has a training mode (the default) and an evaluation mode, which matters to {@link Dropout} and
 * {@link BatchNorm1d}. Its state — parameters and buffers such as batch-norm running statistics — is exchanged as a
 * map from PyTorch-style names to tensors ({@link #stateDict()}), which is what model files store.
 */
public abstract class Module {
    private boolean training = true;
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new CopyOnWriteArrayList<>();

    /** Creates a module with no children, in training mode. */
    protected Module() {
    }

    /**
     * Called after a module's forward pass with its input and output (for tracing and diagnostics; see
     * {@link #addForwardHook}).
     */
    @FunctionalInterface
    public interface ForwardHook {
        /**
         * {@code module} computed {@code output} from {@code input}.
         *
         * @param module the module whose forward pass ran
         * @param input its input
         * @param output its output
         */
        void afterForward(Module module, Variable input, Variable output);
    }

    /** Removes the hook it was returned for (see {@link #addForwardHook}); closing it twice does nothing. */
    public interface HookHandle extends AutoCloseable {
        /** Removes the hook. */
        @Override
        void close();
    }

    /**
     * The output for input {@code x} (a batch: the first dimension is the batch). Callers use {@link #apply}, which
     * also runs the forward hooks.
     *
     * @param x the input batch
     * @return the output batch
     */
    public abstract Variable forward(Variable x);

    /**
     * Runs {@link #forward} on {@code x}, then this module's forward hooks.
     *
     * @param x the input batch
     * @return the output of {@link #forward}
     */
    public final Variable apply(Variable x) {
        Variable y = forward(x);
        for (ForwardHook h : hooks) {
            h.afterForward(this, x, y);
        }
        return y;
    }

    /**
     * Adds a hook that {@link #apply} calls after every forward pass of this module (not of its children: add it to
     * each module of {@link #modules()} to see them all).
     *
     * @param hook the hook
     * @return a handle whose {@code close()} removes the hook
     */
    public HookHandle addForwardHook(ForwardHook hook) {
        Objects.requireNonNull(hook, "hook");
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    /**
     * Registers {@code child} as the sub-module {@code name}: its parameters, buffers and random state become this
     * module's under the prefix {@code name + "."}. Call it from the constructor, in the order of the forward pass.
     *
     * @param name the child's name, unique among this module's children, without '.'
     * @param child the sub-module
     * @param <M> the child's type
     * @return {@code child}, for {@code this.fc = register("fc", new Linear(...))}
     * @throws IllegalArgumentException for an empty name, a name with '.', or a name already used
     */
    protected final <M extends Module> M register(String name, M child) {
        Objects.requireNonNull(child, "child module");
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("a sub-module name must be non-empty and without '.', got '" + name + "'");
        }
        if (children.putIfAbsent(name, child) != null) {
            throw new IllegalArgumentException(describe() + " already has a sub-module named '" + name + "'");
        }
        return child;
    }

    /**
     * The registered sub-modules by name, in registration order (empty for a leaf layer).
     *
     * @return an unmodifiable view
     */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * This module and every module below it by path, depth first in registration order: "" for this module, then
     * e.g. "0", "block1", "block1.fc1", ...
     *
     * @return a new map from path to module
     */
    public final Map<String, Module> modules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collect("", this, out);
        return out;
    }

    /**
     * The leaf layers (modules without children) by path, in the order of {@link #modules()}; a leaf module's only
     * entry is itself under "".
     *
     * @return a new map from path to leaf module
     */
    public final Map<String, Module> leaves() {
        Map<String, Module> out = new LinkedHashMap<>();
        modules().forEach((path, m) -> {
            if (m.children.isEmpty()) {
                out.put(path, m);
            }
        });
        return out;
    }

    private static void collect(String path, Module m, Map<String, Module> out) {
        out.put(path, m);
        m.children.forEach((name, c) -> collect(path.isEmpty() ? name : path + "." + name, c, out));
    }

    /**
     * The trainable parameters, named as in PyTorch's state_dict: the children's, under their prefix. A leaf layer
     * overrides this with its own parameters.
     *
     * @return the parameters, sharing their variables with the layers (not copies)
     */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        children.forEach((name, c) -> {
            for (Parameter p : c.parameters()) {
                all.add(p.withPrefix(name + "."));
            }
        });
        return all;
    }

    /**
     * Non-trainable state saved with the model (batch-norm running statistics), named as in PyTorch: the
     * children's, under their prefix; a leaf layer with buffers overrides this.
     *
     * @return the live buffers by name
     */
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        children.forEach((name, c) -> c.buffers().forEach((k, t) -> all.put(name + "." + k, t)));
        return all;
    }

    /**
     * The description from which {@link LayerSpec#build} recreates this module, for model files. A user-defined
     * module has none unless it overrides this; its weights still save and load through {@link #stateDict()}.
     *
     * @return the spec
     * @throws UnsupportedOperationException for a module without a spec
     */
    public LayerSpec spec() {
        throw new UnsupportedOperationException(describe() + " has no LayerSpec, so its architecture cannot be"
                + " written to a model file; save its weights (stateDict) and rebuild it in code");
    }

    /**
     * Number of output features for {@code inFeatures} input features (used by summaries).
     *
     * @param inFeatures the input width
     * @return the output width (the input width unless the layer changes it)
     */
    public int outFeatures(int inFeatures) {
        return inFeatures;
    }

    /**
     * A short name for tables and messages, such as "Linear(784->256)".
     *
     * @return the description
     */
    public String describe() {
        return getClass().getSimpleName();
    }

    /**
     * The state of this module's random number generators (e.g. how many dropout masks it has drawn), so that a
     * checkpoint can resume a run exactly: the children's under their prefix; a leaf with randomness overrides it.
     * Not part of {@link #stateDict()}, which holds what PyTorch's state dict holds.
     *
     * @return counters by name
     */
    public Map<String, Long> rngState() {
        Map<String, Long> all = new LinkedHashMap<>();
        children.forEach((name, c) -> c.rngState().forEach((k, v) -> all.put(name + "." + k, v)));
        return all;
    }

    /**
     * Restores a state returned by {@link #rngState()}; unknown keys are ignored.
     *
     * @param state counters by name
     */
    public void loadRngState(Map<String, Long> state) {
        children.forEach((name, c) -> {
            String prefix = name + ".";
            Map<String, Long> mine = new LinkedHashMap<>();
            state.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    mine.put(k.substring(prefix.length()), v);
                }
            });
            c.loadRngState(mine);
        });
    }

    /**
     * Parameters and buffers by name: for a leaf its parameters then its buffers, for a composite each child's state
     * dict under its prefix, child by child (PyTorch's order). The tensors are the live ones, not copies.
     *
     * @return the state by name
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        if (children.isEmpty()) {
            for (Parameter p : parameters()) {
                state.put(p.name(), p.value());
            }
            state.putAll(buffers());
            return state;
        }
        children.forEach((name, c) -> c.stateDict().forEach((k, t) -> state.put(name + "." + k, t)));
        return state;
    }

    /**
     * Copies every tensor of {@code state} into this module's parameters and buffers (converting dtype if needed).
     * Strict: nothing is copied unless the keys match exactly and every shape matches.
     *
     * @param state tensors by name, as {@link #stateDict()} names them
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

    /**
     * Switches training mode on (Dropout active, BatchNorm uses batch statistics) or off (evaluation), for this
     * module and every module below it.
     *
     * @param on true for training mode
     */
    public void train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
    }

    /** Shorthand for {@code train(false)}. */
    public final void eval() {
        train(false);
    }

    /**
     * Whether the module is in training mode.
     *
     * @return true in training mode (the default), false after {@link #eval()}
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * Total number of trainable scalars.
     *
     * @return the sum of the parameters' sizes
     */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().size();
        }
        return n;
    }

    /**
     * A table with one row per leaf layer: path, layer, parameter count, then the total; {@link Sequential}
     * overrides it with output shapes.
     *
     * @return the table as text
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-20s %-32s %12s%n";
        sb.append(String.format(fmt, "layer", "module", "parameters"));
        leaves().forEach((path, m) -> sb.append(String.format(fmt, path.isEmpty() ? "(root)" : path, m.describe(),
                String.format("%,d", m.parameterCount()))));
        sb.append(String.format("%-53s %12s%n", "total trainable parameters", String.format("%,d", parameterCount())));
        return sb.toString();
    }
}
