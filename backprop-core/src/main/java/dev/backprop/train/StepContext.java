package dev.backprop.train;

import dev.backprop.nn.Parameter;
import dev.backprop.nn.Module;
import java.util.List;

/**
 * What a {@link TrainingListener} sees during one training step.
 *
 * <p>In {@link TrainingListener#afterBackward} the gradients of every parameter are set and, when tracing is on,
 * {@link #activations()} holds each leaf layer's input and output, the output with its gradient dL/d(activation); in
 * {@link TrainingListener#afterStep} the parameters hold their updated values.
 *
 * @param step global step number, from 1
 * @param epoch epoch number, from 1
 * @param batchInEpoch batch index within the epoch, from 0
 * @param loss the data loss of this batch
 * @param model the model being trained (any module tree)
 * @param parameters its parameters
 * @param activations what each leaf layer computed in this forward pass, in execution order (empty unless a
 *     listener asked for it through {@link TrainingListener#wantsActivations})
 * @param lr the learning rate used for this step
 */
public record StepContext(long step, int epoch, int batchInEpoch, double loss, Module model,
                          List<Parameter> parameters, List<LayerTrace> activations, double lr) {
}
