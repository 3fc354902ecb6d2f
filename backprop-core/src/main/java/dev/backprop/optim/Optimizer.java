package dev.backprop.optim;

import dev.backprop.tensor.Tensor;
import java.util.Map;

/**
 * Updates parameters from their gradients. Life cycle of one training step: forward, {@code loss.backward()},
 * optional gradient clipping ({@link Clip}), {@link #step()}, {@link #zeroGrad()}.
 *
 * <p>{@link #state()} and {@link #loadState} save and restore everything the update depends on besides the
 * parameters themselves (momentum buffers, moment estimates, step counts, learning rates), so that a run resumed
 * from a checkpoint continues exactly as if it had not stopped.
 */
public interface Optimizer {
    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Clears every parameter's gradient. */
    void zeroGrad();

    /**
     * The current base learning rate η.
     *
     * @return the rate of the first parameter group
     */
    double lr();

    /**
     * Sets the base learning rate; every group's rate keeps its ratio to the base (schedules call this).
     *
     * @param lr the new base rate η, finite and &ge; 0
     * @throws IllegalArgumentException for a negative, infinite or NaN rate
     */
    void setLr(double lr);

    /**
     * The optimizer's state as named tensors.
     *
     * @return copies of the state tensors by name, for a checkpoint
     */
    Map<String, Tensor> state();

    /**
     * Restores a state saved by {@link #state()} from an optimizer of the same kind over parameters of the same
     * names and shapes.
     *
     * @param state the tensors returned by {@link #state()}
     * @throws IllegalArgumentException naming the unknown or mismatched entries
     */
    void loadState(Map<String, Tensor> state);
}
