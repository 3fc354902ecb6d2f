/**
 * Data for training: {@link dev.backprop.data.Dataset} (features with class labels or regression targets, kept
 * compact), {@link dev.backprop.data.DataLoader} (mini-batches with a seeded per-epoch shuffle and reused buffers),
 * readers for IDX ({@link dev.backprop.data.IdxReader}, {@link dev.backprop.data.FashionMnist}) and CSV
 * ({@link dev.backprop.data.CsvReader}) files, seeded {@link dev.backprop.data.Synthetic} problems, and
 * {@link dev.backprop.data.Normalizer}s fitted on training data.
 *
 * <p>Depends only on {@code dev.backprop.tensor}.
 */
package dev.backprop.data;
