package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link OptimizerSpec}: defaults, validation, the optimizer it builds, JSON. */
class OptimizerSpecTest {

    @Test
    void defaultsArePyTorchs() {
        assertEquals(new OptimizerSpec.Sgd(1e-3, 0, 0, false), OptimizerSpec.named("sgd"));
        assertEquals(new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8), OptimizerSpec.named("ADAM"));
        assertEquals(new OptimizerSpec.AdamW(1e-3, 0.9, 0.999, 1e-8, 0.01), OptimizerSpec.named("adamw"));
        assertEquals(new OptimizerSpec.RMSProp(1e-2, 0.99, 1e-8, 0, false), OptimizerSpec.named("rmsprop"));
        assertEquals("sgd|adam|adamw|rmsprop", OptimizerSpec.NAMES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.named("lbfgs"));
        assertEquals("unknown optimizer 'lbfgs'; valid: sgd|adam|adamw|rmsprop", e.getMessage());
    }

    @Test
    void withersChangeOneValue() {
        assertEquals(new OptimizerSpec.Sgd(0.05, 0.9, 0, true), OptimizerSpec.Sgd.lr(0.05).momentum(0.9).nesterov(true));
        assertEquals(new OptimizerSpec.Sgd(0.05, 0.5, 0.1, false), OptimizerSpec.Sgd.lr(0.05).momentum(0.5).dampening(0.1));
        assertEquals(new OptimizerSpec.Adam(2e-3, 0.8, 0.99, 1e-6), OptimizerSpec.Adam.lr(2e-3).betas(0.8, 0.99).eps(1e-6));
        assertEquals(new OptimizerSpec.AdamW(1e-3, 0.9, 0.999, 1e-8, 0.0), OptimizerSpec.AdamW.lr(1e-3).weightDecay(0));
        assertEquals(new OptimizerSpec.RMSProp(0.01, 0.9, 1e-7, 0.5, true),
                OptimizerSpec.RMSProp.lr(0.01).alpha(0.9).eps(1e-7).momentum(0.5).centered(true));
        assertEquals(0.2, OptimizerSpec.Adam.lr(1e-3).withLr(0.2).lr());
        assertEquals("adamw", OptimizerSpec.AdamW.lr(1).name());
    }

    @Test
    void invalidValuesNameTheParameterAndTheRange() {
        expect("sgd lr must be a finite number >= 0, got -1.0", () -> OptimizerSpec.Sgd.lr(-1));
        expect("sgd lr must be a finite number >= 0, got NaN", () -> OptimizerSpec.Sgd.lr(Double.NaN));
        expect("sgd momentum must be a finite number >= 0, got -0.5", () -> OptimizerSpec.Sgd.lr(1).momentum(-0.5));
        expect("sgd dampening must be in [0.0, 1.0], got 1.5", () -> OptimizerSpec.Sgd.lr(1).dampening(1.5));
        expect("sgd nesterov needs momentum > 0 and dampening 0, got momentum 0.0, dampening 0.0",
                () -> OptimizerSpec.Sgd.lr(1).nesterov(true));
        expect("adam beta1 must be in [0.0, 1.0), got 1.0", () -> OptimizerSpec.Adam.lr(1).betas(1, 0.999));
        expect("adam beta2 must be in [0.0, 1.0), got -0.1", () -> OptimizerSpec.Adam.lr(1).betas(0.9, -0.1));
        expect("adam eps must be a finite number >= 0, got -1.0E-8", () -> OptimizerSpec.Adam.lr(1).eps(-1e-8));
        expect("adamw weight_decay must be a finite number >= 0, got -0.01",
                () -> OptimizerSpec.AdamW.lr(1).weightDecay(-0.01));
        expect("adamw lr must be a finite number >= 0, got Infinity",
                () -> OptimizerSpec.AdamW.lr(Double.POSITIVE_INFINITY));
        expect("rmsprop alpha must be in [0.0, 1.0], got 1.01", () -> OptimizerSpec.RMSProp.lr(1).alpha(1.01));
        expect("rmsprop momentum must be a finite number >= 0, got -1.0", () -> OptimizerSpec.RMSProp.lr(1).momentum(-1));
        expect("adam beta1 must be in [0.0, 1.0), got 2.0",
                () -> OptimizerSpec.fromJson("{\"type\":\"adam\",\"beta1\":2}"));
    }

    private static void expect(String message, Executable e) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, e).getMessage());
    }

    static Stream<Arguments> specsAndHandBuilt() {
        Regularizer l2 = new Regularizer.L2(1e-3);
        Regularizer l1 = new Regularizer.L1(1e-3);
        return Stream.of(
                Arguments.of(OptimizerSpec.Sgd.lr(0.05), l2,
                        (Function<List<Parameter>, Optimizer>) p -> SGD.of(p, 0.05, l2)),
                Arguments.of(OptimizerSpec.Sgd.lr(0.05).momentum(0.9), l2,
                        (Function<List<Parameter>, Optimizer>) p -> SGD.of(p, 0.05, 0.9, false, l2)),
                Arguments.of(OptimizerSpec.Sgd.lr(0.05).momentum(0.9).nesterov(true), Regularizer.none(),
                        (Function<List<Parameter>, Optimizer>) p -> SGD.of(p, 0.05, 0.9, true, Regularizer.none())),
                Arguments.of(OptimizerSpec.Sgd.lr(0.05).momentum(0.9).dampening(0.3), l1,
                        (Function<List<Parameter>, Optimizer>) p ->
                                new SGD(ParamGroup.split(p, 0.05, l1), 0.9, 0.3, false)),
                Arguments.of(OptimizerSpec.Adam.lr(1e-3), l2,
                        (Function<List<Parameter>, Optimizer>) p -> Adam.of(p, 1e-3, l2)),
                Arguments.of(OptimizerSpec.Adam.lr(2e-3).betas(0.8, 0.99).eps(1e-6), Regularizer.none(),
                        (Function<List<Parameter>, Optimizer>) p ->
                                new Adam(ParamGroup.split(p, 2e-3, Regularizer.none()), 0.8, 0.99, 1e-6)),
                Arguments.of(OptimizerSpec.AdamW.lr(1e-3), Regularizer.none(),
                        (Function<List<Parameter>, Optimizer>) p -> AdamW.of(p, 1e-3, 0.01)),
                Arguments.of(OptimizerSpec.AdamW.lr(1e-3).weightDecay(0.1), l2,
                        (Function<List<Parameter>, Optimizer>) p ->
                                new AdamW(ParamGroup.split(p, 1e-3, l2), 0.9, 0.999, 1e-8, 0.1)),
                Arguments.of(OptimizerSpec.RMSProp.lr(1e-3), l2,
                        (Function<List<Parameter>, Optimizer>) p -> RMSProp.of(p, 1e-3, l2)),
                Arguments.of(OptimizerSpec.RMSProp.lr(1e-3).momentum(0.5).centered(true).alpha(0.9), Regularizer.none(),
                        (Function<List<Parameter>, Optimizer>) p ->
                                new RMSProp(ParamGroup.split(p, 1e-3, Regularizer.none()), 0.9, 1e-8, 0.5, true)));
    }

    /** A weight and a bias of {@code dtype}, the same values for the same seed. */
    private static List<Parameter> params(DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = r.doubles(12, -1, 1).toArray();
        double[] b = r.doubles(3, -1, 1).toArray();
        return List.of(Parameter.of("0.weight", Role.WEIGHT, Tensor.of(w, 3, 4).to(dtype)),
                Parameter.of("0.bias", Role.BIAS, Tensor.of(b, 3).to(dtype)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specsAndHandBuilt")
    void buildsTheOptimizerItDescribes(OptimizerSpec spec, Regularizer reg, Function<List<Parameter>, Optimizer> hand) {
        for (DType dtype : DType.values()) {
            List<Parameter> a = params(dtype, 7);
            List<Parameter> b = params(dtype, 7);
            Optimizer fromSpec = spec.build(a, reg);
            Optimizer byHand = hand.apply(b);
            assertEquals(byHand.getClass(), fromSpec.getClass());
            SplittableRandom grads = new SplittableRandom(11);
            for (int step = 0; step < 5; step++) {
                for (int i = 0; i < a.size(); i++) {
                    Tensor g = Tensor.of(grads.doubles(a.get(i).value().size(), -1, 1).toArray(),
                            a.get(i).value().shape().dims()).to(dtype);
                    a.get(i).variable().setGrad(g);
                    b.get(i).variable().setGrad(g.copy());
                }
                fromSpec.step();
                byHand.step();
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(b.get(i).value().toDoubleArray(), a.get(i).value().toDoubleArray(), 0.0,
                            spec + " " + dtype + " step " + step + " " + a.get(i).name());
                }
            }
            assertEquals(byHand.state().keySet(), fromSpec.state().keySet());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specsAndHandBuilt")
    void jsonRoundTrip(OptimizerSpec spec) throws Exception {
        String json = spec.toJson();
        assertTrue(json.startsWith("{\"type\":\"" + spec.name() + "\""), json);
        assertEquals(spec, OptimizerSpec.fromJson(json));
        // The keys are fixed: a mapper with a naming strategy writes and reads the same form.
        ObjectMapper kebab = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
        assertEquals(json, kebab.writerFor(OptimizerSpec.class).writeValueAsString(spec));
        assertEquals(spec, kebab.readValue(json, OptimizerSpec.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specsAndHandBuilt")
    void javaSerializationRoundTrip(OptimizerSpec spec) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(spec, in.readObject());
        }
    }

    @Test
    void jsonUsesPyTorchsKeywordNamesAndDefaultsForMissingKeys() {
        assertEquals("{\"type\":\"adamw\",\"lr\":0.001,\"beta1\":0.9,\"beta2\":0.999,\"eps\":1.0E-8,\"weight_decay\":0.0}",
                OptimizerSpec.AdamW.lr(1e-3).weightDecay(0).toJson());
        assertEquals(OptimizerSpec.Adam.DEFAULTS.eps(1e-6), OptimizerSpec.fromJson("{\"type\":\"adam\",\"eps\":1e-6}"));
        assertEquals(OptimizerSpec.AdamW.DEFAULTS, OptimizerSpec.fromJson("{\"type\":\"adamw\"}"));
        assertInstanceOf(OptimizerSpec.Sgd.class, OptimizerSpec.fromJson("{\"lr\":0.1,\"type\":\"sgd\"}"));
        expect("unknown optimizer type 'lbfgs'; valid: sgd|adam|adamw|rmsprop",
                () -> OptimizerSpec.fromJson("{\"type\":\"lbfgs\"}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerSpec.fromJson("{\"type\":\"sgd\",\"betas\":1}"));
        assertTrue(e.getMessage().contains("betas"), e.getMessage());
    }
}
