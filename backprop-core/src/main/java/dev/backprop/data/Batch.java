package dev.backprop.data;

import dev.backprop.tensor.Tensor;

/**
 * One mini-batch from a {@link DataLoader}: the features of {@code size()} samples and their labels or targets.
 *
 * <p>The arrays and tensors belong to the loader and are overwritten by its next batch: copy what must outlive the
 * training step.
 *
 * @param features [B, featureCount] features in the loader's dtype
 * @param labels   the B class labels (classification), or null
 * @param targets  [B, targetCount] targets in the loader's dtype (regression), or null
 * @param indices  the B sample indices in the dataset, in batch order
 */
public record Batch(Tensor features, int[] labels, Tensor targets, int[] indices) {
    /** {@return the number of samples B in this batch} */
    public int size() {
        return indices.length;
    }
}
