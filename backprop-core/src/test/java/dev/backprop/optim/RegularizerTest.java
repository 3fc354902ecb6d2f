package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weight decay and sparsity regularization against the lecture's closed forms (chapter 2). */
class RegularizerTest {
    private static final double[] W0 = {0.8, -0.5, 0.03, -0.02, 1.2, 0.0};

    private static Parameter weight() {
        return Parameter.of("w", Role.WEIGHT, Tensor.of(W0.clone(), 2, 3));
    }

    private static void zeroGradient(Parameter p) {
        p.variable().setGrad(Tensor.zeros(DType.F64, 2, 3));
    }

    @Test
    void l2WithZeroDataGradientDecaysGeometrically() {
        double eta = 0.1;
        double lambda = 0.05;
        Parameter p = weight();
        SGD sgd = SGD.of(List.of(p), eta, new Regularizer.L2(lambda));
        int steps = 25;
        for (int t = 0; t < steps; t++) {
            zeroGradient(p);
            sgd.step();
        }
        for (int i = 0; i < W0.length; i++) {
            assertEquals(Math.pow(1 - 2 * eta * lambda, steps) * W0[i], p.value().getFlat(i), 1e-14, "eq. 2.7, element " + i);
        }
    }

    @Test
    void l2OneStepWithGradientIsEquation26() {
        double eta = 0.2;
        double lambda = 0.3;
        double[] g = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};
        Parameter p = weight();
        p.variable().setGrad(Tensor.of(g.clone(), 2, 3));
        SGD.of(List.of(p), eta, new Regularizer.L2(lambda)).step();
        for (int i = 0; i < W0.length; i++) {
            assertEquals((1 - 2 * eta * lambda) * W0[i] - eta * g[i], p.value().getFlat(i), 1e-15, "eq. 2.6, element " + i);
        }
    }

    @Test
    void l2MatchesPyTorchWeightDecayOfTwiceLambda() {
        // PyTorch: d = g + wd·w, w ← w − η·d. With wd = 2λ it must coincide bit for bit with L2(λ).
        double eta = 0.07;
        double lambda = 0.015;
        double[] g = {0.3, 0.2, -0.1, 0.05, 0.0, -0.4};
        Parameter p = weight();
        p.variable().setGrad(Tensor.of(g.clone(), 2, 3));
        SGD.of(List.of(p), eta, new Regularizer.L2(lambda)).step();
        for (int i = 0; i < W0.length; i++) {
            double d = g[i] + (2 * lambda) * W0[i];
            assertEquals(W0[i] - eta * d, p.value().getFlat(i), 0.0);
        }
    }

    @Test
    void l1ProximalReachesExactZeroSubgradientDoesNot() {
        double eta = 0.1;
        double lambda = 0.5; // threshold ηλ = 0.05 per step
        Parameter prox = weight();
        Parameter sub = weight();
        SGD a = SGD.of(List.of(prox), eta, new Regularizer.L1(lambda));
        SGD b = SGD.of(List.of(sub), eta, new Regularizer.L1(lambda, false));
        for (int t = 0; t < 3; t++) {
            zeroGradient(prox);
            zeroGradient(sub);
            a.step();
            b.step();
        }
        // |w| <= 0.15 become exactly 0; the others shrink by exactly 3·ηλ = 0.15
        double[] expected = {0.65, -0.35, 0.0, 0.0, 1.05, 0.0};
        for (int i = 0; i < W0.length; i++) {
            assertEquals(expected[i], prox.value().getFlat(i), 1e-15, "proximal element " + i);
        }
        assertEquals(0.0, prox.value().getFlat(2));
        assertNotEquals(0.0, sub.value().getFlat(2), "the subgradient overshoots and oscillates around 0");
        assertNotEquals(0.0, sub.value().getFlat(3));
        assertEquals(0.8 - 3 * eta * lambda, sub.value().getFlat(0), 1e-15);
    }

    @Test
    void biasesAndOtherRolesUntouchedByDefault() {
        Parameter w = weight();
        Parameter bias = Parameter.of("b", Role.BIAS, Tensor.of(W0.clone(), 6));
        Parameter alpha = Parameter.of("a", Role.PRELU_ALPHA, Tensor.of(new double[] {0.25}, 1));
        Parameter gamma = Parameter.of("g", Role.BN_SCALE, Tensor.of(new double[] {1.0, 2.0}, 2));
        List<Parameter> all = List.of(w, bias, alpha, gamma);
        SGD sgd = SGD.of(all, 0.1, new Regularizer.ElasticNet(0.5, 0.5));
        for (Parameter p : all) {
            p.variable().setGrad(Tensor.zeros(DType.F64, p.value().shape().dims()));
        }
        sgd.step();
        assertTrue(bias.value().allClose(Tensor.of(W0.clone(), 6), 0));
        assertEquals(0.25, alpha.value().item());
        assertEquals(2.0, gamma.value().getFlat(1));
        assertNotEquals(W0[0], w.value().getFlat(0));
        AdamW adamw = AdamW.of(all, 0.1, 0.5);
        adamw.step();
        assertTrue(bias.value().allClose(Tensor.of(W0.clone(), 6), 0), "AdamW decays weights only");
    }

    @Test
    void penaltyIsLambdaOmegaOverWeights() {
        Parameter w = weight();
        Parameter bias = Parameter.of("b", Role.BIAS, Tensor.of(new double[] {10, 10}, 2));
        double sq = 0;
        double abs = 0;
        for (double v : W0) {
            sq += v * v;
            abs += Math.abs(v);
        }
        assertEquals(0.1 * sq, new Regularizer.L2(0.1).penalty(List.of(w, bias)), 1e-15);
        assertEquals(0.2 * abs, new Regularizer.L1(0.2).penalty(List.of(w, bias)), 1e-15);
        assertEquals(0.2 * abs + 0.1 * sq, new Regularizer.ElasticNet(0.2, 0.1).penalty(List.of(w, bias)), 1e-15);
        assertEquals(0.0, new Regularizer.None().penalty(List.of(w)));
        SGD sgd = SGD.of(List.of(w, bias), 0.1, new Regularizer.L2(0.1));
        assertEquals(0.1 * sq, sgd.penalty(), 1e-15);
    }

    @Test
    void parsesAndValidates() {
        assertEquals(new Regularizer.L2(0.01), Regularizer.parse("l2:0.01"));
        assertEquals(new Regularizer.L1(0.01, true), Regularizer.parse("l1:0.01"));
        assertEquals(new Regularizer.L1(0.01, false), Regularizer.parse("l1-subgradient:0.01"));
        assertEquals(new Regularizer.ElasticNet(0.1, 0.2), Regularizer.parse("elastic:0.1:0.2"));
        assertEquals(new Regularizer.None(), Regularizer.parse("none"));
        for (String bad : new String[] {"l2", "l2:x", "l3:1", "l2:-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizer.parse(bad));
            assertTrue(e.getMessage().contains("valid: none|l2:LAMBDA"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Regularizer.L2(-1.0));
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
    }
}
