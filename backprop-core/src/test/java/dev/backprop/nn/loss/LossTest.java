package dev.backprop.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The losses against hand-computed values. */
class LossTest {
    private static final Tensor LOGITS = Tensor.fromRows(DType.F64, new double[] {1, 2, 0}, new double[] {-1, 0.5, 3});

    @Test
    void crossEntropyMeanAndSum() {
        int[] labels = {1, 0};
        double l0 = Math.log(Math.exp(1) + Math.exp(2) + 1) - 2;
        double l1 = Math.log(Math.exp(-1) + Math.exp(0.5) + Math.exp(3)) + 1;
        assertEquals((l0 + l1) / 2, Loss.crossEntropy(Reduction.MEAN).compute(Variable.constant(LOGITS), labels, null)
                .value().item(), 1e-12);
        assertEquals(l0 + l1, Loss.parse("ce").compute(Variable.constant(LOGITS), labels, null).value().item() * 2, 1e-12);
        assertTrue(Loss.crossEntropy(Reduction.SUM).needsLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Loss.crossEntropy(Reduction.MEAN).compute(Variable.constant(LOGITS), null, null));
        assertTrue(e.getMessage().contains("labels") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void mseAndBceWithLogits() {
        Tensor t = Tensor.fromRows(DType.F64, new double[] {1, 0, 0}, new double[] {0, 1, 1});
        double ss = 0;
        double bce = 0;
        for (int i = 0; i < 6; i++) {
            double z = LOGITS.getFlat(i);
            double y = t.getFlat(i);
            ss += (z - y) * (z - y);
            double p = 1 / (1 + Math.exp(-z));
            bce -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
        }
        assertEquals(ss / 6, Loss.mse(Reduction.MEAN).compute(Variable.constant(LOGITS), null, t).value().item(), 1e-12);
        assertEquals(ss, Loss.mse(Reduction.SUM).compute(Variable.constant(LOGITS), null, t).value().item(), 1e-12);
        assertEquals(bce / 6, Loss.bceWithLogits(Reduction.MEAN).compute(Variable.constant(LOGITS), null, t)
                .value().item(), 1e-12);
        assertFalse(Loss.parse("bce").needsLabels());
        assertThrows(IllegalArgumentException.class, () -> Loss.mse(Reduction.MEAN).compute(Variable.constant(LOGITS), null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.parse("hinge"));
        assertTrue(e.getMessage().contains("cross_entropy|mse|bce_with_logits"), e.getMessage());
    }
}
