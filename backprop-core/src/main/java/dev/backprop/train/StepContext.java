package dev.backprop.train;

import dev.backprop.autograd.Variable;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Sequential;
import java.util.List;

/**
 * What a {@link TrainingListener} sees during one training step.
 *
 * <p>In {@link TrainingListener#afterBackward} the gradients of every parameter are set and, when tracing is on,
 * {@link #activations()} holds each layer's output with its gradient dL/d(activation); in
 * {@link TrainingListener#afterStep} the parameters hold their updated values.
 *
 * @param step global step number, from 1
 * @param epoch epoch number, from 1
 * @param batchInEpoch batch index within the epoch, from 0
 * @param loss the data loss of this batch
 * @param model the model being trained
 * @param parameters its parameters
 * @param activations each layer's output in this forward pass (empty unless the trainer traces)
 * @param lr the learning rate used for this step
 */
public record StepContext(long step, int epoch, int batchInEpoch, double loss, Sequential model,
                          List<Parameter> parameters, List<Variable> activations, double lr) {
}
