package dev.backprop.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Role;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each initializer against its formula: sample mean and variance, and a one-sample Kolmogorov–Smirnov test against
 * the exact CDF at α = 0.001 (critical value √(ln(2/α)/2)/√n), with a fixed seed.
 */
class InitializerTest {
    private static final int OUT = 120;
    private static final int IN = 80;
    private static final int N = OUT * IN;

    private static Tensor sample(Initializer init, long seed) {
        Tensor t = Tensor.zeros(DType.F64, OUT, IN);
        init.init(t, IN, OUT, new SplittableRandom(seed));
        return t;
    }

    /** sup_x |F_n(x) − F(x)| of the sample. */
    static double ksStatistic(double[] xs, DoubleUnaryOperator cdf) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / s.length - f, f - (double) i / s.length));
        }
        return d;
    }

    static double ksCritical(int n) {
        return Math.sqrt(Math.log(2 / 0.001) / 2) / Math.sqrt(n);
    }

    /** Φ(x) via erf (Abramowitz–Stegun 7.1.26, absolute error below 1.5e-7). */
    static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-z * z);
        return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    private static void assertUniform(Initializer init, double lo, double hi) {
        double[] xs = sample(init, 42).toDoubleArray();
        double mean = (lo + hi) / 2;
        double var = (hi - lo) * (hi - lo) / 12;
        assertMoments(xs, mean, var);
        for (double x : xs) {
            assertTrue(x >= lo && x <= hi, init + " sample " + x + " outside [" + lo + ", " + hi + "]");
        }
        double d = ksStatistic(xs, x -> Math.min(1, Math.max(0, (x - lo) / (hi - lo))));
        assertTrue(d < ksCritical(xs.length), init + ": KS statistic " + d + " >= " + ksCritical(xs.length));
    }

    private static void assertNormal(Initializer init, double mean, double std) {
        double[] xs = sample(init, 7).toDoubleArray();
        assertMoments(xs, mean, std * std);
        double d = ksStatistic(xs, x -> normalCdf((x - mean) / std));
        assertTrue(d < ksCritical(xs.length), init + ": KS statistic " + d + " >= " + ksCritical(xs.length));
    }

    private static void assertMoments(double[] xs, double mean, double var) {
        double m = Arrays.stream(xs).average().orElseThrow();
        double v = Arrays.stream(xs).map(x -> (x - m) * (x - m)).sum() / (xs.length - 1);
        assertEquals(mean, m, 5 * Math.sqrt(var / xs.length), "sample mean");
        assertEquals(var, v, 0.05 * var, "sample variance");
    }

    @Test
    void uniformAndNormal() {
        assertUniform(new Initializer.Uniform(-0.3, 0.7), -0.3, 0.7);
        assertNormal(new Initializer.Normal(0.5, 2.0), 0.5, 2.0);
    }

    @Test
    void xavier() {
        double g = 5.0 / 3;
        double b = g * Math.sqrt(6.0 / (IN + OUT));
        assertUniform(new Initializer.XavierUniform(g), -b, b);
        assertNormal(new Initializer.XavierNormal(g), 0, g * Math.sqrt(2.0 / (IN + OUT)));
    }

    @Test
    void kaimingFanInAndFanOut() {
        double g = Math.sqrt(2);
        assertUniform(new Initializer.KaimingUniform(Initializer.Mode.FAN_IN, g), -g * Math.sqrt(3.0 / IN),
                g * Math.sqrt(3.0 / IN));
        assertUniform(new Initializer.KaimingUniform(Initializer.Mode.FAN_OUT, g), -g * Math.sqrt(3.0 / OUT),
                g * Math.sqrt(3.0 / OUT));
        assertNormal(new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, g), 0, g / Math.sqrt(IN));
        assertNormal(new Initializer.KaimingNormal(Initializer.Mode.FAN_OUT, g), 0, g / Math.sqrt(OUT));
    }

    @Test
    void lecun() {
        assertUniform(new Initializer.LecunUniform(), -Math.sqrt(3.0 / IN), Math.sqrt(3.0 / IN));
        assertNormal(new Initializer.LecunNormal(), 0, 1 / Math.sqrt(IN));
    }

    @Test
    void orthogonalRowsAreOrthonormalTimesGain() {
        for (int[] shape : new int[][] {{30, 50}, {50, 30}, {40, 40}}) {
            Tensor w = Tensor.zeros(DType.F64, shape);
            new Initializer.Orthogonal(1.5).init(w, shape[1], shape[0], new SplittableRandom(3));
            boolean rows = shape[0] <= shape[1];
            int k = Math.min(shape[0], shape[1]);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    double dot = 0;
                    int len = rows ? shape[1] : shape[0];
                    for (int i = 0; i < len; i++) {
                        dot += rows ? w.get(a, i) * w.get(b, i) : w.get(i, a) * w.get(i, b);
                    }
                    assertEquals(a == b ? 2.25 : 0.0, dot, 1e-12, "Gram matrix entry " + a + "," + b);
                }
            }
        }
    }

    @Test
    void randomInitBreaksSymmetryConstantDoesNot() {
        List<Initializer> random = List.of(new Initializer.Uniform(-1, 1), new Initializer.Normal(0, 1),
                new Initializer.XavierUniform(1), new Initializer.XavierNormal(1),
                new Initializer.KaimingUniform(Initializer.Mode.FAN_IN, 1),
                new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, 1), new Initializer.LecunUniform(),
                new Initializer.LecunNormal(), new Initializer.Orthogonal(1));
        for (Initializer init : random) {
            Tensor w = sample(init, 11);
            assertEquals(OUT, distinctRows(w), init + " left two neurons identical");
        }
        assertEquals(1, distinctRows(sample(new Initializer.Constant(0.1), 11)));
    }

    private static int distinctRows(Tensor w) {
        Set<List<Double>> rows = new HashSet<>();
        for (int r = 0; r < w.dim(0); r++) {
            List<Double> row = Arrays.stream(w.rowSlice(r, r + 1).toDoubleArray()).boxed().toList();
            rows.add(row);
        }
        return rows.size();
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Initializer init = new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, Math.sqrt(2));
        assertArrayEquals(sample(init, 5).toDoubleArray(), sample(init, 5).toDoubleArray());
        assertFalse(Arrays.equals(sample(init, 5).toDoubleArray(), sample(init, 6).toDoubleArray()));
    }

    @Test
    void gains() {
        assertEquals(Math.sqrt(2), Init.gain(ActivationKind.RELU, Double.NaN), 0);
        assertEquals(5.0 / 3, Init.gain(ActivationKind.TANH, Double.NaN), 0);
        assertEquals(1.0, Init.gain(ActivationKind.SIGMOID, Double.NaN), 0);
        assertEquals(Math.sqrt(2 / (1 + 0.2 * 0.2)), Init.gain(ActivationKind.LEAKY_RELU, 0.2), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.gain(ActivationKind.LEAKY_RELU, Double.NaN), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.25 * 0.25)), Init.gain(ActivationKind.PRELU, Double.NaN), 1e-15);
        for (ActivationKind k : ActivationKind.values()) { // every kind has a finite, positive gain
            assertTrue(k.gain() > 0 && Double.isFinite(k.gain()), k.label());
        }
    }

    @Test
    void defaultsByRoleAndActivation() {
        assertEquals(new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, Math.sqrt(2)),
                Init.defaultFor(Role.WEIGHT, ActivationKind.RELU));
        assertEquals(new Initializer.XavierUniform(5.0 / 3), Init.defaultFor(Role.WEIGHT, ActivationKind.TANH));
        assertEquals(new Initializer.XavierUniform(1.0), Init.defaultFor(Role.WEIGHT, ActivationKind.SIGMOID));
        assertEquals(new Initializer.Constant(0.0), Init.defaultFor(Role.BIAS, ActivationKind.RELU));
        assertEquals(new Initializer.Constant(0.25), Init.defaultFor(Role.PRELU_ALPHA, null));
        assertEquals(new Initializer.Constant(1.0), Init.defaultFor(Role.BN_SCALE, null));
        assertEquals(new Initializer.Constant(0.0), Init.defaultFor(Role.BN_SHIFT, null));
    }

    @Test
    void parsesCommandLineForms() {
        assertEquals(new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, Math.sqrt(2)), Init.parse("he-normal"));
        assertEquals(new Initializer.KaimingUniform(Initializer.Mode.FAN_IN, Math.sqrt(2)), Init.parse("he-uniform"));
        assertEquals(new Initializer.XavierNormal(5.0 / 3), Init.parse("xavier-normal", ActivationKind.TANH));
        assertInstanceOf(Initializer.XavierUniform.class, Init.parse("xavier-uniform"));
        assertInstanceOf(Initializer.LecunNormal.class, Init.parse("lecun-normal"));
        assertInstanceOf(Initializer.LecunUniform.class, Init.parse("lecun-uniform"));
        assertInstanceOf(Initializer.Orthogonal.class, Init.parse("orthogonal"));
        assertEquals(new Initializer.Normal(0, 0.01), Init.parse("normal:0.01"));
        assertEquals(new Initializer.Uniform(-0.1, 0.1), Init.parse("uniform:0.1"));
        assertEquals(new Initializer.Constant(0.5), Init.parse("constant:0.5"));
        for (String bad : new String[] {"he", "normal", "normal:x", "uniform:-1", "he-normal:3", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.parse(bad), bad);
            assertTrue(e.getMessage().contains(Init.CHOICES), e.getMessage());
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Initializer.Normal(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Initializer.Uniform(1, 1));
        Tensor bias = Tensor.zeros(DType.F64, 3);
        assertThrows(IllegalArgumentException.class,
                () -> new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, 1).init(bias, 0, 3, new SplittableRandom(1)));
    }
}
