package dev.backprop.train;

import dev.backprop.autograd.Variable;
import dev.backprop.nn.Module;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the input and output of every leaf layer of a model while it is armed, through forward hooks on the leaves
 * (so it works on any module tree, not only a {@code Sequential}). Each output that is part of the graph retains its
 * gradient, so after backward the trace also holds dL/d(activation) per layer. Disarmed, the hooks cost a field read.
 */
final class ForwardTracer implements AutoCloseable {
    private final List<Module.HookHandle> handles = new ArrayList<>();
    private final Map<Module, Integer> index = new IdentityHashMap<>();
    private final List<String> paths = new ArrayList<>();
    private final List<LayerTrace> records = new ArrayList<>();
    private boolean armed;

    ForwardTracer(Module model) {
        int i = 0;
        for (Map.Entry<String, Module> e : model.leaves().entrySet()) {
            if (index.putIfAbsent(e.getValue(), i) == null) { // a layer used twice is traced once, at its first path
                paths.add(e.getKey());
                handles.add(e.getValue().addForwardHook(this::record));
                i++;
            }
        }
    }

    private void record(Module m, Variable in, Variable out) {
        if (!armed) {
            return;
        }
        if (out.requiresGrad() && !out.isLeaf()) {
            out.retainGrad();
        }
        int i = index.get(m);
        records.add(new LayerTrace(i, paths.get(i), m, in, out));
    }

    /** Starts recording a new pass (forgetting the last one). */
    void arm() {
        records.clear();
        armed = true;
    }

    /** Stops recording; the records stay until the next {@link #arm()} or {@link #clear()}. */
    void disarm() {
        armed = false;
    }

    /** Forgets the records (they keep the activations alive). */
    void clear() {
        records.clear();
    }

    /** The layers traced since {@link #arm()}, in the order their forward passes ran. */
    List<LayerTrace> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        handles.forEach(Module.HookHandle::close);
        handles.clear();
    }
}
