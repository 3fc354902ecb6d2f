package dev.backprop.optim;

import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shared core of the optimizers. For every parameter w of every group that has a gradient, one step is:
 * <ol>
 *   <li>g = dL/dw + the regularizer's gradient term (2λw for L2);</li>
 *   <li>the optimizer's rule updates w from g and the per-parameter state ({@link #update});</li>
 *   <li>the regularizer's proximal step (L1 soft thresholding with the group's rate η).</li>
 * </ol>
 * The general path ({@link #update}) computes in double precision with F64 state, F32 parameters being rounded
 * only when written back. State is per parameter ({@link ParamState}), keyed by the parameter's name
 * ("0.weight.exp_avg"), so names must be unique.
 *
 * <p>Speed: an optimizer may update an F32 parameter in place, reading its floats and writing them back in one pass
 * ({@link #updateF32}). SGD does so with the general path's double-precision equations, bit for bit; Adam, AdamW and
 * RMSProp keep F32 state and compute in F32 there, as PyTorch does for float32 parameters (half the state's bytes,
 * twice the lanes). The general path copies w and g into double buffers kept per parameter (allocated on the first
 * step only).
 */
public abstract class BaseOptimizer implements Optimizer {
    private final List<ParamGroup> groups;
    private final double[] initialLr;
    private final double[] lr;
    private final Map<String, ParamState> state = new LinkedHashMap<>();
    /** Per parameter name: reusable double copies of w (null when updated in place) and g for the general path. */
    private final Map<String, double[][]> scratch = new HashMap<>();

    /**
     * Creates the optimizer over {@code groups}, each group's rate becoming its initial rate.
     *
     * @param groups the parameter groups; parameter names must be unique across them
     * @throws IllegalArgumentException for no groups or a parameter name that appears twice
     */
    protected BaseOptimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("optimizer needs at least one parameter group");
        }
        this.groups = List.copyOf(groups);
        this.initialLr = new double[groups.size()];
        this.lr = new double[groups.size()];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            initialLr[i] = groups.get(i).lr();
            lr[i] = initialLr[i];
            for (Parameter p : groups.get(i).params()) {
                if (!names.add(p.name())) {
                    throw new IllegalArgumentException("parameter name '" + p.name() + "' appears twice; optimizer "
                            + "state is keyed by name (pass model.parameters() so names carry the layer index)");
                }
            }
        }
    }

    /**
     * Updates {@code w} in place from the gradient {@code g} (regularizer term included).
     *
     * @param w the parameter's elements, in double precision, updated in place
     * @param g the gradient, regularizer term included
     * @param st this parameter's state, created empty on its first step; entries are arrays of w's length, or of
     *     length 1 for counters ({@link ParamState#f64})
     * @param lr the group's current learning rate
     * @param p the parameter (for its role)
     */
    protected abstract void update(double[] w, double[] g, ParamState st, double lr, Parameter p);

    /**
     * Updates the F32 parameter {@code w[0 .. n)} in place from the F32 gradient {@code g[0 .. n)}: the update of
     * {@link #update} followed by {@code reg}'s proximal step, either in double with each weight rounded to float
     * once (SGD) or in F32 with F32 state entries ({@link ParamState#f32}). Returns false, having changed nothing,
     * when this optimizer has no such path for {@code reg}; the general path then runs. The default has none.
     *
     * @param w the parameter's floats, updated in place
     * @param g the gradient dL/dw, without the regularizer's term
     * @param n the number of elements
     * @param reg the group's regularizer
     * @param st this parameter's state, as for {@link #update}
     * @param lr the group's current learning rate
     * @param p the parameter (for its role)
     * @return true if {@code w} was updated, false if the general path must run
     */
    protected boolean updateF32(float[] w, float[] g, int n, Regularizer reg,
                                ParamState st, double lr, Parameter p) {
        return false;
    }

    @Override
    public void step() {
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup group = groups.get(gi);
            for (Parameter p : group.params()) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                Tensor value = p.value();
                ParamState st = state.computeIfAbsent(p.name(), k -> new ParamState());
                if (startsAtZeroF32(value) && startsAtZeroF32(grad)
                        && updateF32(value.f32(), grad.f32(), value.size(), group.regularizer(), st, lr[gi], p)) {
                    continue;
                }
                stepGeneral(p, value, grad, group.regularizer(), st, lr[gi]);
            }
        }
    }

    /** The double-precision path: w and g copied into this parameter's double buffers, updated, written back. */
    private void stepGeneral(Parameter p, Tensor value, Tensor grad, Regularizer reg, ParamState st,
                             double groupLr) {
        boolean direct = ownsWholeF64Array(value);
        double[][] buf = scratch.computeIfAbsent(p.name(), k -> new double[][] {
            direct ? null : new double[value.size()], new double[value.size()]});
        double[] w = direct ? value.f64() : readInto(value, buf[0]);
        double[] g = readInto(grad, buf[1]);
        reg.addGradient(w, g);
        update(w, g, st, groupLr, p);
        reg.proximal(w, groupLr);
        if (!direct) {
            writeFrom(w, value);
        }
    }

    /** Copies the elements of {@code t} into {@code out} (of length {@code t.size()}) and returns it. */
    private static double[] readInto(Tensor t, double[] out) {
        int o = t.offset();
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            for (int i = 0; i < out.length; i++) {
                out[i] = a[o + i];
            }
        } else {
            System.arraycopy(t.f64(), o, out, 0, out.length);
        }
        return out;
    }

    /** Writes {@code w} into the tensor {@code t}, rounding to float for F32. */
    private static void writeFrom(double[] w, Tensor t) {
        int o = t.offset();
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            for (int i = 0; i < w.length; i++) {
                a[o + i] = (float) w[i];
            }
        } else {
            System.arraycopy(w, 0, t.f64(), o, w.length);
        }
    }

    /** An F32 tensor whose element 0 is element 0 of its backing array. */
    private static boolean startsAtZeroF32(Tensor t) {
        return t.dtype() == DType.F32 && t.offset() == 0;
    }

    /** An F64 tensor whose backing array is exactly its elements can be updated in place. */
    private static boolean ownsWholeF64Array(Tensor t) {
        return t.dtype() == DType.F64 && t.offset() == 0 && t.f64().length == t.size();
    }

    @Override
    public void zeroGrad() {
        for (ParamGroup group : groups) {
            for (Parameter p : group.params()) {
                p.variable().zeroGrad();
            }
        }
    }

    @Override
    public double lr() {
        return lr[0];
    }

    @Override
    public void setLr(double newLr) {
        if (!(newLr >= 0) || Double.isInfinite(newLr)) {
            throw new IllegalArgumentException("invalid learning rate: " + newLr);
        }
        for (int i = 0; i < lr.length; i++) {
            lr[i] = initialLr[0] == 0 ? newLr : initialLr[i] * (newLr / initialLr[0]);
        }
    }

    /**
     * The parameter groups.
     *
     * @return the groups, unmodifiable
     */
    public List<ParamGroup> groups() {
        return groups;
    }

    /**
     * The current learning rate of one group.
     *
     * @param i the group's index
     * @return its rate η
     */
    public double groupLr(int i) {
        return lr[i];
    }

    /**
     * The penalty term of the objective (lecture eq. 2.1), for reporting beside the data loss.
     *
     * @return Σ over the groups of the group regularizer's λΩ of its parameters
     */
    public double penalty() {
        double s = 0;
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                s += g.regularizer().penaltyOf(p.value());
            }
        }
        return s;
    }

    /**
     * Keys "lr.GROUP" (F64 scalars) and "NAME.KEY" for each parameter's state entry, as F64 or F32 tensors after the
     * entry's precision ({@link ParamState}).
     */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < lr.length; i++) {
            out.put("lr." + i, Tensor.scalar(DType.F64, lr[i]));
        }
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                ParamState st = state.get(p.name());
                if (st == null) {
                    continue;
                }
                st.entries().forEach((k, v) -> out.put(p.name() + "." + k,
                        ParamState.toTensor(v, p.value().shape().dims(), p.value().size())));
            }
        }
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> saved) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        groups.forEach(g -> g.params().forEach(p -> byName.put(p.name(), p)));
        TreeSet<String> problems = new TreeSet<>();
        Map<String, ParamState> restored = new LinkedHashMap<>();
        double[] newLr = lr.clone();
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            if (key.startsWith("lr.")) {
                int i = parseIndex(key.substring(3));
                if (i < 0 || i >= lr.length || t.size() != 1) {
                    problems.add("unexpected key " + key);
                } else {
                    newLr[i] = t.item();
                }
                continue;
            }
            Parameter p = owner(byName, key);
            if (p == null) {
                problems.add("unexpected key " + key + " (no such parameter)");
            } else if (t.size() != 1 && !t.shape().equals(p.value().shape())) {
                problems.add(key + ": expected shape " + p.value().shape() + ", got " + t.shape());
            } else {
                restored.computeIfAbsent(p.name(), k -> new ParamState()).load(key.substring(p.name().length() + 1), t);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load optimizer state into " + getClass().getSimpleName()
                    + ": " + String.join("; ", problems));
        }
        System.arraycopy(newLr, 0, lr, 0, lr.length);
        state.clear();
        state.putAll(restored);
    }

    private static Parameter owner(Map<String, Parameter> byName, String key) {
        Parameter best = null;
        for (Parameter p : byName.values()) {
            if (key.startsWith(p.name() + ".") && (best == null || p.name().length() > best.name().length())) {
                best = p;
            }
        }
        return best;
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@link #inPlaceL2(Regularizer)}'s answer for a penalty the in-place F32 updates do not apply (L1, elastic net). */
    static final double NOT_IN_PLACE = -1;

    /**
     * The L2 term the in-place F32 updates add to each gradient element, {@code c·w} with {@code c = 2λ}: {@code c}
     * for an L2 penalty, NaN for none (no term), {@link #NOT_IN_PLACE} for a penalty they leave to the double path.
     *
     * @param reg the parameter's regularizer
     * @return the coefficient, NaN or {@link #NOT_IN_PLACE}
     */
    static double inPlaceL2(Regularizer reg) {
        return switch (reg) {
            case Regularizer.L2 l2 -> 2 * l2.lambda();
            case Regularizer.None n -> Double.NaN;
            default -> NOT_IN_PLACE;
        };
    }

    /**
     * Whether decoupled weight decay applies to a parameter.
     *
     * @param p the parameter
     * @return true for a {@link Role#WEIGHT}
     */
    protected static boolean decays(Parameter p) {
        return p.role() == Role.WEIGHT;
    }

    static double requireRange(String what, double v, double lo, double hi, boolean hiInclusive) {
        if (!(v >= lo && (hiInclusive ? v <= hi : v < hi))) {
            throw new IllegalArgumentException("invalid " + what + ": " + v);
        }
        return v;
    }
}
