package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer against PyTorch 1.13 (scripts/golden/make_optim_golden.py): the same initial parameter and
 * gradients, the parameter after each step equal to 1e-10 in F64; and on F32 parameters, where Adam, AdamW and
 * RMSProp keep F32 state and compute in F32, within {@link #F32_ULPS} units in the last place of the larger of the
 * weight before and after the step (PyTorch's vectorised kernels fuse some multiply-adds; SGD computes in double and
 * rounds once). PyTorch's
 * weight_decay = wd is given as L2(wd / 2).
 */
class OptimizerGoldenTest {
    static JsonNode golden() throws IOException {
        try (InputStream in = OptimizerGoldenTest.class.getResourceAsStream("/golden/optim.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** The F32 tolerance in units in the last place of PyTorch's value. */
    static final int F32_ULPS = 2;

    static List<String> cases() throws IOException {
        return java.util.stream.StreamSupport.stream(golden().get("cases").spliterator(), false)
                .map(c -> c.get("name").asText()).toList();
    }

    static JsonNode find(JsonNode g, String section, String name) {
        for (JsonNode n : g.get(section)) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no golden case " + name + " in " + section);
    }

    static Tensor matrix(JsonNode node) {
        int rows = node.size();
        int cols = node.get(0).size();
        double[] d = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                d[r * cols + c] = node.get(r).get(c).asDouble();
            }
        }
        return Tensor.of(d, rows, cols);
    }

    static Optimizer build(String kind, JsonNode kw, List<Parameter> params) {
        double lr = kw.get("lr").asDouble();
        double wd = kw.path("weight_decay").asDouble(0);
        Regularizer reg = wd == 0 || kind.equals("AdamW") ? Regularizer.none() : new Regularizer.L2(wd / 2);
        List<ParamGroup> groups = ParamGroup.split(params, lr, reg);
        double momentum = kw.path("momentum").asDouble(0);
        return switch (kind) {
            case "SGD" -> new SGD(groups, momentum, 0, kw.path("nesterov").asBoolean(false));
            case "Adam" -> new Adam(groups, beta(kw, 0, 0.9), beta(kw, 1, 0.999), kw.path("eps").asDouble(1e-8));
            case "AdamW" -> new AdamW(groups, beta(kw, 0, 0.9), beta(kw, 1, 0.999), kw.path("eps").asDouble(1e-8),
                    kw.path("weight_decay").asDouble(0.01));
            case "RMSprop" -> new RMSProp(groups, kw.path("alpha").asDouble(0.99), kw.path("eps").asDouble(1e-8),
                    momentum, kw.path("centered").asBoolean(false));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static double beta(JsonNode kw, int i, double dflt) {
        return kw.has("betas") ? kw.get("betas").get(i).asDouble() : dflt;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name) throws IOException {
        JsonNode g = golden();
        JsonNode c = find(g, "cases", name);
        Parameter p = Parameter.of("w", Role.WEIGHT, matrix(g.get("p0")));
        Optimizer opt = build(c.get("optimizer").asText(), c.get("kwargs"), List.of(p));
        for (int t = 0; t < g.get("grads").size(); t++) {
            opt.zeroGrad();
            p.variable().setGrad(matrix(g.get("grads").get(t)));
            opt.step();
            Tensor expected = matrix(c.get("params").get(t));
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.getFlat(i), p.value().getFlat(i), 1e-10, name + " step " + (t + 1) + " element " + i);
            }
        }
        assertEquals(DType.F64, p.value().dtype());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorchInF32(String name) throws IOException {
        JsonNode g = golden();
        JsonNode c = find(g, "cases_f32", name);
        Parameter p = Parameter.of("w", Role.WEIGHT, matrix(g.get("p0")).to(DType.F32));
        Optimizer opt = build(c.get("optimizer").asText(), c.get("kwargs"), List.of(p));
        Tensor before = matrix(g.get("p0")).to(DType.F32);
        for (int t = 0; t < g.get("grads").size(); t++) {
            opt.zeroGrad();
            p.variable().setGrad(matrix(g.get("grads").get(t)).to(DType.F32));
            opt.step();
            Tensor expected = matrix(c.get("params").get(t));
            for (int i = 0; i < expected.size(); i++) {
                float want = (float) expected.getFlat(i);
                float got = (float) p.value().getFlat(i);
                // in units of the larger of the old and the new weight: w − η·u cancels when the step is close to w
                float ulp = Math.ulp(Math.max(Math.abs(want), (float) Math.abs(before.getFlat(i))));
                assertTrue(Math.abs(got - want) <= F32_ULPS * ulp, name + " step " + (t + 1) + " element " + i
                        + ": PyTorch " + want + ", got " + got + " (" + Math.abs(got - want) / ulp + " ulp)");
            }
            before = expected.to(DType.F32);
        }
        assertEquals(DType.F32, p.value().dtype());
    }
}
