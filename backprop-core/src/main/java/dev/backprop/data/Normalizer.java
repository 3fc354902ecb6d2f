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

    /** The identity, {@code x' = x}. */
    record None() implements Normalizer {
    }

    /**
     * Z-score: per feature, {@code x'_j = (x_j - mean_j) / std_j}, dividing by 1 where {@code std_j} is not positive.
     *
     * @param mean the per-feature means of the training features
     * @param std the per-feature population standard deviations of the training features
     */
    record Standard(double[] mean, double[] std) implements Normalizer {
        /**
         * Copies and checks the parameters.
         *
         * @param mean the per-feature means
         * @param std the per-feature standard deviations
         * @throws IllegalArgumentException if the arrays differ in length or hold a NaN or infinity
         */
        public Standard {
            mean = mean.clone();
            std = std.clone();
            checkParameters("standard", mean, std);
        }
    }

    /**
     * Min-max: per feature, {@code x'_j = (x_j - min_j) / (max_j - min_j)}, dividing by 1 where the range is not
     * positive.
     *
     * @param min the per-feature minima of the training features
     * @param max the per-feature maxima of the training features
     */
    record MinMax(double[] min, double[] max) implements Normalizer {
        /**
         * Copies and checks the parameters.
         *
         * @param min the per-feature minima
         * @param max the per-feature maxima
         * @throws IllegalArgumentException if the arrays differ in length or hold a NaN or infinity
         */
        public MinMax {
            min = min.clone();
            max = max.clone();
            checkParameters("minmax", min, max);
        }
    }

    /** {@return the identity normaliser} */
    static Normalizer none() {
        return new None();
    }

    /**
     * Fits the z-score normaliser: {@code mean_j = (1/N) sum_i x_ij} and the population standard deviation
     * {@code std_j = sqrt((1/N) sum_i (x_ij - mean_j)^2)} (divided by N, not N - 1), in two passes in double.
     *
     * @param train the training set (byte features are read as {@code b / 255}); an empty set gives zeros
     * @return the fitted normaliser
     * @throws IllegalArgumentException if a feature's statistics are not finite
     */
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

    /**
     * Fits the min-max normaliser: {@code min_j} and {@code max_j} of each feature over the training set.
     *
     * @param train the training set (byte features are read as {@code b / 255}); an empty set gives zeros
     * @return the fitted normaliser
     * @throws IllegalArgumentException if a feature holds a NaN or infinity
     */
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

    /**
     * Fits the normaliser of the given kind on a training set.
     *
     * @param kind "none", "standard" or "minmax", in any case
     * @param train the training set
     * @return the fitted normaliser
     * @throws IllegalArgumentException for an unknown kind or non-finite statistics
     */
    static Normalizer fit(String kind, Dataset train) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "none" -> none();
            case "standard" -> fitStandard(train);
            case "minmax" -> fitMinMax(train);
            default -> throw new IllegalArgumentException("unknown normalisation '" + kind
                    + "'; expected none, standard or minmax");
        };
    }

    /**
     * Rebuilds a normaliser from its exported form, the inverse of {@link #kind()} and {@link #parameters()}.
     *
     * @param kind "none", "standard" or "minmax", in any case
     * @param parameters no arrays for none; {mean, std} for standard; {min, max} for min-max (copied)
     * @return the normaliser
     * @throws IllegalArgumentException for missing (null) parameters, an unknown kind, the wrong number of arrays,
     *         arrays of different lengths or non-finite values
     */
    static Normalizer of(String kind, double[][] parameters) {
        String k = kind.toLowerCase(Locale.ROOT);
        int expected = k.equals("none") ? 0 : 2;
        if (parameters == null || java.util.Arrays.asList(parameters).contains(null)) {
            throw new IllegalArgumentException("normalisation '" + kind + "' needs its parameter arrays, got "
                    + (parameters == null ? "none" : "a null one"));
        }
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

    /** {@return the kind's name: "none", "standard" or "minmax"} */
    default String kind() {
        return switch (this) {
            case None n -> "none";
            case Standard s -> "standard";
            case MinMax m -> "minmax";
        };
    }

    /**
     * {@return the fitted parameters as copies: no arrays for none, {mean, std} for standard, {min, max} for min-max}
     */
    default double[][] parameters() {
        return switch (this) {
            case None n -> new double[0][];
            case Standard s -> new double[][] {s.mean.clone(), s.std.clone()};
            case MinMax m -> new double[][] {m.min.clone(), m.max.clone()};
        };
    }

    /**
     * Normalises one feature value, {@code (x - shift_j) / scale_j}.
     *
     * @param j the feature index (not checked against the fitted feature count beyond the array bounds)
     * @param x the raw value of feature {@code j}
     * @return the normalised value
     */
    default double apply(int j, double x) {
        return switch (this) {
            case None n -> x;
            case Standard s -> (x - s.mean[j]) / nonZero(s.std[j]);
            case MinMax m -> (x - m.min[j]) / nonZero(m.max[j] - m.min[j]);
        };
    }

    /**
     * Normalises one sample's features {@code row[off .. off + featureCount)} in place.
     *
     * @param row the array holding the sample
     * @param off where the sample's first feature is
     * @param featureCount the number of features, which must be the number the normaliser was fitted on
     * @throws IllegalArgumentException if {@code featureCount} differs from the fitted feature count
     */
    default void applyInPlace(float[] row, int off, int featureCount) {
        requireFeatureCount(featureCount);
        for (int j = 0; j < featureCount; j++) {
            row[off + j] = (float) apply(j, row[off + j]);
        }
    }

    /**
     * Normalises a whole dataset. The result stores float features (byte features are expanded), or double features
     * when {@code data} stores doubles ({@link Dataset#isF64()}), computed in double without rounding to float;
     * labels, targets and class names are kept.
     *
     * @param data the dataset, with the fitted number of features
     * @return {@code data} itself for {@link None}, otherwise a new dataset with normalised features
     * @throws IllegalArgumentException if the feature count differs from the fitted one
     */
    default Dataset apply(Dataset data) {
        if (this instanceof None) {
            return data;
        }
        int f = data.featureCount();
        requireFeatureCount(f);
        if (data.isF64()) {
            double[] x = new double[data.size() * f];
            for (int r = 0; r < data.size(); r++) {
                data.copyFeatures(r, x, r * f);
                for (int j = 0; j < f; j++) {
                    x[r * f + j] = apply(j, x[r * f + j]);
                }
            }
            return data.withFeatures(x);
        }
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
