package dev.backprop.diagnose;

import dev.backprop.autograd.Variable;
import dev.backprop.kernel.Reductions;
import dev.backprop.nn.Activation;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.BatchNorm1d;
import dev.backprop.nn.Dropout;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Module;
import dev.backprop.nn.PReLU;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.DivergenceException;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.LayerTrace;
import dev.backprop.train.StepContext;
import dev.backprop.train.TrainingListener;
import dev.backprop.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Watches gradient flow while a {@code Trainer} runs (lecture §2 vanishing and exploding gradients, §2.1 activations,
 * §3 symmetry, chapter 2 sparsity) and turns what it sees into {@link Finding}s.
 *
 * <p>Every step costs one pass over the gradients (the global norm ‖g‖ = √Σ‖∂L/∂w‖², for exploding gradients and
 * NaN). On <em>logged</em> steps — step 1 and every {@code logEvery}-th step — it also asks the trainer to trace the
 * layer outputs, and measures per layer: each parameter's norm, gradient norm, update ratio ‖Δw‖/‖w‖ (the weights
 * are copied after backward and compared after the optimizer step) and fraction of exact zeros; the norm of
 * ∂L/∂h flowing back into the layer; the output's mean and standard deviation; the saturated fraction of sigmoid and
 * tanh units and the dead fraction of ReLU-family units; PReLU slopes; groups of identical neurons in Linear layers.
 * The result is one {@link StepStats} per logged step and one {@link EpochSummary} per epoch.
 *
 * <p>Use: {@code var d = new GradientDiagnostics(50).onFinding(f -> print(f.message()))
 * .onStep(s -> writeLine(MetricsJson.line(s))); Trainer.builder(...).listener(d)...; d.findings()}.
 */
public final class GradientDiagnostics implements TrainingListener {
    /** The default logging interval in steps. */
    public static final int DEFAULT_LOG_EVERY = 50;

    private final int logEvery;
    private final Findings findings;
    private final List<Consumer<StepStats>> stepListeners = new ArrayList<>();
    private final List<Consumer<EpochSummary>> epochListeners = new ArrayList<>();
    private final List<StepStats> steps = new ArrayList<>();
    private final List<EpochSummary> epochs = new ArrayList<>();

    private Module model;
    private List<Module> layers;
    private List<String> paths;
    private List<List<Parameter>> layerParams;
    private double[] layerSq;
    private double epochMaxGradNorm;
    private int epoch = -1;
    private long lastStep;
    private boolean startedOnce;
    private Pending pending;

    /** What a logged step measured after backward, completed after the optimizer step. */
    private record Pending(long step, double gradNorm, double[][] gradNorms, Tensor[][] before, double[][] acts) {
    }

    /** The traced input and output of each leaf layer (by index), null where a layer was not traced. */
    private record Traced(Variable[] inputs, Variable[] outputs, List<LayerTrace> order) {
        boolean isEmpty() {
            return order.isEmpty();
        }
    }

    /**
     * Diagnostics logged every {@code logEvery} steps, judged by the given thresholds.
     *
     * @param logEvery the logging interval in steps: step 1 and every multiple of it are logged
     * @param thresholds when a measurement becomes a finding
     * @throws IllegalArgumentException when {@code logEvery} is below 1
     * @throws NullPointerException when {@code thresholds} is null
     */
    public GradientDiagnostics(int logEvery, Thresholds thresholds) {
        if (logEvery < 1) {
            throw new IllegalArgumentException("diagnostics logging interval must be >= 1 step, got " + logEvery);
        }
        this.logEvery = logEvery;
        this.findings = new Findings(thresholds);
    }

    /**
     * Diagnostics logged every {@code logEvery} steps, with {@link Thresholds#defaults()}.
     *
     * @param logEvery the logging interval in steps: step 1 and every multiple of it are logged
     * @throws IllegalArgumentException when {@code logEvery} is below 1
     */
    public GradientDiagnostics(int logEvery) {
        this(logEvery, Thresholds.defaults());
    }

    /** Logs every {@link #DEFAULT_LOG_EVERY} steps with the default thresholds. */
    public GradientDiagnostics() {
        this(DEFAULT_LOG_EVERY);
    }

    /**
     * Calls {@code listener} with each new finding as soon as it is seen (for printing during training).
     *
     * @param listener receives each finding once
     * @return this, for chaining
     * @throws NullPointerException when {@code listener} is null
     */
    public GradientDiagnostics onFinding(Consumer<Finding> listener) {
        findings.onFinding(listener);
        return this;
    }

    /**
     * Calls {@code listener} with each logged step's statistics, after the optimizer step (for metrics.jsonl:
     * {@link MetricsJson#line}).
     *
     * @param listener receives each logged step's statistics
     * @return this, for chaining
     * @throws NullPointerException when {@code listener} is null
     */
    public GradientDiagnostics onStep(Consumer<StepStats> listener) {
        stepListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Calls {@code listener} with each epoch's summary, at the end of the epoch.
     *
     * @param listener receives each epoch's summary
     * @return this, for chaining
     * @throws NullPointerException when {@code listener} is null
     */
    public GradientDiagnostics onEpoch(Consumer<EpochSummary> listener) {
        epochListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * The logging interval.
     *
     * @return the interval in steps, at least 1
     */
    public int logEvery() {
        return logEvery;
    }

    /**
     * Whether {@code step} is a logged step: step 1 and every multiple of {@link #logEvery()}.
     *
     * @param step the global step, from 1
     * @return true for a logged step
     */
    public boolean isLogged(long step) {
        return step == 1 || step % logEvery == 0;
    }

    /**
     * Every finding so far (complete after training ends or diverges).
     *
     * @return an unmodifiable copy, in the order seen
     */
    public List<Finding> findings() {
        return findings.all();
    }

    /**
     * The findings as JSON-ready maps, for the "findings" list of --json output.
     *
     * @return one {@link MetricsJson#map} per finding, in the order seen
     */
    public List<Map<String, Object>> findingMaps() {
        return findings.all().stream().map(MetricsJson::map).toList();
    }

    /**
     * The statistics of every logged step so far.
     *
     * @return an unmodifiable copy, in step order
     */
    public List<StepStats> steps() {
        return List.copyOf(steps);
    }

    /**
     * The diagnostic fields of step {@code step} ("grad_norm", "first_to_last_grad_ratio", "layers"), or an empty
     * map when that step was not logged: for a metrics writer that builds its own step line (register this listener
     * before the writer, so the step is complete when the writer's afterStep runs).
     *
     * @param step the global step
     * @return the step's properties as by {@link MetricsJson#map} without "step", "epoch", "loss" and "lr", when
     *     {@code step} is the latest logged step; else an empty map
     */
    public Map<String, Object> stepFields(long step) {
        if (steps.isEmpty() || steps.getLast().step() != step) {
            return Map.of();
        }
        Map<String, Object> m = MetricsJson.map(steps.getLast());
        for (String k : List.of("step", "epoch", "loss", "lr")) {
            m.remove(k);
        }
        return m;
    }

    /**
     * The summary of every epoch so far.
     *
     * @return an unmodifiable copy, in epoch order
     */
    public List<EpochSummary> epochs() {
        return List.copyOf(epochs);
    }

    @Override
    public boolean wantsActivations(long step) {
        return isLogged(step);
    }

    @Override
    public void afterBackward(StepContext ctx) {
        lastStep = ctx.step();
        layout(ctx.model());
        if (ctx.epoch() != epoch) {
            epoch = ctx.epoch();
            epochMaxGradNorm = 0;
        }
        boolean logged = isLogged(ctx.step());
        Traced acts = traced(logged ? ctx.activations() : List.of());
        if (!acts.isEmpty()) {
            locateNonFinite(ctx.step(), acts); // with the trace, NaN/Inf is pinned to a layer and op
        }
        findings.observeLoss(ctx.step(), ctx.loss());
        double gradNorm = globalGradNorm(ctx.step());
        epochMaxGradNorm = Math.max(epochMaxGradNorm, gradNorm);
        int top = argMax(layerSq);
        findings.observeGradNorm(ctx.step(), gradNorm, top, top < 0 ? "" : label(top),
                top < 0 ? "" : layers.get(top).describe());
        pending = logged ? new Pending(ctx.step(), gradNorm, paramGradNorms(), snapshot(), activationStats(acts))
                : null;
    }

    @Override
    public void afterStep(StepContext ctx) {
        if (pending == null || pending.step() != ctx.step()) {
            return;
        }
        StepStats s = new StepStats(ctx.step(), ctx.epoch(), ctx.loss(), ctx.lr(), pending.gradNorm(),
                firstToLast(pending.gradNorms()), layerStats(pending));
        pending = null;
        steps.add(s);
        stepListeners.forEach(l -> l.accept(s));
        findings.observe(s);
    }

    /** A resumed run: the epochs before the resume count for the overfitting rules ({@link Findings#earlierEpoch}). */
    @Override
    public void onStart(dev.backprop.train.Trainer trainer) {
        if (!startedOnce) {
            trainer.history().forEach(findings::earlierEpoch);
            startedOnce = true;
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics) {
        findings.observeEpoch(metrics, lastStep);
        if (model == null) {
            return;
        }
        EpochSummary e = summarize(metrics.epoch());
        epochs.add(e);
        epochListeners.forEach(l -> l.accept(e));
    }

    @Override
    public void onEnd(TrainingResult result) {
        findings.finish();
    }

    @Override
    public void onDivergence(DivergenceException error) {
        int layer = -1;
        String where = error.where();
        if (model != null && where != null && where.startsWith("layer ")) {
            String head = where.substring(6);
            int cut = head.indexOf(' ');
            layer = label(cut < 0 ? head : head.substring(0, cut));
        }
        findings.divergence(error.step(), layer, layer < 0 ? "" : label(layer),
                layer < 0 ? "" : layers.get(layer).describe(), "divergence: " + error.getMessage());
        findings.finish();
    }

    // ------------------------------------------------------------------ every step

    /** The leaf layers of {@code m} become the diagnosed layers, with their parameters under their full names. */
    private void layout(Module m) {
        if (m == model) {
            return;
        }
        model = m;
        layers = new ArrayList<>();
        paths = new ArrayList<>();
        layerParams = new ArrayList<>();
        java.util.Set<Module> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Map.Entry<String, Module> e : m.leaves().entrySet()) {
            if (!seen.add(e.getValue())) {
                continue; // a layer used twice is one layer
            }
            layers.add(e.getValue());
            paths.add(e.getKey());
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            List<Parameter> ps = new ArrayList<>();
            for (Parameter p : e.getValue().parameters()) {
                ps.add(p.withPrefix(prefix));
            }
            layerParams.add(ps);
        }
        layerSq = new double[layers.size()];
    }

    /** How findings and tables name layer {@code i}: its path in the model ("3", "block1.fc2"). */
    private String label(int i) {
        return paths.get(i).isEmpty() ? Integer.toString(i) : paths.get(i);
    }

    /** The index of the layer labelled {@code label}, or -1. */
    private int label(String label) {
        for (int i = 0; i < layers.size(); i++) {
            if (label(i).equals(label)) {
                return i;
            }
        }
        return -1;
    }

    private Traced traced(List<LayerTrace> records) {
        Variable[] in = new Variable[layers.size()];
        Variable[] out = new Variable[layers.size()];
        List<LayerTrace> order = new ArrayList<>();
        for (LayerTrace t : records) {
            if (t.index() < out.length && out[t.index()] == null && t.layer() == layers.get(t.index())) {
                in[t.index()] = t.input();
                out[t.index()] = t.output();
                order.add(t);
            }
        }
        return new Traced(in, out, order);
    }

    /** √Σ‖g‖² over all parameters, filling {@link #layerSq}; reports the first non-finite gradient. */
    private double globalGradNorm(long step) {
        double total = 0;
        int badLayer = -1;
        String badParam = null;
        for (int i = 0; i < layerParams.size(); i++) {
            double s = 0;
            for (Parameter p : layerParams.get(i)) {
                double q = p.grad() == null ? 0 : Reductions.sumSquares(p.grad());
                if (!Double.isFinite(q)) {
                    badLayer = i; // the highest layer wins: backward reaches it first
                    badParam = p.name();
                }
                s += q;
            }
            layerSq[i] = s;
            total += s;
        }
        if (badLayer >= 0) {
            String d = layers.get(badLayer).describe();
            findings.divergence(step, badLayer, label(badLayer), d, "divergence at step " + step
                    + ": the gradient of " + badParam + " is not finite; the first NaN/Inf of the backward pass"
                    + " arose at or above " + Findings.at(label(badLayer), d)
                    + " — lower the learning rate or clip gradients (--clip-norm)");
        }
        return Math.sqrt(total);
    }

    private static int argMax(double[] v) {
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (v[i] > 0 && (best < 0 || v[i] > v[best])) {
                best = i;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ logged steps

    /** The first layer whose output, or (going backwards) whose incoming gradient, is not finite. */
    private void locateNonFinite(long step, Traced acts) {
        List<LayerTrace> order = acts.order();
        for (int k = 0; k < order.size(); k++) {
            LayerTrace t = order.get(k);
            if (!Stats.allFinite(t.output().value())) {
                String d = t.layer().describe();
                findings.divergence(step, t.index(), label(t.index()), d, "divergence at step " + step
                        + ": the first non-finite values came out of " + Findings.at(label(t.index()), d) + ", op "
                        + t.output().opName() + (k == 0 ? " — check the inputs for NaN/Inf, or" : " —")
                        + " lower the learning rate or clip gradients (--clip-norm)");
                return;
            }
        }
        for (int k = order.size() - 1; k >= 0; k--) {
            Tensor g = order.get(k).output().grad();
            if (g != null && !Stats.allFinite(g)) {
                LayerTrace next = k + 1 < order.size() ? order.get(k + 1) : null;
                String src = next != null ? "the backward of " + Findings.at(label(next.index()),
                        next.layer().describe()) + ", op " + next.output().opName() : "the loss's backward";
                findings.divergence(step, next != null ? next.index() : -1, next != null ? label(next.index()) : "",
                        next != null ? next.layer().describe() : "", "divergence at step " + step
                        + ": the gradient first became non-finite in " + src
                        + " — lower the learning rate or clip gradients (--clip-norm)");
                return;
            }
        }
    }

    private double[][] paramGradNorms() {
        double[][] out = new double[layerParams.size()][];
        for (int i = 0; i < out.length; i++) {
            List<Parameter> ps = layerParams.get(i);
            out[i] = new double[ps.size()];
            for (int j = 0; j < ps.size(); j++) {
                out[i][j] = Stats.norm(ps.get(j).grad());
            }
        }
        return out;
    }

    private Tensor[][] snapshot() {
        Tensor[][] out = new Tensor[layerParams.size()][];
        for (int i = 0; i < out.length; i++) {
            List<Parameter> ps = layerParams.get(i);
            out[i] = new Tensor[ps.size()];
            for (int j = 0; j < ps.size(); j++) {
                out[i][j] = ps.get(j).value().copy();
            }
        }
        return out;
    }

    /** Per layer {outputGradNorm, mean, std, saturated, dead, units}; all NaN where a layer was not traced. */
    private double[][] activationStats(Traced acts) {
        double[][] out = new double[layers.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1};
            if (acts.outputs()[i] == null) {
                continue;
            }
            Tensor h = acts.outputs()[i].value();
            Tensor pre = acts.inputs()[i].value();
            double[] ms = Stats.meanStd(h);
            out[i][0] = Stats.norm(acts.outputs()[i].grad());
            out[i][1] = ms[0];
            out[i][2] = ms[1];
            ActivationKind kind = ActivationKind.of(layers.get(i));
            if (kind != null && kind.isSaturating()) {
                out[i][3] = Stats.fractionAbove(pre, kind.saturationThreshold());
            }
            if (h.rank() == 2 && kind == ActivationKind.RELU) {
                out[i][4] = Stats.deadFraction(h, 0);
            } else if (pre.rank() == 2 && kind != null && kind.isReluLike()) {
                out[i][4] = Stats.deadFraction(pre, 0);
            }
            out[i][5] = h.rank() == 2 ? h.dim(1) : -1;
        }
        return out;
    }

    private List<LayerStats> layerStats(Pending p) {
        List<LayerStats> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            List<Parameter> ps = layerParams.get(i);
            List<ParamStats> pstats = new ArrayList<>();
            for (int j = 0; j < ps.size(); j++) {
                Tensor w = ps.get(j).value();
                pstats.add(new ParamStats(ps.get(j).name(), ps.get(j).role().name().toLowerCase(Locale.ROOT),
                        w.size(), Stats.norm(w), p.gradNorms()[i][j], Stats.updateRatio(p.before()[i][j], w),
                        Stats.zeroFraction(w)));
            }
            double[] a = p.acts()[i];
            out.add(new LayerStats(i, label(i), m.describe(), type(m), units(m, (int) a[5]), pstats, a[0], a[1], a[2], a[3],
                    a[4], m instanceof PReLU pr ? pr.alpha().value().toDoubleArray() : null, identical(m)));
        }
        return out;
    }

    private static List<int[]> identical(Module m) {
        if (m instanceof Linear l && l.out() > 1) {
            return Stats.identicalRows(l.weight().value(), l.bias() == null ? null : l.bias().value());
        }
        return List.of();
    }

    /** ‖∂L/∂W‖ of the first Linear over that of the last (NaN with fewer than two Linear layers). */
    private double firstToLast(double[][] gradNorms) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Linear) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0 || first == last) {
            return Double.NaN;
        }
        return gradNorms[first][0] / gradNorms[last][0]; // a Linear's first parameter is its weight
    }

    private EpochSummary summarize(int ep) {
        List<StepStats> mine = steps.stream().filter(s -> s.epoch() == ep).toList();
        double logSum = 0;
        int logN = 0;
        for (StepStats s : mine) {
            if (s.firstToLastRatio() > 0 && Double.isFinite(s.firstToLastRatio())) {
                logSum += Math.log(s.firstToLastRatio());
                logN++;
            }
        }
        List<EpochSummary.Layer> summary = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            Parameter w = weightOf(layerParams.get(i));
            int idx = i;
            summary.add(new EpochSummary.Layer(i, m.describe(),
                    w == null ? Double.NaN : Stats.norm(w.value()), w == null ? Double.NaN : Stats.zeroFraction(w.value()),
                    identical(m).stream().mapToInt(g -> g.length).sum(),
                    mean(mine, s -> s.layers().get(idx).weight() == null ? Double.NaN
                            : s.layers().get(idx).weight().gradNorm()),
                    mean(mine, s -> s.layers().get(idx).outputGradNorm()),
                    mean(mine, s -> s.layers().get(idx).weight() == null ? Double.NaN
                            : s.layers().get(idx).weight().updateRatio()),
                    mean(mine, s -> s.layers().get(idx).saturatedFraction()),
                    mean(mine, s -> s.layers().get(idx).deadFraction())));
        }
        return new EpochSummary(ep, mine.size(), ep == epoch ? epochMaxGradNorm : Double.NaN,
                logN == 0 ? Double.NaN : Math.exp(logSum / logN), summary);
    }

    private static Parameter weightOf(List<Parameter> ps) {
        for (Parameter p : ps) {
            if (p.role() == Role.WEIGHT) {
                return p;
            }
        }
        return null;
    }

    /** Mean of the finite values (NaN when there are none). */
    private static double mean(List<StepStats> ss, java.util.function.ToDoubleFunction<StepStats> f) {
        double sum = 0;
        int n = 0;
        for (StepStats s : ss) {
            double v = f.applyAsDouble(s);
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The lower-case kind of a layer, as in {@link LayerStats#type()}. */
    static String type(Module m) {
        return switch (m) {
            case Linear l -> "linear";
            case Activation a -> a.kind().label();
            case PReLU p -> "prelu";
            case BatchNorm1d b -> "batchnorm1d";
            case Dropout d -> "dropout";
            default -> m.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        };
    }

    private static int units(Module m, int traced) {
        if (m instanceof Linear l) {
            return l.out();
        }
        return traced;
    }
}
