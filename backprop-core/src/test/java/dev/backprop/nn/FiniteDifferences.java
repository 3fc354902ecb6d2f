package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Gradient check by central differences in F64: for the scalar L = Σ y ⊙ R (R a fixed random tensor), compares
 * the tape's dL/d(input) and dL/d(parameter) with (L(θ + h) − L(θ − h)) / 2h.
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    static void check(Module m, Tensor input, double tol) {
        check(x -> m.forward(x), m.parameters(), input, tol);
    }

    static void check(Function<Variable, Variable> f, List<Parameter> params, Tensor input, double tol) {
        Variable x = Variable.param(input);
        Variable y = f.apply(x);
        Tensor r = Tensor.randn(DType.F64, 99, 0, 1, y.value().shape().dims());
        for (Parameter p : params) {
            p.variable().zeroGrad();
        }
        y.backward(r);
        List<Tensor> wrt = new ArrayList<>(List.of(input));
        List<Tensor> analytic = new ArrayList<>(List.of(x.grad()));
        List<String> names = new ArrayList<>(List.of("input"));
        for (Parameter p : params) {
            wrt.add(p.value());
            analytic.add(p.grad());
            names.add(p.name());
        }
        for (int k = 0; k < wrt.size(); k++) {
            Tensor t = wrt.get(k);
            for (int i = 0; i < t.size(); i++) {
                double orig = t.getFlat(i);
                double h = 1e-6;
                t.setFlat(i, orig + h);
                double plus = dot(f.apply(Variable.constant(input)).value(), r);
                t.setFlat(i, orig - h);
                double minus = dot(f.apply(Variable.constant(input)).value(), r);
                t.setFlat(i, orig);
                double numeric = (plus - minus) / (2 * h);
                double got = analytic.get(k) == null ? 0 : analytic.get(k).getFlat(i);
                assertEquals(numeric, got, tol * Math.max(1, Math.abs(numeric)),
                        "dL/d" + names.get(k) + "[" + i + "]");
            }
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.getFlat(i) * b.getFlat(i);
        }
        return s;
    }
}
