package dev.backprop.train;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What one epoch produced. In a run folder it is a line of metrics.jsonl with {@code "type": "epoch"}, under the JSON
 * names of the annotations (written and read by {@code dev.backprop.diagnose.MetricsJson}).
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
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"epoch", "seconds", "train_loss", "penalty", "test_loss", "test_accuracy", "samples_per_second",
        "lr"})
public record EpochMetrics(int epoch, double trainLoss, double penalty, double testLoss, double testAccuracy,
                           double seconds, double samplesPerSecond, double lr) {

    /** True when an evaluation set was scored. */
    public boolean hasTest() {
        return !Double.isNaN(testLoss);
    }
}
