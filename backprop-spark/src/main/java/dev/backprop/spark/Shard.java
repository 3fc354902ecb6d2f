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

    /** The first {@code n} samples (all when fewer), as a new shard of the same partition. */
    Shard head(int n) {
        int k = Math.min(n, rows);
        return new Shard(partition, k, features, java.util.Arrays.copyOf(x, k * features), java.util.Arrays.copyOf(y, k));
    }

    /** The samples of {@code parts} one after the other, as one shard (partition -1). */
    static Shard concat(java.util.List<Shard> parts, int features) {
        int n = parts.stream().mapToInt(p -> p.rows).sum();
        float[] x = new float[n * features];
        int[] y = new int[n];
        int at = 0;
        for (Shard p : parts) {
            System.arraycopy(p.x, 0, x, at * features, p.rows * features);
            System.arraycopy(p.y, 0, y, at, p.rows);
            at += p.rows;
        }
        return new Shard(-1, n, features, x, y);
    }
}
