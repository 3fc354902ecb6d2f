package dev.backprop.spark;

import java.io.Serializable;

/**
 * One partition's training samples as compact arrays, built once from the partition's rows and cached by Spark:
 * features row-major as floats, labels as class indices. Every local step reads its mini-batch from here instead of
 * converting Rows again.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The partition this shard came from (part of the seed of its per-epoch shuffle). */
    final int partition;
    /** Number of samples. */
    final int rows;
    /** Features per sample. */
    final int features;
    /** {@code rows * features} feature values, row-major. */
    final float[] x;
    /** One class index per sample. */
    final int[] y;

    Shard(int partition, int rows, int features, float[] x, int[] y) {
        this.partition = partition;
        this.rows = rows;
        this.features = features;
        this.x = x;
        this.y = y;
    }
}
