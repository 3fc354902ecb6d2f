package dev.backprop.nn.init;

import dev.backprop.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * A rule that fills a parameter tensor before training (lecture §3, "Parameter Initialization").
 *
 * <p>Random rules sample a high-entropy distribution so that no two neurons start alike (the lecture's symmetry
 * breaking); {@link Constant} deliberately does not, and exists for biases, PReLU slopes, batch-norm parameters and
 * for demonstrating the symmetry problem. For a {@code Linear} weight of shape [out, in], {@code fanIn = in} and
 * {@code fanOut = out}. All sampling goes through the given seeded generator: same seed, same values.
 *
 * <table>
 * <caption>Distributions</caption>
 * <tr><th>rule</th><th>distribution</th></tr>
 * <tr><td>{@link Constant}(v)</td><td>every element v</td></tr>
 * <tr><td>{@link Uniform}(a, b)</td><td>U(a, b)</td></tr>
 * <tr><td>{@link Normal}(μ, σ)</td><td>N(μ, σ²)</td></tr>
 * <tr><td>{@link XavierUniform}(g)</td><td>U(−b, b), b = g·√(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010)</td></tr>
 * <tr><td>{@link XavierNormal}(g)</td><td>N(0, σ²), σ = g·√(2 / (fanIn + fanOut))</td></tr>
 * <tr><td>{@link KaimingUniform}(mode, g)</td><td>U(−b, b), b = g·√(3 / fan) (He et al., 2015)</td></tr>
 * <tr><td>{@link KaimingNormal}(mode, g)</td><td>N(0, σ²), σ = g / √fan</td></tr>
 * <tr><td>{@link LecunUniform}</td><td>U(−b, b), b = √(3 / fanIn)</td></tr>
 * <tr><td>{@link LecunNormal}</td><td>N(0, 1 / fanIn) (not truncated)</td></tr>
 * <tr><td>{@link Orthogonal}(g)</td><td>g·Q, Q with orthonormal rows (or columns) from the QR factorisation of a
 * standard normal matrix, signs fixed by diag(R) so Q is Haar-distributed (Saxe et al., 2014)</td></tr>
 * </table>
 * Here fan is fanIn or fanOut as chosen by {@link Mode}; the gain g comes from {@link Init#gain}.
 */
public sealed interface Initializer {

    /**
     * Fills {@code t} in place.
     *
     * @param t the parameter tensor
     * @param fanIn inputs per neuron (columns of a [out, in] weight)
     * @param fanOut outputs (rows of a [out, in] weight)
     * @param rng the seeded generator every sample comes from
     * @throws IllegalArgumentException if the fan the rule needs is not positive
     */
    void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng);

    /** Which fan scales a Kaiming initializer: fan-in preserves the forward variance, fan-out the backward one. */
    enum Mode {
        /** Scale by fanIn: Var(W) = g²/fanIn keeps the activations' variance in the forward pass. */
        FAN_IN,
        /** Scale by fanOut: Var(W) = g²/fanOut keeps the gradients' variance in the backward pass. */
        FAN_OUT;

        int fan(int fanIn, int fanOut) {
            return this == FAN_IN ? fanIn : fanOut;
        }
    }

    /**
     * Every element set to {@code value}: no symmetry breaking.
     *
     * @param value the value
     */
    record Constant(double value) implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            t.fill(value);
        }
    }

    /**
     * U(a, b): variance (b − a)²/12.
     *
     * @param a the lower bound
     * @param b the upper bound, &gt; a
     */
    record Uniform(double a, double b) implements Initializer {
        /**
         * Checks the bounds.
         *
         * @throws IllegalArgumentException unless a &lt; b
         */
        public Uniform {
            if (!(a < b)) {
                throw new IllegalArgumentException("uniform initializer needs a < b, got a=" + a + ", b=" + b);
            }
        }

        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            Sampling.uniform(t, a, b, rng);
        }
    }

    /**
     * N(mean, std²).
     *
     * @param mean the mean μ
     * @param std the standard deviation σ, positive and finite
     */
    record Normal(double mean, double std) implements Initializer {
        /**
         * Checks σ.
         *
         * @throws IllegalArgumentException unless std is positive and finite
         */
        public Normal {
            Sampling.requirePositive("normal initializer std", std);
        }

        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            Sampling.normal(t, mean, std, rng);
        }
    }

    /**
     * U(−b, b) with b = gain·√(6 / (fanIn + fanOut)): Var(W) = gain²·2/(fanIn + fanOut) (Glorot and Bengio, 2010).
     *
     * @param gain the gain g of the activation that follows
     */
    record XavierUniform(double gain) implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            double b = gain * Math.sqrt(6.0 / Sampling.fanSum(fanIn, fanOut));
            Sampling.uniform(t, -b, b, rng);
        }
    }

    /**
     * N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)): Var(W) = gain²·2/(fanIn + fanOut).
     *
     * @param gain the gain g of the activation that follows
     */
    record XavierNormal(double gain) implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            Sampling.normal(t, 0, gain * Math.sqrt(2.0 / Sampling.fanSum(fanIn, fanOut)), rng);
        }
    }

    /**
     * U(−b, b) with b = gain·√(3 / fan): Var(W) = gain²/fan. With gain √2 and fan-in this is He-uniform.
     *
     * @param mode which fan
     * @param gain the gain g of the activation that follows
     */
    record KaimingUniform(Mode mode, double gain) implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            double b = gain * Math.sqrt(3.0 / Sampling.fan(mode, fanIn, fanOut));
            Sampling.uniform(t, -b, b, rng);
        }
    }

    /**
     * N(0, σ²) with σ = gain / √fan: Var(W) = gain²/fan. With gain √2 and fan-in this is He-normal (He et al., 2015).
     *
     * @param mode which fan
     * @param gain the gain g of the activation that follows
     */
    record KaimingNormal(Mode mode, double gain) implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            Sampling.normal(t, 0, gain / Math.sqrt(Sampling.fan(mode, fanIn, fanOut)), rng);
        }
    }

    /** U(−b, b) with b = √(3 / fanIn): unit-variance outputs for unit-variance inputs (LeCun et al., 1998). */
    record LecunUniform() implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            double b = Math.sqrt(3.0 / Sampling.fan(Mode.FAN_IN, fanIn, fanOut));
            Sampling.uniform(t, -b, b, rng);
        }
    }

    /** N(0, 1 / fanIn), not truncated. */
    record LecunNormal() implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            Sampling.normal(t, 0, 1.0 / Math.sqrt(Sampling.fan(Mode.FAN_IN, fanIn, fanOut)), rng);
        }
    }

    /**
     * gain·Q where Q has orthonormal rows (when rows &lt; columns) or orthonormal columns (otherwise). The tensor is
     * seen as a matrix [dim(0), size / dim(0)], so a rank-1 tensor of n elements is one column [n, 1]: a unit vector
     * times the gain.
     *
     * @param gain the gain g
     */
    record Orthogonal(double gain) implements Initializer {
        @Override
        public void init(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
            Sampling.orthogonal(t, gain, rng);
        }
    }
}
