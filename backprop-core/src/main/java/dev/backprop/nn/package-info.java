/**
 * Layers and networks: {@link dev.backprop.nn.Module}, {@link dev.backprop.nn.Parameter} (with a
 * {@link dev.backprop.nn.Role}), {@link dev.backprop.nn.Linear}, the activations, {@link dev.backprop.nn.PReLU},
 * {@link dev.backprop.nn.Dropout}, {@link dev.backprop.nn.BatchNorm1d}, {@link dev.backprop.nn.Sequential} and
 * {@link dev.backprop.nn.Mlp}; {@link dev.backprop.nn.LayerSpec} is the architecture as data (what model files store).
 * Parameter and buffer names and shapes follow PyTorch's nn.Sequential state_dict, so weights move both ways.
 */
package dev.backprop.nn;
