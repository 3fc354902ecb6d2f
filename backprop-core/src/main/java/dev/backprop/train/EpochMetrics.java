package dev.backprop.train;

/**
 * What one epoch produced.
 *
 * @param epoch epoch number, from 1
 * @param trainLoss mean data loss L over the epoch's batches (without the penalty)
 * @param penalty the regularization term λΩ(Θ) at the end of the epoch (eq. 2.1), 0 without a regularizer
 * @param testLoss mean data loss on the evaluation set (a test set, or a validation hold-out), or NaN without one
 * @param testAccuracy accuracy on the evaluation set, or NaN without one (or for regression)
 * @param seconds wall time of the epoch's training steps (evaluation excluded)
 * @param samplesPerSecond training samples per second
 * @param lr learning rate at the end of the epoch
 * @param trainAccuracy accuracy on the epoch's training batches, as the model scored them while it trained (in
 *     training mode, dropout on, the weights changing from batch to batch: the running accuracy Keras reports), or
 *     NaN for regression and for metrics of earlier versions
 */
public record EpochMetrics(int epoch, double trainLoss, double penalty, double testLoss, double testAccuracy,
                           double seconds, double samplesPerSecond, double lr, double trainAccuracy) {

    /**
     * Metrics without a training accuracy (NaN), as earlier versions recorded them.
     *
     * @param epoch epoch number, from 1
     * @param trainLoss mean data loss over the epoch's batches
     * @param penalty the regularization term at the end of the epoch
     * @param testLoss mean data loss on the evaluation set, or NaN
     * @param testAccuracy accuracy on the evaluation set, or NaN
     * @param seconds wall time of the epoch's training steps
     * @param samplesPerSecond training samples per second
     * @param lr learning rate at the end of the epoch
     */
    public EpochMetrics(int epoch, double trainLoss, double penalty, double testLoss, double testAccuracy,
                        double seconds, double samplesPerSecond, double lr) {
        this(epoch, trainLoss, penalty, testLoss, testAccuracy, seconds, samplesPerSecond, lr, Double.NaN);
    }

    /**
     * Whether an evaluation set was scored.
     *
     * @return true when {@link #testLoss()} is a number
     */
    public boolean hasTest() {
        return !Double.isNaN(testLoss);
    }
}
