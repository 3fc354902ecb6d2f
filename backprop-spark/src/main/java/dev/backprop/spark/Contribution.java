package dev.backprop.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What the tasks of one round send back: their gradient sums, batch-norm buffers, loss and sample counts. A task
 * fills the sums of its own partition (in the parameters' element type: floats for an F32 network, half the bytes
 * of doubles); {@link #sum} adds the partitions' contributions in partition order into doubles, so that the bits of
 * the total do not depend on the order in which the tasks finished.
 */
final class Contribution implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The lowest partition summed into this contribution (the key of the fixed summation order). */
    int partition = Integer.MAX_VALUE;
    /** A task's Σ over its local steps h of b_h · g_h (b: batch size, g: mean-loss gradient), F32 networks. */
    float[] gradF32;
    /** The same for F64 networks, and the sum over partitions after {@link #sum}; null when nothing was seen. */
    double[] gradSum;
    /** Σ over contributing partitions of their buffer values after the round, or null. */
    double[] bufferSum;
    /** Σ b_h · loss_h. */
    double lossSum;
    /** Σ b_h: the samples seen this round. */
    long samples;
    /** Samples whose arg-max output was their label. */
    long correct;
    /** Partitions that ran at least one step. */
    int partitions;

    /**
     * The sum of {@code parts} taken in the order of their {@link #partition} (the list is sorted first), in
     * doubles.
     */
    static Contribution sum(List<Contribution> parts) {
        List<Contribution> ordered = parts.stream()
                .sorted(java.util.Comparator.comparingInt((Contribution c) -> c.partition)).toList();
        Contribution total = new Contribution();
        for (Contribution c : ordered) {
            total.add(c);
        }
        return total;
    }

    private void add(Contribution other) {
        partition = Math.min(partition, other.partition);
        if (other.gradF32 != null || other.gradSum != null) {
            int n = other.gradF32 != null ? other.gradF32.length : other.gradSum.length;
            if (gradSum == null) {
                gradSum = new double[n];
                bufferSum = new double[other.bufferSum.length];
            }
            if (other.gradF32 != null) {
                float[] g = other.gradF32;
                for (int i = 0; i < n; i++) {
                    gradSum[i] += g[i];
                }
            } else {
                double[] g = other.gradSum;
                for (int i = 0; i < n; i++) {
                    gradSum[i] += g[i];
                }
            }
            for (int i = 0; i < bufferSum.length; i++) {
                bufferSum[i] += other.bufferSum[i];
            }
        }
        lossSum += other.lossSum;
        samples += other.samples;
        correct += other.correct;
        partitions += other.partitions;
    }
}
