package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backprop.io.Safetensors;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares {@link Ops} with PyTorch: outputs and gradients of every op, and the loss and parameter gradients of
 * small MLPs, against the committed files written by {@code scripts/golden/make_golden.py}.
 *
 * <p>For an op case the gradients are those of {@code sum(out * w)} for the case's fixed random {@code w}, which is
 * the backward pass seeded with {@code w}. A value {@code a} matches the reference {@code b} when
 * {@code |a - b| <= tol * max(1, |b|)}, with {@code tol} 1e-10 for F64 and 1e-5 for F32 (the F32 references are
 * float64 results for the float32 inputs, rounded once).
 */
class TorchGoldenTest {
    private static final double F64_TOL = 1e-10;
    private static final double F32_TOL = 1e-5;

    /** An op case: builds the output from the case's inputs. */
    @FunctionalInterface
    private interface OpCase {
        Variable apply(Inputs in);
    }

    private static final Map<String, OpCase> CASES = new LinkedHashMap<>();

    static {
        for (String shape : List.of("same", "row", "scalar", "row_left", "scalar_left")) {
            CASES.put("add_" + shape, in -> Ops.add(in.v("x"), in.v("y")));
            CASES.put("sub_" + shape, in -> Ops.sub(in.v("x"), in.v("y")));
            CASES.put("mul_" + shape, in -> Ops.mul(in.v("x"), in.v("y")));
            CASES.put("div_" + shape, in -> Ops.div(in.v("x"), in.v("y")));
        }
        CASES.put("neg", in -> Ops.neg(in.v("x")));
        CASES.put("matmul", in -> Ops.matmul(in.v("x"), in.v("y")));
        CASES.put("linear", in -> Ops.linear(in.v("x"), in.v("weight"), in.v("bias")));
        CASES.put("linear_nobias", in -> Ops.linear(in.v("x"), in.v("weight"), null));
        CASES.put("sum_all", in -> Ops.sum(in.v("x")));
        CASES.put("mean_all", in -> Ops.mean(in.v("x")));
        for (String axis : List.of("axis0", "axis1", "axis0_keepdim", "axis1_keepdim")) {
            CASES.put("sum_" + axis, in -> Ops.sum(in.v("x"), in.integer("axis"), in.flag("keepdim")));
            CASES.put("mean_" + axis, in -> Ops.mean(in.v("x"), in.integer("axis"), in.flag("keepdim")));
            CASES.put("max_" + axis, in -> Ops.max(in.v("x"), in.integer("axis"), in.flag("keepdim")));
        }
        CASES.put("sum_3d_axis1", in -> Ops.sum(in.v("x"), in.integer("axis"), in.flag("keepdim")));
        CASES.put("mean_3d_axis2_keepdim", in -> Ops.mean(in.v("x"), in.integer("axis"), in.flag("keepdim")));
        CASES.put("exp", in -> Ops.exp(in.v("x")));
        CASES.put("log", in -> Ops.log(in.v("x")));
        CASES.put("pow", in -> Ops.pow(in.v("x"), in.num("p")));
        CASES.put("pow_int", in -> Ops.pow(in.v("x"), in.num("p")));
        CASES.put("pow_negative", in -> Ops.pow(in.v("x"), in.num("p")));
        CASES.put("sqrt", in -> Ops.sqrt(in.v("x")));
        CASES.put("abs", in -> Ops.abs(in.v("x")));
        CASES.put("clamp", in -> Ops.clamp(in.v("x"), in.num("lo"), in.num("hi")));
        CASES.put("sigmoid", in -> Ops.sigmoid(in.v("x")));
        CASES.put("tanh", in -> Ops.tanh(in.v("x")));
        CASES.put("relu", in -> Ops.relu(in.v("x")));
        CASES.put("leaky_relu", in -> Ops.leakyRelu(in.v("x"), in.num("slope")));
        CASES.put("prelu_shared", in -> Ops.prelu(in.v("x"), in.v("alpha")));
        CASES.put("prelu_per_feature", in -> Ops.prelu(in.v("x"), in.v("alpha")));
        CASES.put("elu", in -> Ops.elu(in.v("x"), in.num("alpha")));
        CASES.put("elu_alpha", in -> Ops.elu(in.v("x"), in.num("alpha")));
        CASES.put("gelu", in -> Ops.gelu(in.v("x")));
        CASES.put("silu", in -> Ops.silu(in.v("x")));
        CASES.put("softmax", in -> Ops.softmax(in.v("x")));
        CASES.put("log_softmax", in -> Ops.logSoftmax(in.v("x")));
        CASES.put("softmax_3d", in -> Ops.softmax(in.v("x")));
        for (Reduction r : Reduction.values()) {
            String red = r.name().toLowerCase(java.util.Locale.ROOT);
            CASES.put("cross_entropy_" + red, in -> Ops.softmaxCrossEntropy(in.v("x"), in.labels("labels"), r));
            CASES.put("mse_" + red, in -> Ops.mse(in.v("x"), in.t("target"), r));
            CASES.put("bce_with_logits_" + red, in -> Ops.bceWithLogits(in.v("x"), in.t("target"), r));
        }
        CASES.put("cross_entropy_extreme",
                in -> Ops.softmaxCrossEntropy(in.v("x"), in.labels("labels"), Reduction.MEAN));
        CASES.put("bce_with_logits_extreme", in -> Ops.bceWithLogits(in.v("x"), in.t("target"), Reduction.MEAN));
    }

    /** The tensors and parameters of one case in a golden file; remembers the parameters it hands out. */
    private record Inputs(String name, Safetensors.Contents file, Map<String, Variable> params) {
        Inputs(String name, Safetensors.Contents file) {
            this(name, file, new LinkedHashMap<>());
        }

        Tensor t(String input) {
            Tensor t = file.tensors().get(name + "/" + input);
            assertNotNull(t, "golden file has no tensor " + name + "/" + input);
            return t.copy();
        }

        /** A parameter (takes a gradient) holding the golden input {@code input}. */
        Variable v(String input) {
            return params.computeIfAbsent(input, k -> Variable.param(t(k)).named(k));
        }

        int[] labels(String input) {
            double[] values = t(input).toDoubleArray();
            int[] labels = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                labels[i] = (int) values[i];
            }
            return labels;
        }

        String param(String key) {
            String value = file.metadata().get(name + "/" + key);
            assertNotNull(value, "golden file has no metadata " + name + "/" + key);
            return value;
        }

        double num(String key) {
            return Double.parseDouble(param(key));
        }

        int integer(String key) {
            return Integer.parseInt(param(key));
        }

        boolean flag(String key) {
            return Boolean.parseBoolean(param(key));
        }
    }

    // ---------------------------------------------------------------- files

    private static final Map<String, Safetensors.Contents> FILES = new java.util.concurrent.ConcurrentHashMap<>();

    private static Safetensors.Contents golden(String file) {
        return FILES.computeIfAbsent(file, f -> {
            try {
                return Safetensors.readContents(Path.of(TorchGoldenTest.class.getResource("/golden/" + f).toURI()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Case names of a file: the part of each tensor name before its first '/'. */
    private static Set<String> caseNames(Safetensors.Contents file) {
        return file.tensors().keySet().stream().map(k -> k.substring(0, k.indexOf('/')))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    // ---------------------------------------------------------------- comparison

    /** Fails unless shapes and dtypes agree and every element satisfies |a - b| <= tol * max(1, |b|). */
    private static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertNotNull(actual, what + " is null");
        assertEquals(expected.shape(), actual.shape(), what + " shape");
        assertEquals(expected.dtype(), actual.dtype(), what + " dtype");
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.size(); i++) {
            double a = actual.getFlat(i);
            double b = expected.getFlat(i);
            double ratio = Math.abs(a - b) / Math.max(1, Math.abs(b));
            if (!(ratio <= worstRatio)) { // also catches NaN
                worst = i;
                worstRatio = ratio;
            }
        }
        if (worst >= 0 && !(worstRatio <= tol)) {
            fail(String.format("%s: element %d is %.17g, PyTorch gives %.17g (relative error %.3g > %.0e)", what, worst,
                    actual.getFlat(worst), expected.getFlat(worst), worstRatio, tol));
        }
    }

    // ---------------------------------------------------------------- op cases

    @Test
    void everyGoldenCaseHasAJavaCaseAndViceVersa() {
        for (String file : List.of("ops_f64.safetensors", "ops_f32.safetensors")) {
            assertEquals(new TreeSet<>(CASES.keySet()), caseNames(golden(file)), file);
        }
    }

    @TestFactory
    Stream<DynamicTest> opsMatchPyTorchInF64() {
        return opTests("ops_f64.safetensors", F64_TOL);
    }

    @TestFactory
    Stream<DynamicTest> opsMatchPyTorchInF32() {
        return opTests("ops_f32.safetensors", F32_TOL);
    }

    private static Stream<DynamicTest> opTests(String file, double tol) {
        return CASES.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(),
                () -> checkOp(new Inputs(c.getKey(), golden(file)), c.getValue(), tol)));
    }

    private static void checkOp(Inputs in, OpCase op, double tol) {
        Variable out = op.apply(in);
        assertClose(in.name() + " output", in.t("out"), out.value(), tol);
        out.backward(in.t("w"));
        Set<String> expectedGrads = new TreeSet<>();
        String prefix = in.name() + "/grad_";
        for (String key : in.file().tensors().keySet()) {
            if (key.startsWith(prefix)) {
                expectedGrads.add(key.substring(prefix.length()));
            }
        }
        assertEquals(expectedGrads, new TreeSet<>(in.params().keySet()), in.name() + ": inputs that take a gradient");
        for (String input : expectedGrads) {
            assertClose(in.name() + " gradient of " + input, in.t("grad_" + input), in.params().get(input).grad(), tol);
        }
    }

    // ---------------------------------------------------------------- MLPs

    private static final List<String> ACTIVATIONS =
            List.of("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "gelu", "silu");

    @Test
    void everyGoldenMlpIsChecked() {
        Set<String> expected = ACTIVATIONS.stream().map(a -> "mlp_" + a).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, caseNames(golden("mlp_f64.safetensors")));
        assertEquals(expected, caseNames(golden("mlp_f32.safetensors")));
    }

    @TestFactory
    Stream<DynamicTest> mlpLossAndGradientsMatchPyTorchInF64() {
        return mlpTests("mlp_f64.safetensors", F64_TOL);
    }

    @TestFactory
    Stream<DynamicTest> mlpLossAndGradientsMatchPyTorchInF32() {
        return mlpTests("mlp_f32.safetensors", F32_TOL);
    }

    private static Stream<DynamicTest> mlpTests(String file, double tol) {
        return ACTIVATIONS.stream().map(act -> DynamicTest.dynamicTest("mlp_" + act,
                () -> checkMlp(new Inputs("mlp_" + act, golden(file)), act, tol)));
    }

    /** Linear(5,7)-act-Linear(7,6)-act-Linear(6,3), parameters named as in PyTorch's nn.Sequential, mean CE. */
    private static void checkMlp(Inputs in, String act, double tol) {
        Variable x = Variable.constant(in.t("x"));
        Variable h = activation(in, act, 1).apply(Ops.linear(x, in.v("0.weight"), in.v("0.bias")));
        h = activation(in, act, 3).apply(Ops.linear(h, in.v("2.weight"), in.v("2.bias")));
        Variable logits = Ops.linear(h, in.v("4.weight"), in.v("4.bias"));
        Variable loss = Ops.softmaxCrossEntropy(logits, in.labels("labels"), Reduction.MEAN);
        assertClose(in.name() + " loss", in.t("loss"), loss.value(), tol);
        loss.backward();
        String prefix = in.name() + "/grad/";
        Set<String> expectedGrads = in.file().tensors().keySet().stream().filter(k -> k.startsWith(prefix))
                .map(k -> k.substring(prefix.length())).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expectedGrads, new TreeSet<>(in.params().keySet()), in.name() + ": parameters");
        for (String p : expectedGrads) {
            assertClose(in.name() + " gradient of " + p, in.t("grad/" + p), in.params().get(p).grad(), tol);
        }
    }

    /** The activation at nn.Sequential index {@code index} (PReLU's alpha is the parameter "index.weight"). */
    private static UnaryOperator<Variable> activation(Inputs in, String act, int index) {
        return switch (act) {
            case "sigmoid" -> Ops::sigmoid;
            case "tanh" -> Ops::tanh;
            case "relu" -> Ops::relu;
            case "leaky_relu" -> v -> Ops.leakyRelu(v, in.num("slope"));
            case "prelu" -> v -> Ops.prelu(v, in.v(index + ".weight"));
            case "elu" -> v -> Ops.elu(v, in.num("alpha"));
            case "gelu" -> Ops::gelu;
            case "silu" -> Ops::silu;
            default -> throw new IllegalArgumentException("no activation '" + act + "'");
        };
    }

    @Test
    void goldenFilesRecordTheirGeneratorAndHoldTheirDtype() {
        for (String f : List.of("ops_f64.safetensors", "ops_f32.safetensors", "mlp_f64.safetensors",
                "mlp_f32.safetensors")) {
            String dtype = f.substring(f.indexOf('_') + 1, f.indexOf('.'));
            assertEquals("scripts/golden/make_golden.py", golden(f).metadata().get("generator"), f);
            assertTrue(golden(f).tensors().values().stream().allMatch(t -> t.dtype().label().equals(dtype)), f);
        }
    }
}
