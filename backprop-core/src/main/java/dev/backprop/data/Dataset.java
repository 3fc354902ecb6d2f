package dev.backprop.data;

import dev.backprop.kernel.Tensors;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory table of samples: a feature matrix {@code X} of shape [size, featureCount] and, per sample, either
 * an integer class label in {@code [0, classCount)} (classification) or a row of float targets of width
 * {@code targetCount} (regression, e.g. for a mean-squared-error loss).
 *
 * <p>Features are stored compactly: as floats, as unsigned bytes that stand for {@code b / 255} (pixels of an 8-bit
 * image, so Fashion-MNIST's 60000 x 784 training set costs 47 MB instead of 188 MB), or as doubles for an F64 model
 * (e.g. {@link CsvReader#readClassification(java.nio.file.Path, CsvReader.Column, List, DType)} with
 * {@link DType#F64}), which then sees every value exactly as the file wrote it. Bytes are converted only when a row is
 * read, e.g. per mini-batch by {@link DataLoader}; double features read into a float batch are rounded to float,
 * double regression targets likewise.
 *
 * <p>A dataset is immutable: {@link #split}, {@link #subset} and {@link #select} return new datasets that own
 * copies of the selected rows.
 */
public final class Dataset {
    /**
     * {@code U8_TO_FLOAT[b] = b / 255f}: the exact float for every byte value, for single values; whole rows convert
     * lane-wise with the same division ({@link Tensors#unitFloats}).
     */
    private static final float[] U8_TO_FLOAT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            U8_TO_FLOAT[i] = i / 255f;
        }
    }

    private final int size;
    private final int featureCount;
    private final byte[] u8;        // features as bytes (value = b/255), or null
    private final float[] f32;      // features as floats, or null
    private final double[] f64;     // features as doubles, or null
    private final int[] labels;     // classification labels, or null
    private final int classCount;   // 0 for regression
    private final float[] targets;  // regression targets [size, targetCount] as floats, or null
    private final double[] targets64; // regression targets as doubles (when the features are doubles), or null
    private final int targetCount;  // 0 for classification
    private final List<String> classNames;
    private final List<String> featureNames; // null: x0, x1, ...

    private Dataset(int size, int featureCount, byte[] u8, float[] f32, double[] f64, int[] labels, int classCount,
                    float[] targets, double[] targets64, int targetCount, List<String> classNames,
                    List<String> featureNames) {
        this.size = size;
        this.featureCount = featureCount;
        this.u8 = u8;
        this.f32 = f32;
        this.f64 = f64;
        this.labels = labels;
        this.classCount = classCount;
        this.targets = targets;
        this.targets64 = targets64;
        this.targetCount = targetCount;
        this.classNames = classNames;
        this.featureNames = featureNames;
    }

    // ---------------------------------------------------------------- factories

    /**
     * Creates a classification set with float features. Neither array is copied: the caller must not change them
     * afterwards.
     *
     * @param features the features, row-major {@code [size, featureCount]}
     * @param featureCount the number of features per sample, at least 1
     * @param labels one class label per sample, in {@code [0, classCount)}; their number is the set's size
     * @param classCount the number of classes, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if the feature array does not make {@code labels.length} rows of
     *         {@code featureCount}, {@code classCount < 1}, or a label is out of range
     */
    public static Dataset classification(float[] features, int featureCount, int[] labels, int classCount) {
        checkFeatures(features.length, featureCount, labels.length);
        checkLabels(labels, classCount);
        return new Dataset(labels.length, featureCount, null, features, null, labels, classCount, null, null, 0, null,
                null);
    }

    /**
     * Creates a classification set with double features, read exactly by an F64 {@link DataLoader} (and rounded to
     * float by an F32 one). Neither array is copied: the caller must not change them afterwards.
     *
     * @param features the features, row-major {@code [size, featureCount]}
     * @param featureCount the number of features per sample, at least 1
     * @param labels one class label per sample, in {@code [0, classCount)}; their number is the set's size
     * @param classCount the number of classes, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if the feature array does not make {@code labels.length} rows of
     *         {@code featureCount}, {@code classCount < 1}, or a label is out of range
     */
    public static Dataset classification(double[] features, int featureCount, int[] labels, int classCount) {
        checkFeatures(features.length, featureCount, labels.length);
        checkLabels(labels, classCount);
        return new Dataset(labels.length, featureCount, null, null, features, labels, classCount, null, null, 0, null,
                null);
    }

    /**
     * Creates a classification set whose features are unsigned bytes standing for {@code b / 255} (8-bit pixels),
     * a quarter of the memory of floats. Neither array is copied: the caller must not change them afterwards.
     *
     * @param pixels the features as unsigned bytes, row-major {@code [size, featureCount]}
     * @param featureCount the number of features per sample, at least 1
     * @param labels one class label per sample, in {@code [0, classCount)}; their number is the set's size
     * @param classCount the number of classes, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if the byte array does not make {@code labels.length} rows of
     *         {@code featureCount}, {@code classCount < 1}, or a label is out of range
     */
    public static Dataset classificationU8(byte[] pixels, int featureCount, int[] labels, int classCount) {
        checkFeatures(pixels.length, featureCount, labels.length);
        checkLabels(labels, classCount);
        return new Dataset(labels.length, featureCount, pixels, null, null, labels, classCount, null, null, 0, null,
                null);
    }

    /**
     * Creates a regression set. Neither array is copied: the caller must not change them afterwards.
     *
     * @param features the features, row-major {@code [size, featureCount]}
     * @param featureCount the number of features per sample, at least 1
     * @param targets the targets, row-major {@code [size, targetCount]}; the size is {@code targets.length / targetCount}
     * @param targetCount the number of targets per sample, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if {@code targetCount < 1}, the targets do not make whole rows, or the
     *         features do not make as many rows of {@code featureCount}
     */
    public static Dataset regression(float[] features, int featureCount, float[] targets, int targetCount) {
        if (targetCount <= 0 || targets.length % targetCount != 0) {
            throw new IllegalArgumentException(targets.length + " targets do not make rows of " + targetCount);
        }
        int n = targets.length / targetCount;
        checkFeatures(features.length, featureCount, n);
        return new Dataset(n, featureCount, null, features, null, null, 0, targets, null, targetCount, null, null);
    }

    /**
     * Creates a regression set with double features and targets, read exactly by an F64 {@link DataLoader}. Neither
     * array is copied: the caller must not change them afterwards.
     *
     * @param features the features, row-major {@code [size, featureCount]}
     * @param featureCount the number of features per sample, at least 1
     * @param targets the targets, row-major {@code [size, targetCount]}; the size is {@code targets.length / targetCount}
     * @param targetCount the number of targets per sample, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if {@code targetCount < 1}, the targets do not make whole rows, or the
     *         features do not make as many rows of {@code featureCount}
     */
    public static Dataset regression(double[] features, int featureCount, double[] targets, int targetCount) {
        if (targetCount <= 0 || targets.length % targetCount != 0) {
            throw new IllegalArgumentException(targets.length + " targets do not make rows of " + targetCount);
        }
        int n = targets.length / targetCount;
        checkFeatures(features.length, featureCount, n);
        return new Dataset(n, featureCount, null, null, features, null, 0, null, targets, targetCount, null, null);
    }

    /**
     * This dataset with names for its classes (sharing the sample data), e.g. to map predictions back to names.
     *
     * @param names one name per class, in label order (copied)
     * @return a new dataset with the same samples and these class names
     * @throws IllegalStateException if this is a regression set
     * @throws IllegalArgumentException if the number of names is not the number of classes
     */
    public Dataset withClassNames(List<String> names) {
        requireClassification("withClassNames");
        if (names.size() != classCount) {
            throw new IllegalArgumentException(names.size() + " class names for " + classCount + " classes: " + names);
        }
        return new Dataset(size, featureCount, u8, f32, f64, labels, classCount, targets, targets64, targetCount,
                List.copyOf(names), featureNames);
    }

    /**
     * This dataset with names for its feature columns (one per feature, in column order): the CSV header, or
     * pixel0..pixel783 for images. A model trained on it records them, so that prediction can match input columns by
     * name.
     *
     * @param names one distinct name per feature
     * @return a dataset sharing this one's arrays
     * @throws IllegalArgumentException when the count differs from {@link #featureCount()} or a name repeats
     */
    public Dataset withFeatureNames(List<String> names) {
        if (names.size() != featureCount) {
            throw new IllegalArgumentException(names.size() + " feature names for " + featureCount + " features");
        }
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("feature names repeat: " + names);
        }
        return new Dataset(size, featureCount, u8, f32, f64, labels, classCount, targets, targets64, targetCount,
                classNames, List.copyOf(names));
    }

    private static void checkFeatures(int length, int featureCount, int rows) {
        if (featureCount <= 0 || (long) rows * featureCount != length) {
            throw new IllegalArgumentException(length + " feature values do not make " + rows + " rows of "
                    + featureCount + " features");
        }
    }

    private static void checkLabels(int[] labels, int classCount) {
        if (classCount <= 0) {
            throw new IllegalArgumentException("classCount must be positive, got " + classCount);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classCount) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, "
                        + classCount + ")");
            }
        }
    }

    // ---------------------------------------------------------------- queries

    /** {@return the number of samples} */
    public int size() {
        return size;
    }

    /** {@return the number of features per sample} */
    public int featureCount() {
        return featureCount;
    }

    /** {@return true for a classification set (integer labels), false for regression (float targets)} */
    public boolean isClassification() {
        return labels != null;
    }

    /** {@return the number of classes; 0 for a regression set} */
    public int classCount() {
        return classCount;
    }

    /** {@return the number of regression targets per sample; 0 for a classification set} */
    public int targetCount() {
        return targetCount;
    }

    /** {@return true when the features are stored as bytes meaning {@code b / 255}} */
    public boolean isU8() {
        return u8 != null;
    }

    /** {@return true when the features (and regression targets) are stored as doubles, exact for an F64 model} */
    public boolean isF64() {
        return f64 != null;
    }

    /**
     * Feature names in column order: those given by {@link #withFeatureNames}, else "x0", "x1", ...
     *
     * @return one name per feature
     */
    public List<String> featureNames() {
        if (featureNames != null) {
            return featureNames;
        }
        List<String> names = new ArrayList<>(featureCount);
        for (int j = 0; j < featureCount; j++) {
            names.add("x" + j);
        }
        return List.copyOf(names);
    }

    /** {@return the class names in label order; "0", "1", ... when none were given; empty for a regression set} */
    public List<String> classNames() {
        if (classNames != null) {
            return classNames;
        }
        List<String> names = new ArrayList<>(classCount);
        for (int c = 0; c < classCount; c++) {
            names.add(Integer.toString(c));
        }
        return List.copyOf(names);
    }

    /**
     * Reads one feature.
     *
     * @param row the sample, in {@code [0, size)}
     * @param col the feature, in {@code [0, featureCount)}
     * @return the feature as a float (bytes converted to [0, 1], doubles rounded)
     * @throws IndexOutOfBoundsException if {@code row} or {@code col} is out of range
     */
    public float feature(int row, int col) {
        return (float) featureF64(row, col);
    }

    /**
     * Reads one feature in double precision: exact for double storage, the float or byte value widened otherwise.
     *
     * @param row the sample, in {@code [0, size)}
     * @param col the feature, in {@code [0, featureCount)}
     * @return the feature
     * @throws IndexOutOfBoundsException if {@code row} or {@code col} is out of range
     */
    public double featureF64(int row, int col) {
        Objects.checkIndex(row, size);
        Objects.checkIndex(col, featureCount);
        int i = row * featureCount + col;
        return u8 != null ? U8_TO_FLOAT[u8[i] & 0xFF] : f64 != null ? f64[i] : f32[i];
    }

    /**
     * Reads one label (classification only).
     *
     * @param row the sample, in {@code [0, size)}
     * @return its class label
     * @throws IllegalStateException if this is a regression set
     * @throws IndexOutOfBoundsException if {@code row} is out of range
     */
    public int label(int row) {
        requireClassification("label");
        return labels[Objects.checkIndex(row, size)];
    }

    /**
     * {@return a copy of all labels, in sample order (classification only)}
     *
     * @throws IllegalStateException if this is a regression set
     */
    public int[] labels() {
        requireClassification("labels");
        return labels.clone();
    }

    /**
     * Reads one regression target (regression only).
     *
     * @param row the sample, in {@code [0, size)}
     * @param col the target, in {@code [0, targetCount)}
     * @return the target value
     * @throws IllegalStateException if this is a classification set
     * @throws IndexOutOfBoundsException if {@code row} or {@code col} is out of range
     */
    public float target(int row, int col) {
        return (float) targetF64(row, col);
    }

    /**
     * Reads one regression target in double precision (exact for double storage).
     *
     * @param row the sample, in {@code [0, size)}
     * @param col the target, in {@code [0, targetCount)}
     * @return the target value
     * @throws IllegalStateException if this is a classification set
     * @throws IndexOutOfBoundsException if {@code row} or {@code col} is out of range
     */
    public double targetF64(int row, int col) {
        requireRegression("target");
        Objects.checkIndex(row, size);
        int i = row * targetCount + Objects.checkIndex(col, targetCount);
        return targets64 != null ? targets64[i] : targets[i];
    }

    /**
     * {@return the number of samples of each class, indexed by label (classification only)}
     *
     * @throws IllegalStateException if this is a regression set
     */
    public int[] classCounts() {
        requireClassification("classCounts");
        int[] counts = new int[classCount];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /**
     * Copies the features of one sample into {@code dst[off .. off + featureCount)} (bytes converted to [0, 1]).
     *
     * @param row the sample, in {@code [0, size)}
     * @param dst the destination array
     * @param off where in {@code dst} the sample's first feature goes
     * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code dst} is too short
     */
    public void copyFeatures(int row, float[] dst, int off) {
        int from = Objects.checkIndex(row, size) * featureCount;
        if (u8 != null) {
            Tensors.unitFloats(u8, from, dst, off, featureCount);
        } else if (f64 != null) {
            Objects.checkFromIndexSize(off, featureCount, dst.length);
            for (int j = 0; j < featureCount; j++) {
                dst[off + j] = (float) f64[from + j];
            }
        } else {
            System.arraycopy(f32, from, dst, off, featureCount);
        }
    }

    /**
     * Copies the features of one sample into {@code dst[off .. off + featureCount)}, widened to double (bytes
     * converted to [0, 1]).
     *
     * @param row the sample, in {@code [0, size)}
     * @param dst the destination array
     * @param off where in {@code dst} the sample's first feature goes
     * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code dst} is too short
     */
    public void copyFeatures(int row, double[] dst, int off) {
        int from = Objects.checkIndex(row, size) * featureCount;
        if (f64 != null) {
            System.arraycopy(f64, from, dst, off, featureCount);
            return;
        }
        for (int j = 0; j < featureCount; j++) {
            dst[off + j] = u8 != null ? U8_TO_FLOAT[u8[from + j] & 0xFF] : f32[from + j];
        }
    }

    /**
     * Copies the targets of one sample into {@code dst[off .. off + targetCount)} (regression only).
     *
     * @param row the sample, in {@code [0, size)}
     * @param dst the destination array
     * @param off where in {@code dst} the sample's first target goes
     * @throws IllegalStateException if this is a classification set
     * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code dst} is too short
     */
    public void copyTargets(int row, float[] dst, int off) {
        requireRegression("copyTargets");
        int from = Objects.checkIndex(row, size) * targetCount;
        if (targets64 != null) {
            Objects.checkFromIndexSize(off, targetCount, dst.length);
            for (int j = 0; j < targetCount; j++) {
                dst[off + j] = (float) targets64[from + j];
            }
        } else {
            System.arraycopy(targets, from, dst, off, targetCount);
        }
    }

    /**
     * Copies the targets of one sample into {@code dst[off .. off + targetCount)} in double precision (exact for
     * double storage; regression only).
     *
     * @param row the sample, in {@code [0, size)}
     * @param dst the destination array
     * @param off where in {@code dst} the sample's first target goes
     * @throws IllegalStateException if this is a classification set
     * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code dst} is too short
     */
    public void copyTargets(int row, double[] dst, int off) {
        requireRegression("copyTargets");
        int from = Objects.checkIndex(row, size) * targetCount;
        if (targets64 != null) {
            System.arraycopy(targets64, from, dst, off, targetCount);
        } else {
            Objects.checkFromIndexSize(off, targetCount, dst.length);
            for (int j = 0; j < targetCount; j++) {
                dst[off + j] = targets[from + j];
            }
        }
    }

    /**
     * All features as one new tensor (for evaluation; training reads mini-batches through a {@link DataLoader}).
     *
     * @param dtype the element type of the tensor
     * @return a new {@code [size, featureCount]} tensor
     */
    public Tensor features(DType dtype) {
        Tensor t = Tensor.zeros(dtype, size, featureCount);
        if (dtype == DType.F32) {
            for (int r = 0; r < size; r++) {
                copyFeatures(r, t.f32(), r * featureCount);
            }
        } else {
            for (int r = 0; r < size; r++) {
                copyFeatures(r, t.f64(), r * featureCount);
            }
        }
        return t;
    }

    /**
     * All targets as one new tensor (regression only).
     *
     * @param dtype the element type of the tensor
     * @return a new {@code [size, targetCount]} tensor
     * @throws IllegalStateException if this is a classification set
     */
    public Tensor targets(DType dtype) {
        requireRegression("targets");
        Tensor t = Tensor.zeros(dtype, size, targetCount);
        for (int r = 0; r < size; r++) {
            if (dtype == DType.F32) {
                copyTargets(r, t.f32(), r * targetCount);
            } else {
                copyTargets(r, t.f64(), r * targetCount);
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- derived sets

    /**
     * Splits off a random hold-out: {@code round(fraction * size)} samples, chosen by a permutation seeded with
     * {@code seed}, go to {@link TrainTest#test()}; the rest to {@link TrainTest#train()}. Both keep the original
     * sample order. The same seed gives the same split, and it is independent of a {@link DataLoader}'s shuffle with
     * the same seed.
     *
     * @param fraction the share of samples to hold out, in [0, 1]
     * @param seed the seed of the permutation
     * @return the remaining samples as {@code train} and the held-out ones as {@code test}, both copies
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1] or NaN
     */
    public TrainTest split(double fraction, long seed) {
        boolean[] isHeld = heldOutMask(fraction, seed);
        int held = 0;
        for (boolean h : isHeld) {
            held += h ? 1 : 0;
        }
        int[] trainIdx = new int[size - held];
        int[] heldIdx = new int[held];
        for (int i = 0, t = 0, h = 0; i < size; i++) {
            if (isHeld[i]) {
                heldIdx[h++] = i;
            } else {
                trainIdx[t++] = i;
            }
        }
        return new TrainTest(select(trainIdx), select(heldIdx));
    }

    /**
     * The rows {@link #split} holds out with the same arguments, in increasing order: the indices, in this dataset,
     * of the samples of its {@code test()} part.
     *
     * @param fraction the share of samples to hold out, in [0, 1]
     * @param seed the seed of the permutation
     * @return the held-out row indices, ascending
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1] or NaN
     */
    public int[] heldOutRows(double fraction, long seed) {
        boolean[] isHeld = heldOutMask(fraction, seed);
        return java.util.stream.IntStream.range(0, size).filter(i -> isHeld[i]).toArray();
    }

    private boolean[] heldOutMask(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("hold-out fraction must be in [0, 1], got " + fraction);
        }
        int held = (int) Math.round(fraction * size);
        // A stream of its own, so a split and a loader built from the same seed do not share a permutation.
        int[] perm = DataLoader.permutation(size, DataLoader.mix(seed, 0x5917L), 0);
        boolean[] isHeld = new boolean[size];
        for (int i = 0; i < held; i++) {
            isHeld[perm[i]] = true;
        }
        return isHeld;
    }

    /**
     * The first {@code n} samples, copied.
     *
     * @param n how many samples to keep; all of them when {@code n >= size}
     * @return a new dataset of {@code min(n, size)} samples
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public Dataset subset(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("subset size must be >= 0, got " + n);
        }
        int m = Math.min(n, size);
        int[] idx = new int[m];
        Arrays.setAll(idx, i -> i);
        return select(idx);
    }

    /**
     * The samples at the given positions, in that order, copied (an index may repeat). Class names are kept.
     *
     * @param indices the sample positions, each in {@code [0, size)}
     * @return a new dataset of {@code indices.length} samples
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Dataset select(int[] indices) {
        int n = indices.length;
        byte[] nu8 = u8 == null ? null : new byte[n * featureCount];
        float[] nf32 = f32 == null ? null : new float[n * featureCount];
        double[] nf64 = f64 == null ? null : new double[n * featureCount];
        int[] nl = labels == null ? null : new int[n];
        float[] nt = targets == null ? null : new float[n * targetCount];
        double[] nt64 = targets64 == null ? null : new double[n * targetCount];
        for (int i = 0; i < n; i++) {
            int r = Objects.checkIndex(indices[i], size);
            if (nu8 != null) {
                System.arraycopy(u8, r * featureCount, nu8, i * featureCount, featureCount);
            } else if (nf64 != null) {
                System.arraycopy(f64, r * featureCount, nf64, i * featureCount, featureCount);
            } else {
                System.arraycopy(f32, r * featureCount, nf32, i * featureCount, featureCount);
            }
            if (nl != null) {
                nl[i] = labels[r];
            } else if (nt64 != null) {
                System.arraycopy(targets64, r * targetCount, nt64, i * targetCount, targetCount);
            } else {
                System.arraycopy(targets, r * targetCount, nt, i * targetCount, targetCount);
            }
        }
        return new Dataset(n, featureCount, nu8, nf32, nf64, nl, classCount, nt, nt64, targetCount, classNames,
                featureNames);
    }

    /** This dataset with its features replaced by {@code features} ([size, featureCount] row-major floats). */
    Dataset withFeatures(float[] features) {
        checkFeatures(features.length, featureCount, size);
        return new Dataset(size, featureCount, null, features, null, labels, classCount, targets, targets64,
                targetCount, classNames, featureNames);
    }

    /** This dataset with its features replaced by {@code features} ([size, featureCount] row-major doubles). */
    Dataset withFeatures(double[] features) {
        checkFeatures(features.length, featureCount, size);
        return new Dataset(size, featureCount, null, null, features, labels, classCount, targets, targets64,
                targetCount, classNames, featureNames);
    }

    private void requireClassification(String what) {
        if (labels == null) {
            throw new IllegalStateException(what + "(): this is a regression dataset (" + targetCount
                    + " float targets per sample), not a classification one");
        }
    }

    private void requireRegression(String what) {
        if (targets == null && targets64 == null) {
            throw new IllegalStateException(what + "(): this is a classification dataset (" + classCount
                    + " classes), not a regression one");
        }
    }

    /** {@return a one-line summary: sizes, classes or targets, and "u8" for byte features} */
    @Override
    public String toString() {
        return "Dataset(" + size + " samples x " + featureCount + " features, "
                + (labels != null ? classCount + " classes" : targetCount + " targets")
                + (u8 != null ? ", u8" : f64 != null ? ", f64" : "") + ")";
    }
}
