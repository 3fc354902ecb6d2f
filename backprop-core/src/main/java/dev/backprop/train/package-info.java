/**
 * Training: the {@link dev.backprop.train.Trainer} epoch loop (forward, loss, backward, clipping, optimizer step),
 * with {@link dev.backprop.train.TrainingListener} callbacks that see each {@link dev.backprop.train.StepContext},
 * per-epoch {@link dev.backprop.train.EpochMetrics}, {@link dev.backprop.train.Evaluation} on a held-out set, early
 * stopping, {@link dev.backprop.train.Checkpoint}s that resume a run exactly, and a
 * {@link dev.backprop.train.DivergenceException} naming where a NaN or infinity first appeared.
 */
package dev.backprop.train;
