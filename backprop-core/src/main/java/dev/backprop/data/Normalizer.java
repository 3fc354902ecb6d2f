package dev.backprop.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * A per-feature affine rescaling {@code x'_j = (x_j - shift_j) / scale_j}, fitted on the training set only and then
 * applied unchanged to training, validation and test data (fitting on test data would leak it into the model).
 *
 * <ul>
 *   <li>{@link None}: {@code x' = x}.
 *   <li>{@link Standard} (z-score): {@code x'_j = (x_j - mean_j) / std_j}, with the population standard deviation
 *       {@code std_j = sqrt(mean_i (x_ij - mean_j)^2)}; training features end up with mean 0 and variance 1.
 *   <li>{@link MinMax}: {@code x'_j = (x_j - min_j) / (max_j - min_j)}; training features end up in [0, 1].
 * </ul>
 *
 * A constant feature (zero std or zero range) is only shifted (its scale is taken as 1), so it maps to 0 and never
 * to NaN. The fitted parameters export as plain arrays ({@link #kind()}, {@link #parameters()}) and import with
 * {@link #of(String, double[][])}, so a run folder can store them as JSON.
 */
public sealed interface Normalizer {

    /** The identity. */
    record None() implements Normalizer {
    }

    /** Z-score: per feature, subtract {@code mean} and divide by {@code std} (1 where std is 0). */
    record Standard(double[] mean, double[] std) implements Normalizer {
        public Standard {
            mean = mean.clone();
            std = std.clone();
            checkParameters("standard", mean, std);
        }
    }

    /** Min-max: per feature, subtract {@code min} and divide by {@code max - min} (1 where they are equal). */
    record MinMax(double[] min, double[] max) implements Normalizer {
        public MinMax {
            min = min.clone();
            max = max.clone();
            checkParameters("minmax", min, max);
        }
    }

    /** The identity normaliser. */
    static Normalizer none() {
        return new None();
    }

    /** Fits the z-score normaliser on {@code train}'s features. */
    static Standard fitStandard(Dataset train) {
        int f = train.featureCount();
        double[] mean = new double[f];
        double[] var = new double[f];
        double[] row = new double[f];
        for (int r = 0; r < train.size(); r++) {
            train.copyFeatures(r, row, 0);
            for (int j = 0; j < f; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= Math.max(1, train.size());
        }
        for (int r = 0; r < train.size(); r++) {
            train.copyFeatures(r, row, 0);
            for (int j = 0; j < f; j++) {
                double d = row[j] - mean[j];
                var[j] += d * d;
            }
        }
        for (int j = 0; j < f; j++) {
            var[j] = Math.sqrt(var[j] / Math.max(1, train.size()));
        }
        return new Standard(mean, var);
    }

    /** Fits the min-max normaliser on {@code train}'s features. */
    static MinMax fitMinMax(Dataset train) {
        int f = train.featureCount();
        double[] min = new double[f];
        double[] max = new double[f];
        Arrays.fill(min, train.size() == 0 ? 0 : Double.POSITIVE_INFINITY);
        Arrays.fill(max, train.size() == 0 ? 0 : Double.NEGATIVE_INFINITY);
        double[] row = new double[f];
        for (int r = 0; r < train.size(); r++) {
            train.copyFeatures(r, row, 0);
            for (int j = 0; j < f; j++) {
                min[j] = Math.min(min[j], row[j]);
                max[j] = Math.max(max[j], row[j]);
            }
        }
        return new MinMax(min, max);
    }

    /** Fits the normaliser of the given kind ("none", "standard" or "minmax") on {@code train}. */
    static Normalizer fit(String kind, Dataset train) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "none" -> none();
            case "standard" -> fitStandard(train);
            case "minmax" -> fitMinMax(train);
            default -> throw new IllegalArgumentException("unknown normalisation '" + kind
                    + "'; expected none, standard or minmax");
        };
    }

    /** The normaliser of {@code kind} with exported {@code parameters} (as returned by {@link #parameters()}). */
    static Normalizer of(String kind, double[][] parameters) {
        String k = kind.toLowerCase(Locale.ROOT);
        int expected = k.equals("none") ? 0 : 2;
        if (parameters.length != expected) {
            throw new IllegalArgumentException("normalisation '" + kind + "' takes " + expected
                    + " parameter arrays, got " + parameters.length);
        }
        return switch (k) {
            case "none" -> none();
            case "standard" -> new Standard(parameters[0], parameters[1]);
            case "minmax" -> new MinMax(parameters[0], parameters[1]);
            default -> throw new IllegalArgumentException("unknown normalisation '" + kind
                    + "'; expected none, standard or minmax");
        };
    }

    /** The kind's name: "none", "standard" or "minmax". */
    default String kind() {
        return switch (this) {
            case None n -> "none";
            case Standard s -> "standard";
            case MinMax m -> "minmax";
        };
    }

    /** The fitted parameters as copies: {} for none, {mean, std} for standard, {min, max} for min-max. */
    default double[][] parameters() {
        return switch (this) {
            case None n -> new double[0][];
            case Standard s -> new double[][] {s.mean.clone(), s.std.clone()};
            case MinMax m -> new double[][] {m.min.clone(), m.max.clone()};
        };
    }

    /** Normalises {@code x}, the value of feature {@code j}. */
    default double apply(int j, double x) {
        return switch (this) {
            case None n -> x;
            case Standard s -> (x - s.mean[j]) / nonZero(s.std[j]);
            case MinMax m -> (x - m.min[j]) / nonZero(m.max[j] - m.min[j]);
        };
    }

    /** Normalises one sample's features {@code row[off .. off + featureCount)} in place. */
    default void applyInPlace(float[] row, int off, int featureCount) {
        requireFeatureCount(featureCount);
        for (int j = 0; j < featureCount; j++) {
            row[off + j] = (float) apply(j, row[off + j]);
        }
    }

    /** {@code data} with normalised float features (labels, targets and class names kept). */
    default Dataset apply(Dataset data) {
        if (this instanceof None) {
            return data;
        }
        int f = data.featureCount();
        requireFeatureCount(f);
        float[] x = new float[data.size() * f];
        for (int r = 0; r < data.size(); r++) {
            data.copyFeatures(r, x, r * f);
            applyInPlace(x, r * f, f);
        }
        return data.withFeatures(x);
    }

    private void requireFeatureCount(int featureCount) {
        int expected = switch (this) {
            case None n -> featureCount;
            case Standard s -> s.mean.length;
            case MinMax m -> m.min.length;
        };
        if (featureCount != expected) {
            throw new IllegalArgumentException(kind() + " normaliser was fitted on " + expected
                    + " features, got data with " + featureCount);
        }
    }

    private static double nonZero(double scale) {
        return scale > 0 ? scale : 1;
    }

    private static void checkParameters(String kind, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(kind + " normaliser: parameter arrays have " + a.length + " and "
                    + b.length + " entries");
        }
        for (int j = 0; j < a.length; j++) {
            if (!Double.isFinite(a[j]) || !Double.isFinite(b[j])) {
                throw new IllegalArgumentException(kind + " normaliser: feature " + j + " has non-finite parameters "
                        + a[j] + ", " + b[j]);
            }
        }
    }
}
