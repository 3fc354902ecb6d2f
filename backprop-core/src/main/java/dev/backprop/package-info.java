/**
 * Backprop, a pure-Java neural-network training library. {@link dev.backprop.Model} is the entry point for using a
 * trained network: load or build, predict, save. Training is in {@link dev.backprop.train}, layers in
 * {@link dev.backprop.nn}, optimizers and regularizers in {@link dev.backprop.optim}, automatic differentiation in
 * {@link dev.backprop.autograd}, data in {@link dev.backprop.data} and file formats in {@link dev.backprop.io}.
 */
package dev.backprop;
