package dev.backprop.cli.experiment;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The lecture's Figure 1.3 (sigmoid, tanh and their derivatives, with ReLU and PReLU, eq. 1.15–1.17) and Figure 2.2
 * (the L2 penalty w² and the L1 penalty |w|). Every derivative is computed by our autograd — the function is applied
 * with {@link Ops} to a grid held in a parameter, the sum is differentiated with {@code backward()}, and the grid's
 * gradient is φ'(x) point by point — not by hand-written formulas, so the figures also check the backward passes.
 */
public final class ActivationsExperiment {
    /** The activations' grid: [−6, 6] in steps of 0.05. */
    static final double X_MAX = 6;
    /** The penalties' grid: [−2, 2] in steps of 0.05. */
    static final double W_MAX = 2;
    static final double STEP = 0.05;
    /** PReLU's slope for x ≤ 0 (its usual starting value). */
    static final double PRELU_ALPHA = 0.25;

    private ActivationsExperiment() {
    }

    /**
     * A function sampled on a grid.
     *
     * @param name "sigmoid", "tanh", "relu", "prelu", "l2", "l1"
     * @param formula the formula, for captions
     * @param x the grid
     * @param value f(x)
     * @param derivative f'(x) from autograd
     */
    record Curve(String name, String formula, double[] x, double[] value, double[] derivative) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("formula", formula);
            m.put("x", Training.list(x));
            m.put("value", Training.list(value));
            m.put("derivative", Training.list(derivative));
            return m;
        }
    }

    public static ExperimentResult run(ExperimentOptions o) {
        o.say("activations: functions and their autograd derivatives on [%s, %s]; penalties on [%s, %s]", -X_MAX, X_MAX,
                -W_MAX, W_MAX);
        double[] xs = grid(X_MAX);
        double[] ws = grid(W_MAX);
        Variable alpha = Variable.constant(Tensor.of(new double[] {PRELU_ALPHA}, 1));
        List<Curve> acts = List.of(
                curve("sigmoid", "σ(x) = 1 / (1 + e^−x)", xs, Ops::sigmoid),
                curve("tanh", "tanh(x) = (e^x − e^−x) / (e^x + e^−x)", xs, Ops::tanh),
                curve("relu", "ReLU(x) = max(0, x)", xs, Ops::relu),
                curve("prelu", "PReLU(x) = x for x > 0, αx for x ≤ 0 (α = " + PRELU_ALPHA + ")", xs,
                        v -> Ops.reshape(Ops.prelu(Ops.reshape(v, v.value().size(), 1), alpha), v.value().size())));
        List<Curve> pens = List.of(
                curve("l2", "Ω(w) = w² (weight decay, eq. 2.2)", ws, v -> Ops.mul(v, v)),
                curve("l1", "Ω(w) = |w| (sparsity, eq. 2.8)", ws, Ops::abs));
        Table.Builder t = Table.builder("function", "f(−2)", "f'(−2)", "f(0.5)", "f'(0.5)", "max f'", "where f' ≥ 1% of max");
        for (Curve c : acts) {
            t.row(c.name(), at(c, c.value(), -2), at(c, c.derivative(), -2), at(c, c.value(), 0.5),
                    at(c, c.derivative(), 0.5), Training.num(max(c.derivative())), activeRange(c));
        }
        Table.Builder pt = Table.builder("penalty", "Ω(−1)", "Ω'(−1)", "Ω(0.1)", "Ω'(0.1)", "Ω'(0)");
        for (Curve c : pens) {
            pt.row(c.name(), at(c, c.value(), -1), at(c, c.derivative(), -1), at(c, c.value(), 0.1),
                    at(c, c.derivative(), 0.1), at(c, c.derivative(), 0));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("derivatives", "autograd (Ops + backward)");
        json.put("functions", acts.stream().map(Curve::toMap).toList());
        json.put("penalties", pens.stream().map(Curve::toMap).toList());
        List<String> notes = List.of(
                "Sigmoid's derivative is at most 0.25 and tanh's at most 1, and both fade to ~0 within a few units"
                        + " of 0: a saturated unit passes almost no gradient back (lecture §2.1).",
                "ReLU's derivative is 1 for every x > 0 and 0 below; PReLU keeps a slope α = " + PRELU_ALPHA
                        + " for x ≤ 0, so it passes gradient everywhere.",
                "The L2 penalty's gradient 2w shrinks near 0, so weight decay slows down as weights get small; the L1"
                        + " penalty's gradient is ±1 at any size, which is what drives weights exactly to 0.");
        return new ExperimentResult("activations", "Activation functions and penalties (lecture Figures 1.3 and 2.2)",
                "Sigmoid, tanh, ReLU and PReLU with their derivatives, and the L2 and L1 penalty functions with theirs."
                        + " Every derivative was computed by backpropagation through the library's own ops, not by"
                        + " hand-coded formulas.",
                json, List.of(t.build(), pt.build()), ActivationFigures.figures(acts, pens), notes);
    }

    /** −max, −max + STEP, …, max (computed as i·STEP so that the grid points are exact multiples). */
    static double[] grid(double max) {
        int n = (int) Math.round(2 * max / STEP);
        double[] x = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            x[i] = Math.round((-max + i * STEP) * 1e9) / 1e9;
        }
        return x;
    }

    /** f on the grid and f' by autograd: the gradient of Σ f(x_i) with respect to x is f'(x_i) elementwise. */
    static Curve curve(String name, String formula, double[] x, UnaryOperator<Variable> f) {
        Variable v = Variable.param(Tensor.of(DType.F64, x.clone(), x.length));
        Variable y = f.apply(v);
        Ops.sum(y).backward();
        return new Curve(name, formula, x, y.value().toDoubleArray(), v.grad().toDoubleArray());
    }

    private static String at(Curve c, double[] values, double x) {
        for (int i = 0; i < c.x().length; i++) {
            if (Math.abs(c.x()[i] - x) < 1e-9) {
                return Training.num(values[i]);
            }
        }
        return "-";
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            m = Math.max(m, d);
        }
        return m;
    }

    /** The x range where the derivative is at least 1% of its maximum ("active range" of §2.1). */
    private static String activeRange(Curve c) {
        double m = max(c.derivative());
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (int i = 0; i < c.x().length; i++) {
            if (c.derivative()[i] >= 0.01 * m) {
                lo = Double.isNaN(lo) ? c.x()[i] : lo;
                hi = c.x()[i];
            }
        }
        String l = lo <= -X_MAX ? "−∞" : String.format(java.util.Locale.ROOT, "%.2f", lo);
        String h = hi >= X_MAX ? "∞" : String.format(java.util.Locale.ROOT, "%.2f", hi);
        return "[" + l + ", " + h + "]";
    }
}
