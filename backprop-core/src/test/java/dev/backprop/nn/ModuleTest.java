package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names, state dicts, modes, specs and errors of the modules. */
class ModuleTest {

    private static Sequential net() {
        return Sequential.fromSpecs(List.of(new LayerSpec.Linear(4, 3, true), new LayerSpec.PReLU(1),
                new LayerSpec.BatchNorm1d(3, 1e-5, 0.1), new LayerSpec.Linear(3, 2, true)), DType.F64, 1);
    }

    @Test
    void stateDictNamesFollowPyTorchSequential() {
        Sequential net = net();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "2.weight", "2.bias", "2.running_mean",
                "2.running_var", "2.num_batches_tracked", "3.weight", "3.bias"), List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "2.weight", "2.bias", "3.weight", "3.bias"),
                net.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of(Role.WEIGHT, Role.BIAS, Role.PRELU_ALPHA, Role.BN_SCALE, Role.BN_SHIFT, Role.WEIGHT,
                Role.BIAS), net.parameters().stream().map(Parameter::role).toList());
        assertEquals(List.of("2.running_mean", "2.running_var", "2.num_batches_tracked"),
                List.copyOf(net.buffers().keySet()));
        assertEquals(List.of(3, 4), List.of(net.stateDict().get("0.weight").dim(0), net.stateDict().get("0.weight").dim(1)));
        assertSame(((Linear) net.get(0)).weight().variable(), net.parameters().get(0).variable());
    }

    @Test
    void loadStateDictCopiesAndIsStrict() {
        Sequential a = net();
        Sequential b = Sequential.fromSpecs(a.specs(), DType.F64, 2);
        assertFalse(a.stateDict().get("0.weight").allClose(b.stateDict().get("0.weight"), 0));
        b.loadStateDict(a.stateDict());
        a.stateDict().forEach((k, t) -> assertTrue(t.allClose(b.stateDict().get(k), 0), k));

        Map<String, Tensor> missing = new HashMap<>(a.stateDict());
        missing.remove("2.running_var");
        missing.put("9.weight", Tensor.zeros(DType.F64, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(missing));
        assertTrue(e.getMessage().contains("missing keys [2.running_var]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys [9.weight]"), e.getMessage());

        Map<String, Tensor> wrongShape = new HashMap<>(a.stateDict());
        wrongShape.put("0.weight", Tensor.zeros(DType.F64, 4, 3));
        e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrongShape));
        assertTrue(e.getMessage().contains("0.weight: expected shape [3, 4], got [4, 3]"), e.getMessage());
    }

    @Test
    void linearNamesItsShapeInErrors() {
        Linear l = new Linear(784, 256, DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> l.forward(Variable.constant(Tensor.zeros(DType.F32, 32, 785))));
        assertTrue(e.getMessage().contains("Linear(784->256) got input of shape [32, 785]"), e.getMessage());
        assertEquals(List.of(256, 784), List.of(l.weight().value().dim(0), l.weight().value().dim(1)));
    }

    @Test
    void dropoutIsIdentityInEvalAndKeepsExpectationInTraining() {
        Dropout d = new Dropout(0.25, 3);
        Tensor ones = Tensor.ones(DType.F64, 200, 100);
        Variable y = d.forward(Variable.constant(ones));
        double sum = 0;
        int zeros = 0;
        for (int i = 0; i < y.value().size(); i++) {
            double v = y.value().getFlat(i);
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75) < 1e-15, "element " + v);
            zeros += v == 0 ? 1 : 0;
            sum += v;
        }
        int n = ones.size();
        assertEquals(1.0, sum / n, 5 * Math.sqrt(0.25 / 0.75 / n), "mean of dropout(1)");
        assertEquals(0.25, zeros / (double) n, 5 * Math.sqrt(0.25 * 0.75 / n), "fraction dropped");
        d.eval();
        Variable x = Variable.constant(Tensor.randn(DType.F64, 1, 0, 1, 5, 4));
        assertSame(x, d.forward(x));
        Tensor a = new Dropout(0.5, 9).forward(Variable.constant(ones)).value();
        Tensor b = new Dropout(0.5, 9).forward(Variable.constant(ones)).value();
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), "same seed, same masks");
    }

    @Test
    void dropoutBackwardUsesTheMask() {
        Dropout d = new Dropout(0.5, 4);
        Variable x = Variable.param(Tensor.ones(DType.F64, 10, 10));
        Variable y = d.forward(x);
        y.backward(Tensor.ones(DType.F64, 10, 10));
        assertArrayEquals(y.value().toDoubleArray(), x.grad().toDoubleArray());
    }

    @Test
    void trainAndEvalPropagate() {
        Sequential net = net();
        net.train(false);
        assertFalse(net.get(2).isTraining());
        net.train(true);
        assertTrue(net.get(2).isTraining());
    }

    @Test
    void forwardHooksSeeEveryLayersInputAndOutput() {
        Sequential net = Sequential.fromSpecs(List.of(new LayerSpec.Linear(3, 4, true),
                new LayerSpec.Activation(ActivationKind.RELU, 0), new LayerSpec.Linear(4, 2, true)), DType.F64, 5);
        List<Module> seen = new java.util.ArrayList<>();
        List<Variable[]> io = new java.util.ArrayList<>();
        List<Module.HookHandle> handles = new java.util.ArrayList<>();
        for (Module m : net.leaves().values()) {
            handles.add(m.addForwardHook((mod, in, out) -> {
                seen.add(mod);
                io.add(new Variable[] {in, out});
            }));
        }
        Variable x = Variable.constant(Tensor.randn(DType.F64, 2, 0, 1, 5, 3));
        Variable out = net.apply(x);
        assertEquals(net.layers(), seen);
        assertSame(x, io.get(0)[0]);
        assertSame(io.get(0)[1], io.get(1)[0], "each layer's input is the previous layer's output");
        assertSame(out, io.get(2)[1]);
        handles.forEach(Module.HookHandle::close);
        net.apply(x);
        assertEquals(3, seen.size(), "closed hooks are not called");
    }

    @Test
    void specsRoundTripAndSeedsReproduce() {
        Sequential a = Mlp.of(6, 5, 4, 3).activation(ActivationKind.LEAKY_RELU).dropout(0.2).batchNorm(true).seed(42).build();
        Sequential b = Sequential.fromSpecs(a.specs(), DType.F32, 42);
        assertEquals(a.specs(), b.specs());
        a.stateDict().forEach((k, t) -> assertArrayEquals(t.toDoubleArray(), b.stateDict().get(k).toDoubleArray(), k));
        assertInstanceOf(LayerSpec.Sequence.class, a.spec());
        assertEquals(a.specs(), ((LayerSpec.Sequence) a.spec()).layers());
        List<String> layers = a.layers().stream().map(m -> m.getClass().getSimpleName()).toList();
        assertEquals(List.of("Linear", "BatchNorm1d", "LeakyReLU", "Dropout", "Linear", "BatchNorm1d", "LeakyReLU",
                "Dropout", "Linear"), layers);
        assertFalse(((Linear) a.get(0)).spec().bias(), "a Linear before BatchNorm has no bias");
        assertTrue(((Linear) a.get(8)).spec().bias());
        assertEquals(0.01, ((LeakyReLU) a.get(2)).param());
    }

    @Test
    void mlpDefaultInitFollowsActivation() {
        Sequential relu = Mlp.of(400, 300, 10).activation(ActivationKind.RELU).dtype(DType.F64).seed(1).build();
        double var = variance(((Linear) relu.get(0)).weight().value());
        assertEquals(2.0 / 400, var, 0.1 * 2.0 / 400, "He-normal variance 2/fanIn");
        Sequential tanh = Mlp.of(400, 300, 10).activation(ActivationKind.TANH).dtype(DType.F64).seed(1).build();
        double g = 5.0 / 3;
        assertEquals(g * g * 2.0 / 700, variance(((Linear) tanh.get(0)).weight().value()), 0.1 * g * g * 2.0 / 700);
        assertEquals(0.0, ((Linear) tanh.get(0)).bias().value().getFlat(3));
        Sequential constant = Mlp.of(3, 4, 2).activation(ActivationKind.RELU).dtype(DType.F64).weightInit(new dev.backprop.nn.init.Initializer.Constant(0.5)).seed(1).build();
        assertEquals(0.5, ((Linear) constant.get(2)).weight().value().getFlat(5));
    }

    private static double variance(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m += t.getFlat(i);
        }
        m /= t.size();
        double v = 0;
        for (int i = 0; i < t.size(); i++) {
            v += (t.getFlat(i) - m) * (t.getFlat(i) - m);
        }
        return v / (t.size() - 1);
    }

    @Test
    void summaryListsLayersShapesAndTotal() {
        Sequential net = Mlp.of(784, 256, 10).activation(ActivationKind.RELU).dropout(0.1).seed(1).build();
        String s = net.summary();
        assertTrue(s.contains("Linear(784->256)") && s.contains("[N, 256]") && s.contains("200,960"), s);
        assertTrue(s.contains("Dropout(0.1)") && s.contains("[N, 10]"), s);
        assertTrue(s.contains("total trainable parameters") && s.contains("203,530"), s);
        assertEquals(203_530, net.parameterCount());
    }

    @Test
    void activationsByName() {
        for (String k : List.of("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softmax", "identity")) {
            Activation a = ActivationKind.parse(k).module(0.1);
            assertEquals(k, a.kind().label());
            assertEquals(a.spec(), a.spec().build(DType.F64, 0).spec());
            Variable y = a.forward(Variable.constant(Tensor.randn(DType.F64, 1, 0, 1, 2, 3)));
            assertEquals(List.of(2, 3), List.of(y.value().dim(0), y.value().dim(1)));
        }
        assertEquals(ActivationKind.LEAKY_RELU, ActivationKind.parse("Leaky-ReLU"));
        assertEquals(ActivationKind.IDENTITY, ActivationKind.parse("linear"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationKind.parse("swoosh"));
        assertTrue(e.getMessage().contains("swoosh") && e.getMessage().contains(ActivationKind.choices()));
    }

    @Test
    void everyActivationKindAppliesTheModulesOp() {
        // the kind's op and its module's forward compute the same function, for every kind
        Tensor x = Tensor.randn(DType.F64, 5, 0, 2, 3, 4);
        for (ActivationKind k : ActivationKind.values()) {
            double p = k.defaultParam();
            Tensor viaKind = k.apply(Variable.constant(x), p).value();
            Module m = k == ActivationKind.PRELU ? new PReLU(1, p, DType.F64) : k.module(p);
            Tensor viaModule = m.forward(Variable.constant(x)).value();
            assertArrayEquals(viaModule.toDoubleArray(), viaKind.toDoubleArray(), 0, k.label());
        }
    }

    @Test
    void batchNormRejectsSingleSampleInTraining() {
        BatchNorm1d bn = new BatchNorm1d(3, DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forward(Variable.constant(Tensor.zeros(DType.F32, 1, 3))));
        assertTrue(e.getMessage().contains("[1, 3]"), e.getMessage());
        bn.eval();
        bn.forward(Variable.constant(Tensor.zeros(DType.F32, 1, 3)));
    }
}
