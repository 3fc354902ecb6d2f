/**
 * Dense tensors: {@link dev.backprop.tensor.Tensor} (an n-dimensional array with contiguous row-major storage that
 * views such as {@link dev.backprop.tensor.Tensor#reshape} and {@link dev.backprop.tensor.Tensor#rowSlice} share),
 * its {@link dev.backprop.tensor.Shape} and its element type {@link dev.backprop.tensor.DType} (F32 or F64).
 *
 * <p>This package holds data only; the arithmetic is in {@code dev.backprop.kernel} and gradients are in
 * {@code dev.backprop.autograd}. It depends on nothing else in the library.
 */
package dev.backprop.tensor;
