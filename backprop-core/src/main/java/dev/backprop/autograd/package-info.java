/**
 * Reverse-mode automatic differentiation: {@link dev.backprop.autograd.Variable} (the tape),
 * {@link dev.backprop.autograd.Ops} (every differentiable operation, forward and backward side by side),
 * {@link dev.backprop.autograd.NoGrad} (scopes that record nothing) and {@link dev.backprop.autograd.GradCheck}
 * (central finite differences in F64).
 *
 * <p>The chain rule of the lecture's §1.1: the forward pass computes each operation's output and caches what its
 * backward needs; {@link dev.backprop.autograd.Variable#backward()} visits the operations in reverse topological
 * order, and each turns dL/d(output) into dL/d(inputs), summed where a value feeds several operations.
 */
package dev.backprop.autograd;
