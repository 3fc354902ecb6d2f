package dev.backprop.autograd;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks analytic gradients against central finite differences, in F64.
 *
 * <p>For a function {@code f} of the input variables, the analytic gradient comes from one backward pass; the
 * numeric one from {@code (f(x + h e_i) - f(x - h e_i)) / 2h} for every element {@code i} of every input, with
 * {@code h = step * max(1, |x_i|)}. A
 * function whose value is not a scalar is reduced to one with fixed pseudo-random weights,
 * {@code L = sum_j w_j f_j}, so that every output element takes part.
 *
 * <p>The error of one element is {@code |a - n| / max(|a|, |n|, floor)}: relative where the gradient is large, and
 * absolute (divided by {@code floor}) where both are near zero, since there finite differences can only be accurate
 * to about {@code eps * |L| / h} and a relative error would be noise. The floor is
 * {@code 1e-3 * max(1, |L|)} unless given.
 */
public final class GradCheck {
    /** Default relative step of the finite differences: {@code h = 1e-6·max(1, |x_i|)}. */
    public static final double DEFAULT_STEP = 1e-6;

    private GradCheck() {
    }

    /**
     * The worst element of one input: its error, flat index, analytic and numeric gradient.
     *
     * @param input position of the input in the list
     * @param maxRelError the largest error over the input's elements (see the class comment); infinite where the
     *        error is NaN; 0 for an empty input
     * @param worstIndex row-major index of the element with that error, or -1 for an empty input
     * @param analytic the gradient from the backward pass at that element (0 when the input got no gradient)
     * @param numeric the central-difference estimate at that element
     */
    public record InputError(int input, double maxRelError, int worstIndex, double analytic, double numeric) {
    }

    /**
     * The result of a check: one {@link InputError} per input.
     *
     * @param inputs the worst element of each input, in input order
     */
    public record Report(List<InputError> inputs) {
        /** {@return the largest error over all inputs (0 when there are no elements)} */
        public double maxRelError() {
            return inputs.stream().mapToDouble(InputError::maxRelError).max().orElse(0.0);
        }

        /** {@return the largest error of each input, in input order} */
        public double[] perInput() {
            return inputs.stream().mapToDouble(InputError::maxRelError).toArray();
        }

        /** {@return the overall error and, for each input, its worst element with both gradients} */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("GradCheck(max relative error " + maxRelError());
            for (InputError e : inputs) {
                sb.append("; input ").append(e.input()).append(": ").append(e.maxRelError()).append(" at ")
                        .append(e.worstIndex()).append(" (analytic ").append(e.analytic()).append(", numeric ")
                        .append(e.numeric()).append(')');
            }
            return sb.append(')').toString();
        }
    }

    /**
     * {@link #check(Function, List, double, double)} with the default step and floor.
     *
     * @param f the function under test, given one variable per input
     * @param inputs the points to check at: F64 tensors (copied, not modified)
     * @return one worst element per input
     * @throws IllegalArgumentException if an input is not F64
     */
    public static Report check(Function<List<Variable>, Variable> f, Tensor... inputs) {
        return check(f, List.of(inputs));
    }

    /**
     * {@link #check(Function, List, double, double)} with the default step and floor.
     *
     * @param f the function under test, given one variable per input
     * @param inputs the points to check at: F64 tensors (copied, not modified)
     * @return one worst element per input
     * @throws IllegalArgumentException if an input is not F64
     */
    public static Report check(Function<List<Variable>, Variable> f, List<Tensor> inputs) {
        return check(f, inputs, DEFAULT_STEP, Double.NaN);
    }

    /**
     * Compares analytic and numeric gradients of {@code f} at {@code inputs}. The analytic gradient comes from one
     * backward pass; then, for each element of each input, {@code f} is evaluated twice more under {@link NoGrad}
     * (so a check costs {@code 2·(total elements) + 1} evaluations). {@code f} must be deterministic.
     *
     * @param f the function under test, given one variable per input (in order); it may return any shape
     * @param inputs the points to check at: F64 tensors (copied, not modified)
     * @param step relative finite-difference step (h = step * max(1, |x_i|))
     * @param floor denominator floor for near-zero gradients, or NaN for {@code 1e-3 * max(1, |L|)}
     * @return one worst element per input
     * @throws IllegalArgumentException if an input is not F64
     */
    public static Report check(Function<List<Variable>, Variable> f, List<Tensor> inputs, double step, double floor) {
        List<Tensor> xs = new ArrayList<>();
        for (Tensor t : inputs) {
            if (t.dtype() != DType.F64) {
                throw new IllegalArgumentException("GradCheck needs F64 inputs, got " + t.dtype() + " " + t.shape());
            }
            xs.add(t.copy());
        }
        List<Variable> params = new ArrayList<>();
        for (Tensor t : xs) {
            params.add(Variable.param(t));
        }
        Variable out = f.apply(params);
        Tensor weights = out.value().size() == 1 ? null
                : Tensor.rand(DType.F64, 12345L, 0.5, 1.5, out.shape().dims());
        Variable loss = weights == null ? out : Ops.sum(Ops.mul(out, Variable.constant(weights)));
        loss.backward();
        double fl = Double.isNaN(floor) ? 1e-3 * Math.max(1.0, Math.abs(loss.value().item())) : floor;

        List<InputError> errors = new ArrayList<>();
        for (int k = 0; k < xs.size(); k++) {
            Tensor x = xs.get(k);
            Tensor analytic = params.get(k).grad();
            InputError worst = new InputError(k, 0.0, -1, 0.0, 0.0);
            for (int i = 0; i < x.size(); i++) {
                double a = analytic == null ? 0.0 : analytic.getFlat(i);
                double orig = x.getFlat(i);
                double h = step * Math.max(1.0, Math.abs(orig));
                x.setFlat(i, orig + h);
                double plus = evaluate(f, xs, weights);
                x.setFlat(i, orig - h);
                double minus = evaluate(f, xs, weights);
                x.setFlat(i, orig);
                double n = (plus - minus) / (2 * h);
                double err = Math.abs(a - n) / Math.max(Math.max(Math.abs(a), Math.abs(n)), fl);
                if (Double.isNaN(err)) {
                    err = Double.POSITIVE_INFINITY;
                }
                if (err > worst.maxRelError() || worst.worstIndex() < 0) {
                    worst = new InputError(k, err, i, a, n);
                }
            }
            errors.add(worst);
        }
        return new Report(List.copyOf(errors));
    }

    private static double evaluate(Function<List<Variable>, Variable> f, List<Tensor> xs, Tensor weights) {
        try (NoGrad ignored = NoGrad.enter()) {
            List<Variable> vs = new ArrayList<>();
            for (Tensor t : xs) {
                vs.add(Variable.constant(t));
            }
            Tensor y = f.apply(vs).value();
            if (weights == null) {
                return y.item();
            }
            double s = 0;
            for (int i = 0; i < y.size(); i++) {
                s += weights.getFlat(i) * y.getFlat(i);
            }
            return s;
        }
    }
}
