package dev.backprop.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.kernel.Erf;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Values and gradients compared with PyTorch (float64). The constants are printed by
 * {@code backprop-core/src/test/python/autograd_golden.py}; rerun it to regenerate them.
 */
class GoldenValuesTest {
    static final double[] X = {-12.0, -8.0, -5.0, -3.3, -2.6, -2.4, -1.0, -0.3, -1e-08, 0.0, 1e-08, 0.3, 1.0, 2.4, 2.6, 3.3, 5.0, 8.0, 12.0};
    static final double[] ERF = {-1.0, -1.0, -0.9999999999984626, -0.9999969422902035, -0.9997639655834707, -0.999311486103355, -0.8427007929497149, -0.3286267594591274, -1.1283791670955126e-08, 0.0, 1.1283791670955126e-08, 0.3286267594591274, 0.8427007929497149, 0.999311486103355, 0.9997639655834707, 0.9999969422902035, 0.9999999999984626, 1.0, 1.0};
    static final double[] ERFC = {2.0, 2.0, 1.9999999999984626, 1.9999969422902035, 1.9997639655834707, 1.999311486103355, 1.842700792949715, 1.3286267594591274, 1.0000000112837917, 1.0, 0.9999999887162083, 0.6713732405408726, 0.15729920705028513, 0.0006885138966450789, 0.00023603441652934908, 3.0577097964381654e-06, 1.5374597944280351e-12, 1.1224297172982928e-29, 1.3562611692059042e-64};
    static final double[] GELU = {-0.0, -4.884981308350689e-15, -1.4332578593401202e-06, -0.0015952996698664788, -0.012119088861668703, -0.019674086219030773, -0.15865525393145702, -0.1146265733433142, -4.999999960105772e-09, 0.0, 5.000000039894228e-09, 0.1853734266566858, 0.841344746068543, 2.380325913780969, 2.587880911138331, 3.2984047003301336, 4.999998566742141, 7.999999999999995, 12.0};
    static final double[] GELU_GRAD = {-2.5756604827956727e-31, -3.9807546004751306e-14, -7.1469460018034646e-06, -0.005201053356493366, -0.030654531983863864, -0.0455493367830268, -0.08331547058768635, 0.26767223317289013, 0.4999999920211544, 0.5, 0.5000000079788456, 0.7323277668271099, 1.0833154705876864, 1.0455493367830269, 1.0306545319838638, 1.0052010533564935, 1.000007146946002, 1.0000000000000397, 1.0};
    static final double[] GELU_TAIL = {-2.1317785344932424e-32, -4.9767684594174555e-15, -1.4332578593959731e-06, -0.001595299669866466, -0.012119088861668754, -0.01967408621903073, -0.15865525393145707, -0.1146265733433142, -4.999999960105772e-09, 0.0, 5.000000039894228e-09, 0.18537342665668577, 0.8413447460685429, 2.380325913780969, 2.587880911138331, 3.2984047003301336, 4.99999856674214, 7.999999999999995, 12.0};
    static final double[] GELU_GRAD_TAIL = {-2.5578956616748956e-31, -3.979607261086796e-14, -7.146946001792295e-06, -0.00520105335649337, -0.030654531983863843, -0.04554933678302682, -0.08331547058768629, 0.26767223317289013, 0.4999999920211544, 0.5, 0.5000000079788456, 0.7323277668271098, 1.0833154705876864, 1.0455493367830269, 1.0306545319838638, 1.0052010533564935, 1.0000071469460017, 1.0000000000000397, 1.0};
    static final double[] CE_LOGITS = {0.5, -1.25, 2.0, 0.0, 3.0, 3.0, -2.0, 1.5, -0.7, 0.2, 0.1, -4.0};
    static final double CE_MEAN = 2.060254733660383;
    static final double[] CE_MEAN_GRAD = {0.05323118334403608, 0.009250192644226803, -0.09476772073920521, 0.032286344750942345, -0.1838476609454095, 0.14948567238792382, 0.0010072265376724848, 0.03335476201981316, 0.05825441251355838, 0.14328273425696852, 0.12964757931420795, -0.33118472608473487};
    static final double[] ELU = {-1.2999920125239406, -1.2995638985837268, -1.2912406689011888, -1.2520518823783882, -1.203444348321366, -1.1820666607237638, -0.8217567264771249, -0.33693631311376676, -1.2999999920992878e-08, 0.0, 1e-08, 0.3, 1.0, 2.4, 2.6, 3.3, 5.0, 8.0, 12.0};
    static final double[] ELU_GRAD = {7.987476059326672e-06, 0.0004361014162732654, 0.008759331098811107, 0.047948117621612024, 0.09655565167863404, 0.11793333927623627, 0.47824327352287505, 0.9630636868862332, 1.299999987, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    static final double[] SILU = {-7.373009522657661e-05, -0.002682801043731825, -0.03346425462142428, -0.11738492459969939, -0.17975989289270172, -0.19961447158541368, -0.2689414213699951, -0.1276672449565023, -4.9999999750000005e-09, 0.0, 5.000000025e-09, 0.1723327550434977, 0.7310585786300049, 2.200385528414586, 2.4202401071072988, 3.1826150754003004, 4.966535745378576, 7.997317198956269, 11.999926269904773};
    static final double[] SILU_GRAD = {-6.758546761378339e-05, -0.0023465512355853157, -0.026547432429665917, -0.07763821395637317, -0.0981931575136643, -0.09983930123052302, 0.07232948812851325, 0.3522199896811173, 0.49999999500000003, 0.5, 0.500000005, 0.6477800103188829, 0.9276705118714869, 1.099839301230523, 1.0981931575136643, 1.077638213956373, 1.0265474324296655, 1.0023465512355845, 1.0000675854676138};
    static final double[] BCE_TARGETS = {0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0};
    static final double BCE_MEAN = 1.9509573376183618;
    static final double[] BCE_MEAN_GRAD = {3.233776106428799e-07, -0.026298139466817555, -0.05227932363556396, 0.0018721678564545359, -0.02267692524508701, -0.04825406860558303, 0.014154811651052373, -0.00391802720061363, -0.026315789605263158, 0.02631578947368421, 1.3157894656875383e-10, -0.022397762273070578, 0.03847676729631605, 0.021938279131898823, -0.0036388642285971958, 0.050759411090913885, 0.025963534161879753, -1.7650006866651157e-05, 0.05263125556975778};

    private static void assertClose(double expected, double actual, double rel, double abs, String what) {
        double tol = rel * Math.max(Math.abs(expected), Math.abs(actual)) + abs;
        assertTrue(Math.abs(expected - actual) <= tol,
                what + ": expected " + expected + ", got " + actual + " (difference " + (actual - expected) + ")");
    }

    @Test
    void erfAndErfcMatchLibm() {
        for (int i = 0; i < X.length; i++) {
            assertClose(ERF[i], Erf.erf(X[i]), 1e-14, 0, "erf(" + X[i] + ")");
            assertClose(ERFC[i], Erf.erfc(X[i]), 1e-13, 0, "erfc(" + X[i] + ")");
        }
    }

    /** Value and gradient of an element-wise op at the points X. */
    private static void checkElementwise(Function<Variable, Variable> op, double[] value, double[] grad, double rel,
                                         double abs, String name, boolean onlyModerate) {
        Variable x = Variable.param(Tensor.of(X.clone(), X.length));
        Variable y = op.apply(x);
        Ops.sum(y).backward();
        for (int i = 0; i < X.length; i++) {
            if (onlyModerate && Math.abs(X[i]) > 5) {
                continue;
            }
            assertClose(value[i], y.value().getFlat(i), rel, abs, name + "(" + X[i] + ")");
            assertClose(grad[i], x.grad().getFlat(i), rel, abs, name + "'(" + X[i] + ")");
        }
    }

    @Test
    void geluMatchesPyTorch() {
        // PyTorch's own float64 GELU is inaccurate beyond x < -5 (see the script), so compare it where it is exact.
        checkElementwise(Ops::gelu, GELU, GELU_GRAD, 1e-10, 0, "gelu", true);
    }

    @Test
    void geluIsAccurateInTheTails() {
        checkElementwise(Ops::gelu, GELU_TAIL, GELU_GRAD_TAIL, 1e-12, 0, "gelu", false);
    }

    @Test
    void eluAndSiluMatchPyTorch() {
        // PyTorch computes exp(x) - 1 where we use expm1: they agree to rounding of 1, i.e. 1e-16 absolute.
        checkElementwise(a -> Ops.elu(a, 1.3), ELU, ELU_GRAD, 1e-12, 1e-16, "elu", false);
        checkElementwise(Ops::silu, SILU, SILU_GRAD, 1e-12, 1e-300, "silu", false);
    }

    @Test
    void softmaxCrossEntropyMatchesPyTorch() {
        Variable logits = Variable.param(Tensor.of(CE_LOGITS.clone(), 3, 4));
        Variable loss = Ops.softmaxCrossEntropy(logits, new int[] {2, 0, 3}, Reduction.MEAN);
        loss.backward();
        assertClose(CE_MEAN, loss.value().item(), 1e-13, 0, "cross-entropy");
        for (int i = 0; i < CE_MEAN_GRAD.length; i++) {
            assertClose(CE_MEAN_GRAD[i], logits.grad().getFlat(i), 1e-12, 1e-16, "cross-entropy gradient " + i);
        }
    }

    @Test
    void bceWithLogitsMatchesPyTorch() {
        Variable x = Variable.param(Tensor.of(X.clone(), X.length));
        Variable loss = Ops.bceWithLogits(x, Tensor.of(BCE_TARGETS.clone(), X.length), Reduction.MEAN);
        loss.backward();
        assertClose(BCE_MEAN, loss.value().item(), 1e-13, 0, "bce");
        for (int i = 0; i < X.length; i++) {
            assertClose(BCE_MEAN_GRAD[i], x.grad().getFlat(i), 1e-12, 1e-18, "bce gradient at " + X[i]);
        }
        assertEquals(DType.F64, loss.value().dtype());
    }
}
