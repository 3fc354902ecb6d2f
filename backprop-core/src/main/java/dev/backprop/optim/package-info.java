/**
 * Optimization (lecture chapter 2): {@link dev.backprop.optim.SGD}, {@link dev.backprop.optim.Adam},
 * {@link dev.backprop.optim.AdamW} and {@link dev.backprop.optim.RMSProp} on one core
 * ({@link dev.backprop.optim.BaseOptimizer}), regularizers per parameter group ({@link dev.backprop.optim.Regularizer}:
 * L2 weight decay, L1 sparsity as a proximal step, elastic net), gradient clipping ({@link dev.backprop.optim.Clip})
 * and learning-rate schedules ({@link dev.backprop.optim.Schedule}). {@link dev.backprop.optim.OptimizerSpec} describes an
 * optimizer and its hyper-parameters as a plain, JSON-serialisable value that builds the optimizer.
 */
package dev.backprop.optim;
