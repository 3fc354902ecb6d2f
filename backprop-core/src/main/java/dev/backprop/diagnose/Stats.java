package dev.backprop.diagnose;

import dev.backprop.kernel.Reductions;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics behind the diagnostics, as plain functions of tensors, so that each can be checked against a
 * closed form.
 *
 * <p>The saturation thresholds of sigmoid and tanh are {@link dev.backprop.nn.ActivationKind#saturationThreshold()}.
 */
public final class Stats {
    private Stats() {
    }

    /**
     * The L2 (Frobenius) norm ‖t‖ = √Σ tᵢ².
     *
     * @param t the tensor, or null (a gradient not yet computed)
     * @return ‖t‖, or NaN for a null tensor
     */
    public static double norm(Tensor t) {
        return t == null ? Double.NaN : Math.sqrt(Reductions.sumSquares(t));
    }

    /**
     * The distance ‖a − b‖ = √Σ (aᵢ − bᵢ)², element by element in flat order: the size of the update Δw when
     * {@code a} is the new and {@code b} the old value.
     *
     * @param a a tensor
     * @param b a tensor of the same size as {@code a}
     * @return ‖a − b‖
     */
    public static double distance(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = a.getFlat(i) - b.getFlat(i);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /**
     * The update-to-parameter ratio ‖Δw‖/‖w‖ = ‖w_new − w_old‖ / ‖w_old‖ (about 1e-3 is the usual healthy order).
     *
     * @param before the parameter before the update
     * @param after the parameter after the update, of the same size
     * @return the ratio; when ‖w_old‖ = 0, NaN if nothing moved and +∞ otherwise
     */
    public static double updateRatio(Tensor before, Tensor after) {
        double d = distance(after, before);
        double n = norm(before);
        return n == 0 ? (d == 0 ? Double.NaN : Double.POSITIVE_INFINITY) : d / n;
    }

    /**
     * The mean and population standard deviation of all elements: μ = Σx/n, σ = √(Σ(x − μ)²/n).
     *
     * @param t the tensor
     * @return {μ, σ}; {NaN, NaN} for an empty tensor
     */
    public static double[] meanStd(Tensor t) {
        int n = t.size();
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += t.getFlat(i);
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = t.getFlat(i) - mean;
            ss += d * d;
        }
        return new double[] {mean, Math.sqrt(ss / n)};
    }

    /**
     * The fraction of elements with |v| &gt; {@code threshold}: with a sigmoid's or tanh's input and its
     * {@link dev.backprop.nn.ActivationKind#saturationThreshold()}, the saturated share of the batch's
     * pre-activations, where φ'(v) is below 1% of its maximum (lecture §2.1).
     *
     * @param preActivation the values v
     * @param threshold the bound on |v|
     * @return the fraction in [0, 1], or NaN for an empty tensor
     */
    public static double fractionAbove(Tensor preActivation, double threshold) {
        int n = preActivation.size();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(preActivation.getFlat(i)) > threshold) {
                count++;
            }
        }
        return n == 0 ? Double.NaN : (double) count / n;
    }

    /**
     * Fraction of units (columns of a [N, units] batch) whose value is ≤ {@code limit} for every one of the N samples:
     * with a ReLU's output and limit 0, the dead units (zero output and zero gradient on the whole batch). A NaN
     * is not ≤ {@code limit}, so it keeps its unit alive.
     *
     * @param batch a rank-2 tensor [N, units]
     * @param limit the value a dead unit never exceeds
     * @return the dead units' share of the columns, or NaN when N or units is 0
     * @throws IllegalArgumentException when {@code batch} is not of rank 2
     */
    public static double deadFraction(Tensor batch, double limit) {
        if (batch.rank() != 2) {
            throw new IllegalArgumentException("dead-unit fraction needs a [N, units] batch, got shape " + batch.shape());
        }
        int rows = batch.dim(0);
        int cols = batch.dim(1);
        if (cols == 0 || rows == 0) {
            return Double.NaN;
        }
        boolean[] alive = new boolean[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                if (!(batch.getFlat(base + c) <= limit)) {
                    alive[c] = true;
                }
            }
        }
        int dead = 0;
        for (boolean a : alive) {
            if (!a) {
                dead++;
            }
        }
        return (double) dead / cols;
    }

    /**
     * The fraction of elements exactly equal to zero (−0 included): the sparsity that an L1 penalty produces
     * (lecture chapter 2, §2.2, eq. 2.8).
     *
     * @param t the tensor
     * @return the fraction in [0, 1], or NaN for an empty tensor
     */
    public static double zeroFraction(Tensor t) {
        int n = t.size();
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            if (t.getFlat(i) == 0) {
                zeros++;
            }
        }
        return n == 0 ? Double.NaN : (double) zeros / n;
    }

    /**
     * Whether every element is finite.
     *
     * @param t the tensor
     * @return false when an element is NaN or infinite
     */
    public static boolean allFinite(Tensor t) {
        return dev.backprop.kernel.Tensors.allFinite(t);
    }

    /**
     * Groups of neurons of a Linear layer whose incoming weight rows and biases are bit-for-bit identical (lecture §3:
     * neurons that start equal get equal gradients and stay equal). Rows are hashed, then compared exactly within a
     * hash bucket; only groups of two or more are returned, each as the sorted neuron indices, ordered by first index.
     *
     * @param weight the weight, [out, in]
     * @param bias the bias, [out], or null for none
     * @return the groups of identical neurons (empty when all differ)
     */
    public static List<int[]> identicalRows(Tensor weight, Tensor bias) {
        int out = weight.dim(0);
        int in = weight.dim(1);
        Map<Integer, List<Integer>> buckets = new HashMap<>();
        for (int r = 0; r < out; r++) {
            int h = bias == null ? 0 : Double.hashCode(bias.getFlat(r));
            for (int c = 0; c < in; c++) {
                h = 31 * h + Double.hashCode(weight.getFlat(r * in + c));
            }
            buckets.computeIfAbsent(h, k -> new ArrayList<>()).add(r);
        }
        List<int[]> groups = new ArrayList<>();
        for (List<Integer> bucket : buckets.values()) {
            if (bucket.size() < 2) {
                continue;
            }
            boolean[] taken = new boolean[bucket.size()];
            for (int i = 0; i < bucket.size(); i++) {
                if (taken[i]) {
                    continue;
                }
                List<Integer> group = new ArrayList<>(List.of(bucket.get(i)));
                for (int j = i + 1; j < bucket.size(); j++) {
                    if (!taken[j] && sameRow(weight, bias, bucket.get(i), bucket.get(j))) {
                        taken[j] = true;
                        group.add(bucket.get(j));
                    }
                }
                if (group.size() > 1) {
                    groups.add(group.stream().mapToInt(Integer::intValue).sorted().toArray());
                }
            }
        }
        groups.sort((a, b) -> Integer.compare(a[0], b[0]));
        return groups;
    }

    /** True when neurons r and q have bit-for-bit equal incoming weights and bias (compared as doubles). */
    private static boolean sameRow(Tensor weight, Tensor bias, int r, int q) {
        int in = weight.dim(1);
        if (bias != null && Double.compare(bias.getFlat(r), bias.getFlat(q)) != 0) {
            return false;
        }
        for (int c = 0; c < in; c++) {
            if (Double.compare(weight.getFlat(r * in + c), weight.getFlat(q * in + c)) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The median: the middle value, or the mean of the two middle values for an even count.
     *
     * @param values the values (not modified)
     * @return the median, or NaN for none
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }
}
