package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.kernel.Tensors;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The tape's behaviour around the ops: errors, deep graphs, no-grad scopes, accumulation, numerical stability. */
class AutogradBehaviourTest {
    private static Variable param(double[] values, int... dims) {
        return Variable.param(Tensor.of(values.clone(), dims));
    }

    private static void assertMessageNames(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should name " + p);
        }
    }

    @Test
    void backwardOfNonScalarWithoutSeedIsRejected() {
        Variable y = Ops.tanh(Variable.param(Tensor.zeros(DType.F64, 2, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertMessageNames(e, "[2, 3]");
    }

    @Test
    void secondBackwardThroughFreedGraphIsRejected() {
        Variable x = Variable.param(Tensor.ones(DType.F64, 3));
        Variable loss = Ops.sum(Ops.mul(x, x));
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void shapeMismatchesNameTheOpAndBothShapes() {
        Variable a = Variable.param(Tensor.zeros(DType.F64, 2, 3));
        Variable b = Variable.param(Tensor.zeros(DType.F64, 4));
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Ops.add(a, b)), "add", "[2, 3]", "[4]");
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Ops.mul(a, b)), "mul", "[2, 3]", "[4]");
        Variable c = Variable.param(Tensor.zeros(DType.F64, 4, 5));
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Ops.matmul(a, c)),
                "matmul", "[2, 3]", "[4, 5]");
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Ops.linear(a, c, null)),
                "linear", "[2, 3]", "[4, 5]");
        Variable w = Variable.param(Tensor.zeros(DType.F64, 4, 3));
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Ops.linear(a, w, a)),
                "linear", "[2, 3]", "[4, 3]");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> Ops.mse(a, Tensor.zeros(DType.F64, 3, 2), Reduction.MEAN)), "mse", "[2, 3]", "[3, 2]");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> Ops.bceWithLogits(a, Tensor.zeros(DType.F64, 6), Reduction.MEAN)), "bceWithLogits", "[2, 3]",
                "[6]");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> Ops.prelu(a, Variable.param(Tensor.zeros(DType.F64, 2)))), "prelu", "[2, 3]", "[2]");
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Ops.reshape(a, 4, 2)),
                "reshape", "[2, 3]", "[4, 2]");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> Ops.add(a, Variable.param(Tensor.zeros(DType.F32, 2, 3)))), "add", "F32", "F64");
    }

    @Test
    void labelsOutOfRangeNameRowLabelAndClassCount() {
        Variable logits = Variable.param(Tensor.zeros(DType.F64, 3, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(logits, new int[] {0, 7, 1}, Reduction.MEAN));
        assertMessageNames(e, "row 1", "label 7", "5 classes");
        e = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(logits, new int[] {0, 1, -1}, Reduction.MEAN));
        assertMessageNames(e, "row 2", "label -1");
        e = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(logits, new int[] {0, 1}, Reduction.MEAN));
        assertMessageNames(e, "[3, 5]", "2 labels");
    }

    @Test
    void deepChainBackwardDoesNotOverflowTheStack() {
        Variable x = Variable.param(Tensor.scalar(DType.F64, 1.0));
        Variable y = x;
        int depth = 100_000;
        for (int i = 0; i < depth; i++) {
            y = Ops.addScalar(y, 1e-3);
        }
        Ops.scale(y, 2.0).backward();
        assertEquals(2.0, x.grad().item());
        assertEquals(1.0 + depth * 1e-3, y.value().item(), 1e-9);
    }

    @Test
    void noGradRecordsNothing() {
        Variable x = Variable.param(Tensor.ones(DType.F64, 2));
        Variable y;
        try (NoGrad ignored = NoGrad.enter()) {
            y = Ops.sum(Ops.mul(x, x));
        }
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertThrows(IllegalStateException.class, y::backward);
        assertNull(x.grad());
        Variable z = Ops.sum(Ops.mul(x, x));
        assertTrue(z.requiresGrad(), "recording resumes after the scope");
    }

    @Test
    void gradientAccumulatesWhenAVariableIsUsedTwice() {
        Variable x = param(new double[] {1.5, -2.0}, 2);
        Ops.sum(Ops.mul(x, x)).backward(); // d/dx x^2 = 2x
        assertArrayEquals(new double[] {3.0, -4.0}, x.grad().toDoubleArray(), 1e-15);
        Ops.sum(Ops.add(x, Ops.scale(x, 3.0))).backward(); // second pass adds 4
        assertArrayEquals(new double[] {7.0, 0.0}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void constantsGetNoGradient() {
        Variable c = Variable.constant(Tensor.ones(DType.F64, 2));
        Variable x = param(new double[] {2, 3}, 2);
        Ops.sum(Ops.mul(c, x)).backward();
        assertNull(c.grad());
        assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray());
    }

    @Test
    void softmaxCrossEntropyIsFiniteForHugeLogits() {
        Variable logits = param(new double[] {1000, -1000, 0, -1000, 1000, 1000}, 2, 3);
        Variable loss = Ops.softmaxCrossEntropy(logits, new int[] {1, 2}, Reduction.MEAN);
        loss.backward();
        // row 0: logsumexp = 1000 (other terms underflow), loss = 1000 - (-1000) = 2000;
        // row 1: logsumexp = 1000 + log 2, loss = log 2. Mean of the two:
        assertEquals((2000 + Math.log(2)) / 2, loss.value().item(), 1e-12);
        // gradient (softmax - onehot)/N: row 0 softmax = [1, 0, 0], row 1 softmax = [0, 1/2, 1/2]
        assertArrayEquals(new double[] {0.5, -0.5, 0, 0, 0.25, -0.25}, logits.grad().toDoubleArray(), 1e-15);
        assertTrue(Tensors.allFinite(logits.grad()));
        Variable f32 = Variable.param(Tensor.of(new float[] {1000, -1000, 0, -1000, 1000, 1000}, 2, 3));
        Variable l32 = Ops.softmaxCrossEntropy(f32, new int[] {1, 2}, Reduction.SUM);
        l32.backward();
        assertEquals(2000 + Math.log(2), l32.value().item(), 1e-3);
        assertTrue(Tensors.allFinite(f32.grad()));
    }

    @Test
    void logSoftmaxAndSoftmaxAreFiniteForHugeLogits() {
        Variable x = param(new double[] {1000, -1000, 0}, 1, 3);
        assertArrayEquals(new double[] {0, -2000, -1000}, Ops.logSoftmax(x).value().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 0, 0}, Ops.softmax(x).value().toDoubleArray(), 1e-15);
    }

    @Test
    void sigmoidAndBceAreStableForLargeInputs() {
        Variable x = param(new double[] {-1000, -40, 0, 40, 1000}, 5);
        Variable s = Ops.sigmoid(x);
        double[] v = s.value().toDoubleArray();
        assertEquals(0.0, v[0]);
        assertEquals(Math.exp(-40) / (1 + Math.exp(-40)), v[1], 1e-30);
        assertEquals(0.5, v[2]);
        assertEquals(1.0, v[4]);
        Variable loss = Ops.bceWithLogits(x, Tensor.of(new double[] {1, 1, 0, 0, 0}, 5), Reduction.SUM);
        loss.backward();
        // per element: max(x,0) - x t + log(1 + e^-|x|)
        double expected = 1000 + (40 + Math.log1p(Math.exp(-40))) + Math.log(2) + (40 + Math.log1p(Math.exp(-40)))
                + 1000;
        assertEquals(expected, loss.value().item(), 1e-9);
        assertTrue(Tensors.allFinite(x.grad()));
    }

    @Test
    void kinksFollowPyTorch() {
        Variable x = param(new double[] {-1, 0, 2}, 3);
        Ops.sum(Ops.relu(x)).backward();
        assertArrayEquals(new double[] {0, 0, 1}, x.grad().toDoubleArray(), "relu'(0) = 0");
        x.zeroGrad();
        Ops.sum(Ops.abs(x)).backward();
        assertArrayEquals(new double[] {-1, 0, 1}, x.grad().toDoubleArray(), "abs'(0) = 0");
        x.zeroGrad();
        Ops.sum(Ops.clamp(x, 0, 2)).backward();
        assertArrayEquals(new double[] {0, 1, 1}, x.grad().toDoubleArray(), "clamp passes the gradient on [lo, hi]");
        x.zeroGrad();
        Ops.sum(Ops.leakyRelu(x, 0.1)).backward();
        assertArrayEquals(new double[] {0.1, 0.1, 1}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void maxSendsTheGradientToTheFirstArgmax() {
        Variable x = param(new double[] {3, 1, 3, 0, 5, 5}, 2, 3);
        Variable m = Ops.max(x, 1, false);
        assertArrayEquals(new double[] {3, 5}, m.value().toDoubleArray());
        Ops.sum(m).backward();
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, x.grad().toDoubleArray());
    }

    @Test
    void preluAlphaGradientIsSummedOverTheBatch() {
        Variable x = param(new double[] {-1, 2, -3, -4}, 2, 2);
        Variable shared = param(new double[] {0.5}, 1);
        Ops.sum(Ops.prelu(x, shared)).backward();
        assertArrayEquals(new double[] {-8}, shared.grad().toDoubleArray(), "sum of x over x <= 0, all features");
        Variable x2 = param(new double[] {-1, 2, -3, -4}, 2, 2);
        Variable perFeature = param(new double[] {0.5, 0.25}, 2);
        Ops.sum(Ops.prelu(x2, perFeature)).backward();
        assertArrayEquals(new double[] {-4, -4}, perFeature.grad().toDoubleArray());
        assertArrayEquals(new double[] {0.5, 1, 0.5, 0.25}, x2.grad().toDoubleArray());
    }

    @Test
    void reductionsHaveThePyTorchShapes() {
        Variable x = Variable.param(Tensor.zeros(DType.F64, 2, 3, 4));
        assertEquals("[]", Ops.sum(x).shape().toString());
        assertEquals("[2, 4]", Ops.sum(x, 1, false).shape().toString());
        assertEquals("[2, 1, 4]", Ops.mean(x, -2, true).shape().toString());
        assertEquals("[2, 3]", Ops.max(x, -1, false).shape().toString());
    }

    @Test
    void reluPassesNanAndNegativeZeroThroughAsPyTorchDoes() {
        // torch 1.13: relu([nan, -0., -1., 2.]) = [nan, -0., 0., 2.]; the gradient is 0 where the output is not > 0
        for (DType t : DType.values()) {
            Variable x = Variable.param(Tensor.of(t, new double[] {Double.NaN, -0.0, -1, 2}, 4));
            Variable y = Ops.relu(x);
            double[] v = y.value().toDoubleArray();
            assertTrue(Double.isNaN(v[0]), t + ": NaN in, NaN out");
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v[1]), t + ": -0 stays -0");
            assertEquals(0.0, v[2]);
            assertEquals(2.0, v[3]);
            Ops.sum(y).backward();
            assertArrayEquals(new double[] {0, 0, 0, 1}, x.grad().toDoubleArray());
        }
    }
}
