package dev.backprop.train;

import dev.backprop.autograd.Variable;
import dev.backprop.nn.Module;

/**
 * What one leaf layer of a model computed in a traced forward pass. The output retains its gradient, so after
 * {@code backward()} {@code output().grad()} is dL/d(output) of this layer.
 *
 * @param index the layer's position among the model's leaves ({@link Module#leaves()})
 * @param path the layer's path in the model ("0", "block1.fc2"; "" when the model is itself a leaf)
 * @param layer the layer
 * @param input its input in this pass (the pre-activation, for an activation layer)
 * @param output its output in this pass
 */
public record LayerTrace(int index, String path, Module layer, Variable input, Variable output) {
}
