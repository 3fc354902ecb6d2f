package dev.backprop.kernel;

/** Element-wise optimizer updates on F32 weights with F32 state, lane-wise when the Vector API is present. */
public final class OptimizerKernels {
    private OptimizerKernels() {
    }

    /**
     * One Adam step on {@code w[from .. to)} in place, every operation in F32 (PyTorch's order for float32
     * parameters): {@code g' = g + c·w} (when {@code c} is not NaN), {@code w ← decay·w} (when {@code decay != 1}),
     * {@code m ← b1·m + keep1·g'}, {@code v ← b2·v + keep2·g'·g'}, {@code w ← w − stepSize·(m / (√v / bc2Sqrt + eps))}.
     * Lane-wise and scalar give the same floats: every operation is IEEE-rounded in the same order, none fused.
     *
     * @param w the weights, updated in place
     * @param g the gradients
     * @param m the first moments, updated in place
     * @param v the second moments, updated in place
     * @param from the first element
     * @param to one past the last element
     * @param b1 β₁
     * @param keep1 1 − β₁, rounded from double
     * @param b2 β₂
     * @param keep2 1 − β₂, rounded from double
     * @param bc2Sqrt √(1 − β₂ᵗ)
     * @param eps ε
     * @param stepSize η / (1 − β₁ᵗ)
     * @param c the coupled L2 factor 2λ, or NaN for none
     * @param decay the decoupled decay factor 1 − η·wd, or 1 for none
     */
    public static void adamF32(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float keep1,
                               float b2, float keep2, float bc2Sqrt, float eps, float stepSize, float c, float decay) {
        Simd.adamF32(w, g, m, v, from, to, b1, keep1, b2, keep2, bc2Sqrt, eps, stepSize, c, decay);
    }
}
