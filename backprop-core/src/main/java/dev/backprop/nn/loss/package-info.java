/** Data losses computed from logits: softmax cross-entropy, mean squared error, binary cross-entropy. */
package dev.backprop.nn.loss;
