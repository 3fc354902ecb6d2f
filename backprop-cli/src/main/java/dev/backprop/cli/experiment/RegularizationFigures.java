package dev.backprop.cli.experiment;

import dev.backprop.cli.report.Charts;
import java.util.ArrayList;
import java.util.List;

/**
 * The charts of {@link RegularizationExperiment}: zero fraction, weight norm and accuracy against λ, a weight
 * histogram per variant, and the eq. 2.7 decay against its closed form.
 */
final class RegularizationFigures {
    static final int BINS = 60;

    private RegularizationFigures() {
    }

    static List<Figure> figures(List<RegularizationExperiment.Outcome> outs, RegularizationExperiment.Decay decay) {
        List<String> lambdas = new ArrayList<>();
        for (double l : RegularizationExperiment.LAMBDAS) {
            lambdas.add("λ = " + Training.lambda(l));
        }
        List<Figure> figs = new ArrayList<>();
        figs.add(Figure.of("zero-weights.svg", "Fraction of weights exactly 0: L1's soft-threshold step zeroes weights"
                + " whose data gradient is weak, more as λ grows; L2 never produces exact zeros.",
                Charts.bars("Weights exactly zero", "penalty weight", "fraction", lambdas,
                        byPenalty(outs, RegularizationExperiment.Outcome::zeroFraction))));
        figs.add(Figure.of("weight-norm.svg", "‖W‖ = √Σw² after training (the unpenalized network's is "
                + Training.num(outs.get(0).weightNorm()) + ").",
                Charts.bars("Weight norm", "penalty weight", "‖W‖", lambdas,
                        byPenalty(outs, RegularizationExperiment.Outcome::weightNorm))));
        figs.add(Figure.of("test-accuracy.svg", "Test accuracy (the unpenalized network's is "
                + Training.pct(outs.get(0).run().testAccuracy()) + ").",
                Charts.bars("Test accuracy", "penalty weight", "accuracy", lambdas,
                        byPenalty(outs, o -> o.run().testAccuracy()))));
        RegularizationExperiment.Outcome l2 = outs.get(RegularizationExperiment.LAMBDAS.length);
        RegularizationExperiment.Outcome l1 = outs.get(2 * RegularizationExperiment.LAMBDAS.length);
        double limit = quantileAbs(outs.get(0).weights(), 0.995);
        figs.add(Figure.of("weights-compare.svg", "Weights after training without a penalty, with " + l2.label()
                + " and with " + l1.label() + ", within ±" + Training.num(limit) + " (99.5% of the unpenalized"
                + " network's weights): L2 narrows the distribution; L1 piles weights up at exactly 0.",
                Charts.histogram("Weight histograms", "w", List.of(
                        new Charts.Values("none", within(outs.get(0).weights(), limit)),
                        new Charts.Values(l2.label(), within(l2.weights(), limit)),
                        new Charts.Values(l1.label(), within(l1.weights(), limit))), BINS)));
        for (RegularizationExperiment.Outcome o : outs) {
            figs.add(Figure.of("weights-" + o.name() + ".svg", "Histogram of all weights after training, "
                    + o.label() + ".", Charts.histogram("Weights, " + o.label(), "w",
                    List.of(new Charts.Values(o.label(), o.weights())), BINS)));
        }
        figs.add(decayFigure(decay));
        return figs;
    }

    /** Observed w_t as a line, the closed form as about 20 markers on it (so both stay visible where they agree). */
    private static Figure decayFigure(RegularizationExperiment.Decay decay) {
        int n = decay.observed().length;
        double[] steps = new double[n];
        for (int t = 0; t < n; t++) {
            steps[t] = t;
        }
        int every = Math.max(1, (n - 1) / 20);
        int m = (n - 1) / every + 1;
        double[] ts = new double[m];
        double[] closed = new double[m];
        for (int i = 0; i < m; i++) {
            ts[i] = i * every;
            closed[i] = decay.closedForm()[i * every];
        }
        return Figure.of("decay.svg", "A weight whose data gradient is 0 (attached to an input that is always 0)"
                + " under L2 with plain SGD (line), against the closed form (1 − 2ηλ)^t·w_0 of eq. 2.7 (markers);"
                + " maximum relative error " + Training.num(decay.maxRelativeError()) + ".",
                Charts.line("Eq. 2.7: weight decay with zero data gradient", "step t", "w_t", List.of(
                        new Charts.Series("observed w_t", steps, decay.observed()),
                        new Charts.Series("(1 − 2ηλ)^t·w_0", ts, closed)), false));
    }

    /** The q-quantile of |w|. */
    static double quantileAbs(double[] w, double q) {
        double[] a = java.util.Arrays.stream(w).map(Math::abs).sorted().toArray();
        return a.length == 0 ? 1 : a[Math.min(a.length - 1, (int) Math.floor(q * a.length))];
    }

    /** The values with |w| ≤ limit. */
    static double[] within(double[] w, double limit) {
        return java.util.Arrays.stream(w).filter(v -> Math.abs(v) <= limit).toArray();
    }

    private static List<Charts.Values> byPenalty(List<RegularizationExperiment.Outcome> outs,
            java.util.function.ToDoubleFunction<RegularizationExperiment.Outcome> f) {
        List<Charts.Values> out = new ArrayList<>();
        for (String p : List.of("l2", "l1")) {
            double[] v = outs.stream().filter(o -> o.penalty().equals(p)).mapToDouble(f).toArray();
            out.add(new Charts.Values(p.toUpperCase(java.util.Locale.ROOT), v));
        }
        return out;
    }
}
