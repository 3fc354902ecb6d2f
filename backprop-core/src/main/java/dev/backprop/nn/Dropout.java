package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each element is kept with probability 1 − p and scaled by 1/(1 − p), so that
 * E[y] = x; in evaluation y = x. The mask of the n-th training forward pass comes from a generator seeded with
 * (seed, n), so a run with the same seed draws the same masks, and a run resumed from a checkpoint (which saves n,
 * see {@link #rngState()}) draws the masks the uninterrupted run would have drawn (p = 1 drops everything).
 */
public final class Dropout extends Module {
    private final double p;
    private final long seed;
    private long draws;

    /**
     * A dropout layer.
     *
     * @param p the probability of zeroing an element, in [0, 1]
     * @param seed the seed of the mask generator
     * @throws IllegalArgumentException if {@code p} is outside [0, 1] or NaN
     */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("invalid dropout probability: " + p + " (must be in [0, 1])");
        }
        this.p = p;
        this.seed = seed;
    }

    /**
     * The drop probability.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        Tensor in = x.value();
        Tensor mask = Tensor.zeros(in.dtype(), in.shape());
        double scale = p == 1 ? 0 : 1 / (1 - p);
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + draws++);
        for (int i = 0; i < mask.size(); i++) {
            mask.setFlat(i, rng.nextDouble() >= p ? scale : 0);
        }
        return Ops.dropout(x, mask);
    }

    /** The number of masks drawn so far, under the key "draws". */
    @Override
    public Map<String, Long> rngState() {
        return Map.of("draws", draws);
    }

    @Override
    public void loadRngState(Map<String, Long> state) {
        Long n = state.get("draws");
        if (n != null) {
            draws = n;
        }
    }

    @Override
    public LayerSpec.Dropout spec() {
        return new LayerSpec.Dropout(p);
    }

    @Override
    public String describe() {
        return "Dropout(" + p + ")";
    }
}
