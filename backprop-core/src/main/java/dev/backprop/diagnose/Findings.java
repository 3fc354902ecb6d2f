package dev.backprop.diagnose;

import dev.backprop.nn.ActivationKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns measurements into {@link Finding}s by the rules of {@link Thresholds}. Each kind of finding is reported
 * once per layer, with the first step at which it was seen (for persistent conditions, the first step of the run of
 * logged steps that made it persistent). Findings go to the {@link #onFinding listener} as they arise and are kept
 * in {@link #all()}.
 *
 * <p>Feed it with {@link #observe} for every logged {@link StepStats}, {@link #observeGradNorm} for every step's
 * global gradient norm, {@link #divergence} for a NaN or infinity, and call {@link #finish} at the end of the run.
 */
public final class Findings {
    private final Thresholds t;
    private final Map<String, Finding> reported = new LinkedHashMap<>();
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private final List<Consumer<Finding>> listeners = new ArrayList<>();
    private final double[] early;
    private int earlyCount;
    private double earlyMedian = Double.NaN;
    private final double[] earlyLosses;
    private int earlyLossCount;
    private double earlyLossMedian = Double.NaN;
    private int observations;
    private final List<double[]> epochLosses = new ArrayList<>(); // {epoch, train loss, evaluation loss}

    /** A condition that has held on {@code count} consecutive logged steps, first seen as {@code first}. */
    private record Candidate(Finding first, int count) {
    }

    /**
     * Findings judged by the given thresholds.
     *
     * @param thresholds when a measurement becomes a finding
     * @throws NullPointerException when {@code thresholds} is null
     */
    public Findings(Thresholds thresholds) {
        this.t = Objects.requireNonNull(thresholds, "thresholds");
        this.early = new double[thresholds.earlySteps()];
        this.earlyLosses = new double[thresholds.earlySteps()];
    }

    /** Findings with {@link Thresholds#defaults()}. */
    public Findings() {
        this(Thresholds.defaults());
    }

    /**
     * Analyses a finished list of logged steps (for example read back for a report) and returns the findings. Only
     * the logged steps' gradient norms are known here, so the early median of the exploding-gradient rule is over the
     * first {@link Thresholds#earlySteps()} logged steps, and no finding names the layer with the largest gradient.
     *
     * @param steps the logged steps, in order
     * @param thresholds when a measurement becomes a finding
     * @return the findings, in the order reported
     */
    public static List<Finding> analyze(List<StepStats> steps, Thresholds thresholds) {
        Findings f = new Findings(thresholds);
        for (StepStats s : steps) {
            f.observeGradNorm(s.step(), s.gradNorm(), -1, "", "");
            f.observe(s);
        }
        f.finish();
        return f.all();
    }

    /**
     * Calls {@code listener} with every new finding as soon as it is reported.
     *
     * @param listener receives each finding once
     * @return this, for chaining
     * @throws NullPointerException when {@code listener} is null
     */
    public Findings onFinding(Consumer<Finding> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Every finding so far.
     *
     * @return an unmodifiable copy, in the order reported
     */
    public List<Finding> all() {
        return List.copyOf(reported.values());
    }

    /**
     * Checks one logged step for vanishing gradients (the first-to-last ratio is above 0 and below
     * {@link Thresholds#vanishingRatio()}; exactly 0 is left to the symmetry and dead-unit findings), saturation
     * (a saturated fraction above {@link Thresholds#saturated()}), dead units (a ReLU-family layer's dead fraction
     * above {@link Thresholds#dead()}) and symmetry (a Linear layer of more than one neuron with a group of identical
     * neurons). The first three are reported once they have held on {@link Thresholds#persistence()} consecutive
     * logged steps, with the first step of that run; symmetry is reported at once.
     *
     * @param s the step's statistics
     */
    public void observe(StepStats s) {
        observations++;
        Map<String, Finding> holding = new LinkedHashMap<>();
        Finding v = vanishing(s);
        if (v != null) {
            holding.put(key(v), v);
        }
        for (LayerStats l : s.layers()) {
            if (!Double.isNaN(l.saturatedFraction()) && l.saturatedFraction() > t.saturated()) {
                Finding f = saturation(s.step(), l);
                holding.put(key(f), f);
            }
            ActivationKind kind = l.activation();
            if (kind != null && kind.isReluLike() && !Double.isNaN(l.deadFraction()) && l.deadFraction() > t.dead()) {
                Finding f = deadUnits(s.step(), l);
                holding.put(key(f), f);
            }
            if (l.type().equals("linear") && l.units() > 1 && !l.identicalGroups().isEmpty()) {
                report(symmetry(s.step(), l));
            }
        }
        candidates.keySet().removeIf(k -> !holding.containsKey(k));
        for (Map.Entry<String, Finding> e : holding.entrySet()) {
            Candidate c = candidates.merge(e.getKey(), new Candidate(e.getValue(), 1),
                    (old, now) -> new Candidate(old.first(), old.count() + 1));
            if (c.count() >= t.persistence()) {
                report(c.first());
            }
        }
    }

    /**
     * Checks one step's global gradient norm against the exploding-gradient bounds: it is reported (once per run)
     * when it exceeds {@link Thresholds#explodingAbsolute()}, or {@link Thresholds#explodingFactor()} times the
     * median of the first {@link Thresholds#earlySteps()} finite norms once those have been seen. A NaN or infinite
     * norm is ignored here (it is a divergence).
     *
     * @param step the step, from 1
     * @param norm the global gradient norm √(Σ over parameters ‖∂L/∂w‖²)
     * @param layer the index of the layer with the largest gradient, or -1 when not known
     * @param path that layer's path in the model ("" when not known)
     * @param layerName that layer's description ("" when not known)
     */
    public void observeGradNorm(long step, double norm, int layer, String path, String layerName) {
        if (!Double.isFinite(norm)) {
            return;
        }
        if (earlyCount < early.length) {
            early[earlyCount++] = norm;
            if (earlyCount == early.length) {
                earlyMedian = Stats.median(early);
            }
        }
        boolean relative = !Double.isNaN(earlyMedian) && earlyMedian > 0 && norm > t.explodingFactor() * earlyMedian;
        if (norm > t.explodingAbsolute() || relative) {
            String against = relative ? " (" + fmt(norm / earlyMedian) + "× its early median " + fmt(earlyMedian) + ")"
                    : " (above " + fmt(t.explodingAbsolute()) + ")";
            String where = layer >= 0 ? ", largest in " + at(path, layerName) : "";
            report(new Finding(Finding.Kind.EXPLODING_GRADIENT, -1, "", "", step, "exploding gradient at step " + step
                    + ": global gradient norm " + fmt(norm) + against + where
                    + " — lower the learning rate, clip with --clip-norm, or use a smaller initialization"));
        }
    }

    /**
     * Checks one step's loss against its early level: a finite loss above {@link Thresholds#EXPLODING_LOSS_FACTOR}
     * times the median of the first {@link Thresholds#earlySteps()} losses is an exploding loss, reported once,
     * with the learning rate as the first remedy. A NaN or infinite loss is ignored here (it is a divergence).
     *
     * @param step the step, from 1
     * @param loss the step's data loss
     */
    public void observeLoss(long step, double loss) {
        if (!Double.isFinite(loss)) {
            return;
        }
        if (earlyLossCount < earlyLosses.length) {
            earlyLosses[earlyLossCount++] = loss;
            if (earlyLossCount == earlyLosses.length) {
                earlyLossMedian = Stats.median(earlyLosses);
            }
            return;
        }
        if (earlyLossMedian > 0 && loss > Thresholds.EXPLODING_LOSS_FACTOR * earlyLossMedian) {
            report(new Finding(Finding.Kind.EXPLODING_LOSS, -1, "", "", step, "exploding loss at step " + step
                    + ": the loss is " + fmt(loss) + ", " + fmt(loss / earlyLossMedian) + "× its early median "
                    + fmt(earlyLossMedian) + " — lower the learning rate (a tenth is a good first try), clip"
                    + " gradients with --clip-norm, or check the data for extreme values"));
        }
    }

    /**
     * Checks the losses after an epoch for overfitting, reported once per run. Needs an evaluation set (a
     * validation hold-out or a test set); an epoch without one, or with a non-finite loss, is not counted. Two rules,
     * over the last {@link Thresholds#OVERFITTING_EPOCHS} epochs or more:
     * <ul>
     * <li>since the epoch of the lowest evaluation loss, at least that many epochs have passed, in each of which the
     *     training loss fell while the evaluation loss stayed above its best, ending at least
     *     {@link Thresholds#OVERFITTING_RISE} above it;</li>
     * <li>the gap (evaluation loss minus training loss) grew in each of those epochs and the evaluation loss is now
     *     at least {@link Thresholds#OVERFITTING_GAP_FACTOR} times the training loss.</li>
     * </ul>
     * The remedies named are those of the lecture's chapter 2 (L2 and L1 penalties), dropout, early stopping with the
     * best epoch restored, and more data.
     *
     * @param m the epoch's metrics
     * @param step the global step at the end of that epoch
     */
    public void observeEpoch(dev.backprop.train.EpochMetrics m, long step) {
        if (!m.hasTest() || !Double.isFinite(m.trainLoss()) || !Double.isFinite(m.testLoss())) {
            return;
        }
        epochLosses.add(new double[] {m.epoch(), m.trainLoss(), m.testLoss()});
        int n = epochLosses.size();
        int k = Thresholds.OVERFITTING_EPOCHS;
        if (n < k + 1) {
            return;
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (epochLosses.get(i)[2] < epochLosses.get(best)[2]) {
                best = i;
            }
        }
        double[] b = epochLosses.get(best);
        double[] now = epochLosses.get(n - 1);
        if (n - 1 - best >= k && now[2] >= b[2] * (1 + Thresholds.OVERFITTING_RISE)) {
            boolean rule = true;
            for (int i = best + 1; i < n && rule; i++) {
                rule = epochLosses.get(i)[1] < epochLosses.get(i - 1)[1] && epochLosses.get(i)[2] > b[2];
            }
            if (rule) {
                report(new Finding(Finding.Kind.OVERFITTING, -1, "", "", step, "overfitting: since epoch "
                        + (int) b[0] + " the training loss fell from " + fmt(b[1]) + " to " + fmt(now[1])
                        + " while the held-out loss rose from " + fmt(b[2]) + " to " + fmt(now[2]) + " over "
                        + (n - 1 - best) + " epochs" + OVERFITTING_REMEDIES));
                return;
            }
        }
        boolean growing = now[2] >= Thresholds.OVERFITTING_GAP_FACTOR * now[1];
        for (int i = n - k; i < n && growing; i++) {
            double[] e = epochLosses.get(i);
            double[] before = epochLosses.get(i - 1);
            growing = e[2] - e[1] > before[2] - before[1];
        }
        if (growing) {
            double[] start = epochLosses.get(n - 1 - k);
            report(new Finding(Finding.Kind.OVERFITTING, -1, "", "", step, "overfitting: after epoch " + (int) now[0]
                    + " the held-out loss " + fmt(now[2]) + " is " + fmt(now[2] / now[1]) + "× the training loss "
                    + fmt(now[1]) + ", and the gap grew in each of the last " + k + " epochs (from "
                    + fmt(start[2] - start[1]) + " to " + fmt(now[2] - now[1]) + ")" + OVERFITTING_REMEDIES));
        }
    }

    /**
     * Takes an epoch that ran before these findings were watching (the epochs a resumed run restored from its
     * checkpoint) into the history the overfitting rules look back on, without checking it: a rule that holds across
     * the resume is reported at the first epoch after it.
     *
     * @param m the earlier epoch's metrics
     */
    public void earlierEpoch(dev.backprop.train.EpochMetrics m) {
        if (m.hasTest() && Double.isFinite(m.trainLoss()) && Double.isFinite(m.testLoss())) {
            epochLosses.add(new double[] {m.epoch(), m.trainLoss(), m.testLoss()});
        }
    }

    private static final String OVERFITTING_REMEDIES = " — the model learns the training samples rather than the"
            + " pattern: regularize with --l2 1e-4 (the penalty λΣw² of the lecture's chapter 2) or --l1 (λΣ|w|, which"
            + " also zeroes weights), add --dropout 0.2, stop at the best epoch with --early-stop 3 --restore-best,"
            + " or train on more data";

    /**
     * Reports a NaN or infinity; only the first divergence of the run is kept.
     *
     * @param step the step at which it appeared
     * @param layer the index of the layer it is pinned to, or -1 for the whole network
     * @param path that layer's path in the model (null or "" for the whole network)
     * @param layerName that layer's description (null or "" for the whole network)
     * @param message what was seen and what to try
     */
    public void divergence(long step, int layer, String path, String layerName, String message) {
        report(new Finding(Finding.Kind.DIVERGENCE, layer, path == null ? "" : path, layerName == null ? "" : layerName, step, message));
    }

    /**
     * Ends the run: reports the conditions that held on every logged step of a run too short to reach
     * {@link Thresholds#persistence()}.
     */
    public void finish() {
        for (Candidate c : candidates.values()) {
            if (c.count() == observations) {
                report(c.first());
            }
        }
    }

    private void report(Finding f) {
        String k = f.kind() == Finding.Kind.DIVERGENCE || f.kind() == Finding.Kind.EXPLODING_GRADIENT
                ? f.kind().label() : key(f);
        if (reported.putIfAbsent(k, f) == null) {
            listeners.forEach(l -> l.accept(f));
        }
    }

    private static String key(Finding f) {
        return f.kind().label() + "@" + f.layer();
    }

    private Finding vanishing(StepStats s) {
        double r = s.firstToLastRatio();
        if (!(r > 0) || r >= t.vanishingRatio()) {
            return null; // exactly 0 means no gradient at all: symmetry or dead units, reported as such
        }
        int first = -1;
        int last = -1;
        for (LayerStats l : s.layers()) {
            if (l.type().equals("linear")) {
                first = first < 0 ? l.index() : first;
                last = l.index();
            }
        }
        LayerStats f = s.layers().get(first);
        String msg = "vanishing gradient: " + at(f.label(), f.layer()) + "'s weight-gradient norm is " + fmt(r)
                + " of " + at(s.layers().get(last).label(), s.layers().get(last).layer()) + "'s" + activationNote(s, first)
                + " — try ReLU or PReLU with He initialization, or batch normalization";
        return new Finding(Finding.Kind.VANISHING_GRADIENT, first, f.label(), f.layer(), s.step(), msg);
    }

    /** What the activation after layer {@code linear} contributes to a vanishing gradient. */
    private static String activationNote(StepStats s, int linear) {
        for (int i = linear + 1; i < s.layers().size(); i++) {
            LayerStats a = s.layers().get(i);
            ActivationKind kind = a.activation();
            if (kind != null && kind.isSaturating()) {
                if (a.saturatedFraction() >= 0.01) {
                    return "; " + pct(a.saturatedFraction()) + " of its " + a.type() + " units are saturated";
                }
                return "; each " + a.type() + " layer multiplies the gradient by its derivative (at most "
                        + java.math.BigDecimal.valueOf(kind.maxDerivative()).stripTrailingZeros().toPlainString() + ")";
            }
            if (kind != null || !(a.type().equals("batchnorm1d") || a.type().equals("dropout"))) {
                return "";
            }
        }
        return "";
    }

    private Finding saturation(long step, LayerStats l) {
        double thr = l.activation().saturationThreshold();
        String msg = "saturation: " + pct(l.saturatedFraction()) + " of " + at(l.label(), l.layer()) + "'s units are saturated (|pre-activation| > " + String.format(Locale.ROOT, "%.2f", thr)
                + ", where the derivative is below 1% of its maximum), so almost no gradient passes them"
                + " — use a smaller (Xavier) initialization, normalize the inputs, add batch normalization,"
                + " or switch to ReLU/PReLU";
        return new Finding(Finding.Kind.SATURATION, l.index(), l.label(), l.layer(), step, msg);
    }

    private Finding deadUnits(long step, LayerStats l) {
        String msg = l.activation() == ActivationKind.RELU
                ? "dead units: " + pct(l.deadFraction()) + " of " + at(l.label(), l.layer()) + "'s units output 0 for"
                        + " every sample of the batch, so they get no gradient and cannot recover"
                        + " — lower the learning rate, check for large negative biases, or use leaky ReLU or PReLU"
                        + " with He initialization"
                : "dead units: " + pct(l.deadFraction()) + " of " + at(l.label(), l.layer()) + "'s units have a"
                        + " negative input for every sample of the batch, so they pass only the small negative-side"
                        + " gradient of " + l.type() + " and learn slowly"
                        + " — lower the learning rate, check for large negative biases, or add batch normalization";
        return new Finding(Finding.Kind.DEAD_UNITS, l.index(), l.label(), l.layer(), step, msg);
    }

    private static Finding symmetry(long step, LayerStats l) {
        int same = l.identicalNeurons();
        String what;
        if (l.identicalGroups().size() == 1 && same == l.units()) {
            what = "all " + l.units() + " neurons are identical";
        } else {
            what = same + " of its " + l.units() + " neurons fall into " + l.identicalGroups().size()
                    + " group(s) of identical neurons";
        }
        String msg = "symmetry: " + at(l.label(), l.layer()) + ": " + what
                + " (same incoming weights and bias), so they compute the same function and receive the same"
                + " update — the weights were probably initialised with a constant; use a random initializer"
                + " (he-normal, xavier-uniform)";
        return new Finding(Finding.Kind.SYMMETRY, l.index(), l.label(), l.layer(), step, msg);
    }

    /** "layer 3 (Sigmoid)", "layer block1.fc2 (Linear(64->64))". */
    static String at(String label, String description) {
        return Format.layer(label, description);
    }

    /** Fractions in messages: a whole percentage ("13%"). */
    static String pct(double fraction) {
        return Format.percent(fraction, 0);
    }

    /** Numbers for messages: 3 significant digits in plain notation when moderate, else scientific (3.1e-07). */
    static String fmt(double v) {
        return Format.significant(v, 3);
    }
}
