package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Validation, learning rates, state save/restore, gradient clipping. */
class OptimizerBehaviourTest {

    private static List<Parameter> params() {
        return List.of(Parameter.of("0.weight", Role.WEIGHT, Tensor.of(new double[] {0.5, -1, 2, 0.1}, 2, 2)),
                Parameter.of("0.bias", Role.BIAS, Tensor.of(new double[] {0.3, -0.2}, 2)));
    }

    private static void setGrads(List<Parameter> ps, int t) {
        for (Parameter p : ps) {
            Tensor g = Tensor.zeros(DType.F64, p.value().shape().dims());
            for (int i = 0; i < g.size(); i++) {
                g.setFlat(i, Math.sin(1.3 * t + 0.7 * i + p.name().length()));
            }
            p.variable().setGrad(g);
        }
    }

    @Test
    void stateRoundTripResumesExactly() {
        List<Function<List<Parameter>, BaseOptimizer>> makers = List.of(
                ps -> SGD.of(ps, 0.1, 0.9, true, new Regularizer.L2(0.01)),
                ps -> Adam.of(ps, 0.01, new Regularizer.L1(0.01)),
                ps -> AdamW.of(ps, 0.01, 0.1),
                ps -> new RMSProp(ParamGroup.split(ps, 0.01, Regularizer.none()), 0.9, 1e-8, 0.5, true));
        for (Function<List<Parameter>, BaseOptimizer> make : makers) {
            List<Parameter> straight = params();
            BaseOptimizer a = make.apply(straight);
            for (int t = 0; t < 6; t++) {
                setGrads(straight, t);
                if (t == 3) {
                    a.setLr(a.lr() * 0.5);
                }
                a.step();
            }
            List<Parameter> resumed = params();
            BaseOptimizer b = make.apply(resumed);
            for (int t = 0; t < 3; t++) {
                setGrads(resumed, t);
                b.step();
            }
            Map<String, Tensor> saved = b.state();
            List<Parameter> fresh = params();
            for (int i = 0; i < fresh.size(); i++) {
                fresh.get(i).value().copyFrom(resumed.get(i).value());
            }
            BaseOptimizer c = make.apply(fresh);
            c.loadState(saved);
            for (int t = 3; t < 6; t++) {
                setGrads(fresh, t);
                if (t == 3) {
                    c.setLr(c.lr() * 0.5);
                }
                c.step();
            }
            for (int i = 0; i < fresh.size(); i++) {
                assertArrayEquals(straight.get(i).value().toDoubleArray(), fresh.get(i).value().toDoubleArray(),
                        a.getClass().getSimpleName() + " " + fresh.get(i).name());
            }
        }
    }

    @Test
    void stateNamesAndStrictLoading() {
        List<Parameter> ps = params();
        Adam adam = Adam.of(ps, 0.01, Regularizer.none());
        setGrads(ps, 0);
        adam.step();
        Map<String, Tensor> st = adam.state();
        assertTrue(st.keySet().containsAll(List.of("lr.0", "0.weight.step", "0.weight.exp_avg", "0.weight.exp_avg_sq",
                "0.bias.exp_avg")), st.keySet().toString());
        st.put("9.weight.exp_avg", Tensor.zeros(DType.F64, 2));
        st.put("0.bias.exp_avg_sq", Tensor.zeros(DType.F64, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(st));
        assertTrue(e.getMessage().contains("9.weight.exp_avg") && e.getMessage().contains("expected shape [2], got [3]"),
                e.getMessage());
    }

    @Test
    void constructorsRejectInvalidValuesNamingThem() {
        List<ParamGroup> g = ParamGroup.split(params(), 0.1, Regularizer.none());
        assertMessage("invalid momentum: -1.0", () -> new SGD(g, -1.0, 0, false));
        assertMessage("Nesterov", () -> new SGD(g, 0, 0, true));
        assertMessage("invalid beta1: 1.0", () -> new Adam(g, 1.0, 0.999, 1e-8));
        assertMessage("invalid epsilon: -1.0", () -> new Adam(g, 0.9, 0.999, -1.0));
        assertMessage("invalid weight_decay: -0.5", () -> new AdamW(g, 0.9, 0.999, 1e-8, -0.5));
        assertMessage("invalid alpha: 1.5", () -> new RMSProp(g, 1.5, 1e-8, 0, false));
        assertMessage("invalid learning rate: -0.1", () -> SGD.of(params(), -0.1, Regularizer.none()));
        Parameter dup = Parameter.of("weight", Role.WEIGHT, Tensor.zeros(DType.F64, 1));
        Parameter dup2 = Parameter.of("weight", Role.WEIGHT, Tensor.zeros(DType.F64, 1));
        assertMessage("'weight' appears twice", () -> SGD.of(List.of(dup, dup2), 0.1, Regularizer.none()));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void groupLearningRatesKeepTheirRatio() {
        List<Parameter> ps = params();
        SGD sgd = new SGD(List.of(new ParamGroup(List.of(ps.get(0)), 0.1, Regularizer.none()),
                new ParamGroup(List.of(ps.get(1)), 0.02, Regularizer.none())), 0, 0, false);
        sgd.setLr(0.05);
        assertEquals(0.05, sgd.lr(), 1e-15);
        assertEquals(0.01, sgd.groupLr(1), 1e-15);
    }

    @Test
    void zeroGradClearsAndStepSkipsParametersWithoutGradient() {
        List<Parameter> ps = params();
        SGD sgd = SGD.of(ps, 0.1, Regularizer.none());
        setGrads(ps, 1);
        sgd.zeroGrad();
        assertNull(ps.get(0).grad());
        double[] before = ps.get(0).value().toDoubleArray();
        sgd.step();
        assertArrayEquals(before, ps.get(0).value().toDoubleArray());
    }

    @Test
    void f32ParametersAreUpdatedInPlace() {
        Parameter p = Parameter.of("w", Role.WEIGHT, Tensor.of(new float[] {1f, 2f}, 2));
        p.variable().setGrad(Tensor.of(new float[] {0.5f, -0.5f}, 2));
        SGD.of(List.of(p), 0.1, Regularizer.none()).step();
        assertArrayEquals(new float[] {0.95f, 2.05f}, p.value().toFloatArray());
    }

    @Test
    void clipByGlobalNormReturnsTheNormAndRescales() {
        List<Parameter> ps = params();
        ps.get(0).variable().setGrad(Tensor.of(new double[] {3, 0, 0, 0}, 2, 2));
        ps.get(1).variable().setGrad(Tensor.of(new double[] {0, 4}, 2));
        double norm = Clip.byGlobalNorm(ps, 1.0);
        assertEquals(5.0, norm, 1e-15);
        assertEquals(1.0, Clip.globalNorm(ps), 1e-6);
        assertEquals(0.6, ps.get(0).grad().getFlat(0), 1e-6);
        assertEquals(1.0, Clip.byGlobalNorm(ps, 10.0), 1e-6, "below the maximum: untouched");
        assertEquals(0.8, ps.get(1).grad().getFlat(1), 1e-6);
    }

    @Test
    void clipByValue() {
        List<Parameter> ps = params();
        ps.get(0).variable().setGrad(Tensor.of(new double[] {3, -0.1, -7, 0.5}, 2, 2));
        Clip.byValue(ps, 0.5);
        assertArrayEquals(new double[] {0.5, -0.1, -0.5, 0.5}, ps.get(0).grad().toDoubleArray());
    }
}
