package dev.backprop.train;

/**
 * Callbacks from the {@link Trainer}. Life cycle: {@link #onStart}, then per step {@link #afterBackward} (gradients
 * ready) and {@link #afterStep} (parameters updated), {@link #onEpochEnd} after each epoch's evaluation, and
 * {@link #onEnd}. All methods default to doing nothing. For one callback, a lambda:
 * {@code TrainingListener.onEpoch(m -> System.out.println(m.epoch() + " " + m.trainLoss()))}.
 */
public interface TrainingListener {
    /**
     * A listener called after every epoch.
     *
     * @param action what to do with the epoch's metrics
     * @return the listener
     */
    static TrainingListener onEpoch(java.util.function.Consumer<EpochMetrics> action) {
        java.util.Objects.requireNonNull(action, "action");
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics metrics) {
                action.accept(metrics);
            }
        };
    }

    /**
     * A listener called after every optimizer step.
     *
     * @param action what to do with the step (loss, learning rate, parameters)
     * @return the listener
     */
    static TrainingListener onStep(java.util.function.Consumer<StepContext> action) {
        java.util.Objects.requireNonNull(action, "action");
        return new TrainingListener() {
            @Override
            public void afterStep(StepContext step) {
                action.accept(step);
            }
        };
    }

    /**
     * Before the first step (or the first step after a resume).
     *
     * @param trainer the trainer about to run
     */
    default void onStart(Trainer trainer) {
    }

    /**
     * After backward, before the gradients are checked for NaN, clipped and applied by the optimizer step.
     *
     * @param step the step: gradients set, activations traced if asked for
     */
    default void afterBackward(StepContext step) {
    }

    /**
     * After the optimizer step, before the gradients are cleared.
     *
     * @param step the step: parameters updated
     */
    default void afterStep(StepContext step) {
    }

    /**
     * After an epoch, its evaluation and its checkpoint.
     *
     * @param metrics what the epoch produced
     */
    default void onEpochEnd(EpochMetrics metrics) {
    }

    /**
     * After the last epoch (also after early stopping; not after divergence, see {@link #onDivergence}).
     *
     * @param result the outcome of the run
     */
    default void onEnd(TrainingResult result) {
    }

    /**
     * Training diverged: called with the exception just before the trainer throws it (so diagnostics can record it
     * as a finding).
     *
     * @param error the exception about to be thrown
     */
    default void onDivergence(DivergenceException error) {
    }

    /**
     * Whether the trainer should trace activations for a step (costs memory; listeners ask sparingly). The trace is
     * taken when any listener asks.
     *
     * @param step the global step, from 1
     * @return true to have {@link StepContext#activations()} filled for that step
     */
    default boolean wantsActivations(long step) {
        return false;
    }
}
