package dev.backprop.train;

/**
 * What one epoch produced.
 *
 * @param epoch epoch number, from 1
 * @param trainLoss mean data loss L over the epoch's batches (without the penalty)
 * @param penalty the regularization term λΩ(Θ) at the end of the epoch (eq. 2.1), 0 without a regularizer
 * @param testLoss mean data loss on the evaluation set, or NaN without one
 * @param testAccuracy accuracy on the evaluation set, or NaN without one (or for regression)
 * @param seconds wall time of the epoch's training steps (evaluation excluded)
 * @param samplesPerSecond training samples per second
 * @param lr learning rate at the end of the epoch
 */
public record EpochMetrics(int epoch, double trainLoss, double penalty, double testLoss, double testAccuracy,
                           double seconds, double samplesPerSecond, double lr) {

    /** True when an evaluation set was scored. */
    public boolean hasTest() {
        return !Double.isNaN(testLoss);
    }
}
