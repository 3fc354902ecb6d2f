package dev.backprop.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit()}.
 *
 * @param epochs metrics of every epoch run, including those before a resume
 * @param stoppedEarly true when early stopping ended training before the last epoch
 * @param bestEpoch the epoch with the lowest evaluation loss (or training loss without an evaluation set)
 */
public record TrainingResult(List<EpochMetrics> epochs, boolean stoppedEarly, int bestEpoch) {

    /**
     * Metrics of the last epoch run.
     *
     * @return the last element of {@link #epochs()}
     * @throws IndexOutOfBoundsException if no epoch ran
     */
    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }
}
