/**
 * The numerical kernels that work on {@link dev.backprop.tensor.Tensor} storage directly:
 * {@link dev.backprop.kernel.Gemm} (matrix multiplication, {@code C = op(A)·op(B)} or {@code C += op(A)·op(B)},
 * with {@link dev.backprop.kernel.GemmReference} as its slow twin for tests),
 * {@link dev.backprop.kernel.Elementwise} (broadcasting arithmetic, maps, relu),
 * {@link dev.backprop.kernel.Reductions} (sums, means, maxima, softmax and the backward of broadcasting),
 * {@link dev.backprop.kernel.Tensors} (in-place accumulation, finiteness checks) and
 * {@link dev.backprop.kernel.Erf} (error function and normal distribution, for GELU).
 *
 * <p>F32 hot paths use the incubating Vector API ({@code jdk.incubator.vector}, so code using this package runs
 * with {@code --add-modules jdk.incubator.vector}) and split large work over the fixed thread pool of
 * {@link dev.backprop.kernel.Parallel}. Every kernel gives bit-for-bit the same result for every thread count.
 */
package dev.backprop.kernel;
