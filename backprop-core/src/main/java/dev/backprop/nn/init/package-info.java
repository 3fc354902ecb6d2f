/**
 * Parameter initialization (lecture chapter 1, §3): seeded {@link dev.backprop.nn.init.Initializer}s that break
 * symmetry, the gains of the nonlinearities and the defaults per parameter role ({@link dev.backprop.nn.init.Init}).
 */
package dev.backprop.nn.init;
