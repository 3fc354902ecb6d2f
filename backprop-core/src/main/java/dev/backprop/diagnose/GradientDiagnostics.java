package dev.backprop.diagnose;

import dev.backprop.autograd.Variable;
import dev.backprop.nn.Activation;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.BatchNorm1d;
import dev.backprop.nn.Dropout;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Module;
import dev.backprop.nn.PReLU;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.nn.Sequential;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.DivergenceException;
import dev.backprop.train.EpochMetrics;
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
 * .onStep(s -> writeJsonLine(s.toMap())); Trainer.builder(...).listener(d)...; d.findings()}.
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

    private Sequential model;
    private List<List<Parameter>> layerParams;
    private double[] layerSq;
    private double epochMaxGradNorm;
    private int epoch = -1;
    private Pending pending;

    /** What a logged step measured after backward, completed after the optimizer step. */
    private record Pending(long step, double gradNorm, double[][] gradNorms, Tensor[][] before, double[][] acts) {
    }

    public GradientDiagnostics(int logEvery, Thresholds thresholds) {
        if (logEvery < 1) {
            throw new IllegalArgumentException("diagnostics logging interval must be >= 1 step, got " + logEvery);
        }
        this.logEvery = logEvery;
        this.findings = new Findings(thresholds);
    }

    public GradientDiagnostics(int logEvery) {
        this(logEvery, Thresholds.defaults());
    }

    /** Logs every {@link #DEFAULT_LOG_EVERY} steps with the default thresholds. */
    public GradientDiagnostics() {
        this(DEFAULT_LOG_EVERY);
    }

    /** Calls {@code listener} with each new finding as soon as it is seen (for printing during training). */
    public GradientDiagnostics onFinding(Consumer<Finding> listener) {
        findings.onFinding(listener);
        return this;
    }

    /** Calls {@code listener} with each logged step's statistics (for metrics.jsonl: {@code s.toMap()}). */
    public GradientDiagnostics onStep(Consumer<StepStats> listener) {
        stepListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Calls {@code listener} with each epoch's summary. */
    public GradientDiagnostics onEpoch(Consumer<EpochSummary> listener) {
        epochListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public int logEvery() {
        return logEvery;
    }

    /** Whether {@code step} is a logged step: step 1 and every multiple of {@link #logEvery()}. */
    public boolean isLogged(long step) {
        return step == 1 || step % logEvery == 0;
    }

    /** Every finding so far, in the order seen (complete after training ends or diverges). */
    public List<Finding> findings() {
        return findings.all();
    }

    /** The findings as JSON-ready maps, for the "findings" list of --json output. */
    public List<Map<String, Object>> findingMaps() {
        return findings.all().stream().map(Finding::toMap).toList();
    }

    /** The statistics of every logged step so far. */
    public List<StepStats> steps() {
        return List.copyOf(steps);
    }

    /**
     * The diagnostic fields of step {@code step} ("grad_norm", "first_to_last_grad_ratio", "layers"), or an empty
     * map when that step was not logged: for a metrics writer that builds its own step line (register this listener
     * before the writer, so the step is complete when the writer's afterStep runs).
     */
    public Map<String, Object> stepFields(long step) {
        if (steps.isEmpty() || steps.getLast().step() != step) {
            return Map.of();
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>(steps.getLast().toMap());
        for (String k : List.of("type", "step", "epoch", "loss", "lr")) {
            m.remove(k);
        }
        return m;
    }

    /** The summary of every epoch so far. */
    public List<EpochSummary> epochs() {
        return List.copyOf(epochs);
    }

    @Override
    public boolean wantsActivations(long step) {
        return isLogged(step);
    }

    @Override
    public void afterBackward(StepContext ctx) {
        layout(ctx.model());
        if (ctx.epoch() != epoch) {
            epoch = ctx.epoch();
            epochMaxGradNorm = 0;
        }
        boolean logged = isLogged(ctx.step());
        List<Variable> acts = logged && ctx.activations().size() == model.size() ? ctx.activations() : List.of();
        if (!acts.isEmpty()) {
            locateNonFinite(ctx.step(), acts); // with the trace, NaN/Inf is pinned to a layer and op
        }
        double gradNorm = globalGradNorm(ctx.step());
        epochMaxGradNorm = Math.max(epochMaxGradNorm, gradNorm);
        int top = argMax(layerSq);
        findings.observeGradNorm(ctx.step(), gradNorm, top, top < 0 ? "" : model.get(top).describe());
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

    @Override
    public void onEpochEnd(EpochMetrics metrics) {
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
        String name = "";
        String where = error.where();
        if (model != null && where != null) {
            String head = where.startsWith("layer ") ? where.substring(6) : where;
            int cut = 0;
            while (cut < head.length() && Character.isDigit(head.charAt(cut))) {
                cut++;
            }
            if (cut > 0) {
                layer = Integer.parseInt(head.substring(0, cut));
                name = layer < model.size() ? model.get(layer).describe() : "";
            }
        }
        findings.divergence(error.step(), layer, name, "divergence: " + error.getMessage());
        findings.finish();
    }

    // ------------------------------------------------------------------ every step

    private void layout(Sequential m) {
        if (m == model) {
            return;
        }
        model = m;
        layerParams = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            List<Parameter> ps = new ArrayList<>();
            for (Parameter p : m.get(i).parameters()) {
                ps.add(p.withPrefix(i + "."));
            }
            layerParams.add(ps);
        }
        layerSq = new double[m.size()];
    }

    /** √Σ‖g‖² over all parameters, filling {@link #layerSq}; reports the first non-finite gradient. */
    private double globalGradNorm(long step) {
        double total = 0;
        int badLayer = -1;
        String badParam = null;
        for (int i = 0; i < layerParams.size(); i++) {
            double s = 0;
            for (Parameter p : layerParams.get(i)) {
                double q = p.grad() == null ? 0 : Stats.sumSquares(p.grad());
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
            findings.divergence(step, badLayer, model.get(badLayer).describe(), "divergence at step " + step
                    + ": the gradient of " + badParam + " is not finite; the first NaN/Inf of the backward pass"
                    + " arose at or above " + Findings.at(badLayer, model.get(badLayer).describe())
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
    private void locateNonFinite(long step, List<Variable> acts) {
        for (int i = 0; i < acts.size(); i++) {
            if (!Stats.allFinite(acts.get(i).value())) {
                String d = model.get(i).describe();
                findings.divergence(step, i, d, "divergence at step " + step + ": the first non-finite values came"
                        + " out of " + Findings.at(i, d) + ", op " + acts.get(i).opName()
                        + (i == 0 ? " — check the inputs for NaN/Inf, or" : " —")
                        + " lower the learning rate or clip gradients (--clip-norm)");
                return;
            }
        }
        for (int k = acts.size() - 1; k >= 0; k--) {
            Tensor g = acts.get(k).grad();
            if (g != null && !Stats.allFinite(g)) {
                String src = k + 1 < acts.size() ? "the backward of " + Findings.at(k + 1, model.get(k + 1).describe())
                        + ", op " + acts.get(k + 1).opName() : "the loss's backward";
                findings.divergence(step, k + 1 < acts.size() ? k + 1 : -1,
                        k + 1 < acts.size() ? model.get(k + 1).describe() : "", "divergence at step " + step
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

    /** Per layer {outputGradNorm, mean, std, saturated, dead, units}; all NaN without traced activations. */
    private double[][] activationStats(List<Variable> acts) {
        double[][] out = new double[model.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1};
            if (acts.isEmpty()) {
                continue;
            }
            Tensor h = acts.get(i).value();
            Tensor pre = i > 0 ? acts.get(i - 1).value() : null;
            double[] ms = Stats.meanStd(h);
            out[i][0] = Stats.norm(acts.get(i).grad());
            out[i][1] = ms[0];
            out[i][2] = ms[1];
            ActivationKind kind = ActivationKind.of(model.get(i));
            if (pre != null && kind != null && kind.isSaturating()) {
                out[i][3] = Stats.fractionAbove(pre, kind.saturationThreshold());
            }
            if (h.rank() == 2 && kind == ActivationKind.RELU) {
                out[i][4] = Stats.deadFraction(h, 0);
            } else if (pre != null && pre.rank() == 2 && kind != null && kind.isReluLike()) {
                out[i][4] = Stats.deadFraction(pre, 0);
            }
            out[i][5] = h.rank() == 2 ? h.dim(1) : -1;
        }
        return out;
    }

    private List<LayerStats> layerStats(Pending p) {
        List<LayerStats> out = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            Module m = model.get(i);
            List<Parameter> ps = layerParams.get(i);
            List<ParamStats> pstats = new ArrayList<>();
            for (int j = 0; j < ps.size(); j++) {
                Tensor w = ps.get(j).value();
                pstats.add(new ParamStats(ps.get(j).name(), ps.get(j).role().name().toLowerCase(Locale.ROOT),
                        w.size(), Stats.norm(w), p.gradNorms()[i][j], Stats.updateRatio(p.before()[i][j], w),
                        Stats.zeroFraction(w)));
            }
            double[] a = p.acts()[i];
            out.add(new LayerStats(i, m.describe(), type(m), units(m, (int) a[5]), pstats, a[0], a[1], a[2], a[3],
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
        for (int i = 0; i < model.size(); i++) {
            if (model.get(i) instanceof Linear) {
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
        List<EpochSummary.Layer> layers = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            Module m = model.get(i);
            Parameter w = weightOf(layerParams.get(i));
            int idx = i;
            layers.add(new EpochSummary.Layer(i, m.describe(),
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
                logN == 0 ? Double.NaN : Math.exp(logSum / logN), layers);
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
