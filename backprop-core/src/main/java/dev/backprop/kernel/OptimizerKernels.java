package dev.backprop.kernel;

/** Element-wise optimizer updates on F32 weights with double-precision state, lane-wise when the Vector API is present. */
public final class OptimizerKernels {
    private OptimizerKernels() {
    }

    /**
     * One Adam step on {@code w[from .. to)} in place, per element in double precision: {@code g' = g + c·w} (when
     * {@code c} is not NaN), {@code w ← decay·w} (when {@code decay != 1}), {@code m ← b1·m + (1 − b1)·g'},
     * {@code v ← b2·v + (1 − b2)·g'·g'}, {@code w ← w − stepSize·(m / (√v / bc2Sqrt + eps))}, the weight rounded to
     * float once. Lane-wise and scalar give the same floats: every operation is IEEE-rounded in the same order.
     *
     * @param w the weights, updated in place
     * @param g the gradients
     * @param m the first moments, updated in place
     * @param v the second moments, updated in place
     * @param from the first element
     * @param to one past the last element
     * @param b1 β₁
     * @param b2 β₂
     * @param bc2Sqrt √(1 − β₂ᵗ)
     * @param eps ε
     * @param stepSize η / (1 − β₁ᵗ)
     * @param c the coupled L2 factor 2λ, or NaN for none
     * @param decay the decoupled decay factor 1 − η·wd, or 1 for none
     */
    public static void adamF32(float[] w, float[] g, double[] m, double[] v, int from, int to, double b1, double b2,
                               double bc2Sqrt, double eps, double stepSize, double c, double decay) {
        Simd.adamF32(w, g, m, v, from, to, b1, b2, bc2Sqrt, eps, stepSize, c, decay);
    }
}
