package dev.backprop.data;

import java.util.Objects;

/**
 * A training set and a held-out set drawn from the same source: the train/test pair of a benchmark such as
 * Fashion-MNIST or a synthetic problem, or the train/validation pair made by {@link Dataset#split}.
 *
 * @param train the samples to fit on (and to fit a {@link Normalizer} on)
 * @param test  the held-out samples, never used for fitting
 */
public record TrainTest(Dataset train, Dataset test) {
    /**
     * Checks that both sets are present and have the same number of features.
     *
     * @param train the samples to fit on
     * @param test the held-out samples
     * @throws NullPointerException if either set is null
     * @throws IllegalArgumentException if the feature counts differ
     */
    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.featureCount() != test.featureCount()) {
            throw new IllegalArgumentException("train has " + train.featureCount() + " features but test has "
                    + test.featureCount());
        }
    }
}
