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

    /** Before the first step (or the first step after a resume). */
    default void onStart(Trainer trainer) {
    }

    /** After backward, before clipping and the optimizer step. */
    default void afterBackward(StepContext step) {
    }

    /** After the optimizer step. */
    default void afterStep(StepContext step) {
    }

    /** After an epoch and its evaluation. */
    default void onEpochEnd(EpochMetrics metrics) {
    }

    /** After the last epoch (also after early stopping). */
    default void onEnd(TrainingResult result) {
    }

    /**
     * Training diverged: called with the exception just before the trainer throws it (so diagnostics can record it
     * as a finding).
     */
    default void onDivergence(DivergenceException error) {
    }

    /** True when the trainer should trace activations for this step (costs memory; listeners ask sparingly). */
    default boolean wantsActivations(long step) {
        return false;
    }
}
