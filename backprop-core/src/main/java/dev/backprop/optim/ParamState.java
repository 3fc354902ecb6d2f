package dev.backprop.optim;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parameter's optimizer state: named arrays ("exp_avg", "step", ...), each either {@code double[]} or
 * {@code float[]}. The double-precision path ({@link BaseOptimizer#update}) keeps F64 entries; the in-place F32
 * paths keep F32 entries, as PyTorch does for float32 parameters, which halves the state's memory traffic.
 *
 * <p>An entry asked for in the other precision than it holds is converted once and replaced (F32 to F64 exactly,
 * F64 to F32 rounded to nearest); that happens only when a checkpoint written with one precision is loaded into a
 * run that takes the other path.
 */
public final class ParamState {
    private final Map<String, Object> entries = new LinkedHashMap<>();

    /** Created by {@link BaseOptimizer} on a parameter's first step or when state is loaded. */
    ParamState() {
    }

    /**
     * The F64 entry {@code key} of length {@code n}, created as zeros when absent.
     *
     * @param key the entry's name
     * @param n its length (the parameter's size, or 1 for a counter)
     * @return the live array
     */
    public double[] f64(String key, int n) {
        Object e = entries.get(key);
        if (e instanceof double[] d) {
            return d;
        }
        double[] d = new double[n];
        if (e instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
        }
        entries.put(key, d);
        return d;
    }

    /**
     * The F32 entry {@code key} of length {@code n}, created as zeros when absent.
     *
     * @param key the entry's name
     * @param n its length (the parameter's size)
     * @return the live array
     */
    public float[] f32(String key, int n) {
        Object e = entries.get(key);
        if (e instanceof float[] f) {
            return f;
        }
        float[] f = new float[n];
        if (e instanceof double[] d) {
            for (int i = 0; i < n; i++) {
                f[i] = (float) d[i];
            }
        }
        entries.put(key, f);
        return f;
    }

    /**
     * Whether the entry exists, in either precision.
     *
     * @param key the entry's name
     * @return true if it has been created or loaded
     */
    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The entries in creation order, unmodifiable; each value is a {@code double[]} or a {@code float[]}. */
    Map<String, Object> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** Stores a copy of a loaded tensor's elements, keeping its precision (F32 stays F32, anything else F64). */
    void load(String key, Tensor t) {
        entries.put(key, t.dtype() == DType.F32 ? t.toFloatArray() : t.toDoubleArray());
    }

    /**
     * A copy of one entry as a tensor of its own precision: a length-1 entry of a larger parameter (a counter) as a
     * scalar, anything else in the parameter's shape.
     */
    static Tensor toTensor(Object entry, int[] dims, int paramSize) {
        if (entry instanceof float[] f) {
            return f.length == 1 && paramSize != 1 ? Tensor.scalar(DType.F32, f[0]) : Tensor.of(f.clone(), dims);
        }
        double[] d = (double[]) entry;
        return d.length == 1 && paramSize != 1 ? Tensor.scalar(DType.F64, d[0]) : Tensor.of(d.clone(), dims);
    }
}
