package dev.backprop.nn.init;

import dev.backprop.tensor.Tensor;
import java.util.SplittableRandom;

/** Sampling helpers shared by the {@link Initializer}s. */
final class Sampling {
    private Sampling() {}

    static void uniform(Tensor t, double lo, double hi, SplittableRandom rng) {
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        }
    }

    static void normal(Tensor t, double mean, double std, SplittableRandom rng) {
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, mean + std * Tensor.gaussian(rng));
        }
    }

    static void requirePositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + v);
        }
    }

    static int fan(Initializer.Mode mode, int fanIn, int fanOut) {
        int fan = mode.fan(fanIn, fanOut);
        if (fan <= 0) {
            throw new IllegalArgumentException("initializer needs a positive " + mode + ", got fanIn=" + fanIn
                    + ", fanOut=" + fanOut);
        }
        return fan;
    }

    static int fanSum(int fanIn, int fanOut) {
        if (fanIn + fanOut <= 0) {
            throw new IllegalArgumentException("initializer needs fanIn + fanOut > 0, got fanIn=" + fanIn
                    + ", fanOut=" + fanOut);
        }
        return fanIn + fanOut;
    }

    /**
     * Fills t (viewed as rows x cols) with gain·Q: Q from modified Gram–Schmidt (twice, for accuracy) on the rows of a
     * standard normal matrix of shape [max, min] (the transpose when rows < cols), which is the QR factorisation
     * with a positive diagonal of R, hence Haar-distributed.
     */
    static void orthogonal(Tensor t, double gain, SplittableRandom rng) {
        int rows = t.rank() == 0 ? 1 : t.dim(0);
        int cols = rows == 0 ? 0 : t.size() / rows;
        boolean flip = rows < cols;
        int n = flip ? cols : rows; // long side: vectors live in R^n
        int k = flip ? rows : cols; // number of orthonormal vectors
        double[][] q = new double[k][n];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                q[j][i] = Tensor.gaussian(rng);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[p][i] * q[j][i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[j][i] -= dot * q[p][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[j][i] /= norm;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = flip ? q[r][c] : q[c][r];
                t.setFlat(r * cols + c, gain * v);
            }
        }
    }
}
