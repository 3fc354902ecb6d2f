package dev.backprop.spark;

import java.io.Serializable;

/**
 * What the partitions of one averaging round send back, summed by {@code treeAggregate}: per parameter element the
 * sample-weighted sum of the local mini-batch gradients, the sum of the partitions' buffers (batch-norm running
 * statistics) after their local steps, and the loss and accuracy counts. The arrays are allocated by the first
 * shard a task adds (inside the task), never in the zero value that Spark ships with every task.
 */
final class Contribution implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Σ over partitions k and local steps h of b_kh · g_kh (b: batch size, g: mean-loss gradient), or null. */
    double[] gradSum;
    /** Σ over contributing partitions of their buffer values after the round, or null. */
    double[] bufferSum;
    /** Σ b_kh · loss_kh. */
    double lossSum;
    /** Σ b_kh: the samples seen this round. */
    long samples;
    /** Samples whose arg-max output was their label. */
    long correct;
    /** Partitions that ran at least one step. */
    int partitions;

    /** Adds {@code other} into this one (either may be empty) and returns this. */
    Contribution merge(Contribution other) {
        if (other.gradSum != null) {
            if (gradSum == null) {
                gradSum = other.gradSum.clone();
                bufferSum = other.bufferSum.clone();
            } else {
                add(gradSum, other.gradSum);
                add(bufferSum, other.bufferSum);
            }
        }
        lossSum += other.lossSum;
        samples += other.samples;
        correct += other.correct;
        partitions += other.partitions;
        return this;
    }

    private static void add(double[] into, double[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }
}
