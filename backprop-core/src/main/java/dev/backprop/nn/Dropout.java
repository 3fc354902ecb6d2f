package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each element is kept with probability 1 − p and scaled by 1/(1 − p), so that
 * E[y] = x; in evaluation y = x. Masks come from a generator seeded at construction, so a run with the same seed
 * draws the same masks (p = 1 drops everything).
 */
public final class Dropout extends Module {
    private final double p;
    private final SplittableRandom rng;

    public Dropout(double p, long seed) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("invalid dropout probability: " + p + " (must be in [0, 1])");
        }
        this.p = p;
        this.rng = new SplittableRandom(seed);
    }

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
        for (int i = 0; i < mask.size(); i++) {
            mask.setFlat(i, rng.nextDouble() >= p ? scale : 0);
        }
        return Variable.op("dropout", times(in, mask), g -> new Tensor[] {times(g, mask)}, x);
    }

    private static Tensor times(Tensor a, Tensor mask) {
        Tensor out = Tensor.zeros(a.dtype(), a.shape());
        for (int i = 0; i < out.size(); i++) {
            out.setFlat(i, a.getFlat(i) * mask.getFlat(i));
        }
        return out;
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
