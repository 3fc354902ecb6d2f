package dev.backprop.data;

import dev.backprop.kernel.Parallel;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches, epoch by epoch.
 *
 * <p>With {@link Order.Shuffled}, epoch {@code e} visits the samples in the permutation
 * {@code permutation(size, seed, e)} (a Fisher-Yates shuffle driven by a generator seeded from {@code seed} and
 * {@code e} alone), so a run resumed at epoch {@code e} sees exactly the batches it would have seen. With
 * {@link Order.Sequential} every epoch visits samples 0, 1, 2, ... An epoch has {@code ceil(size / B)} batches, or
 * {@code floor(size / B)} with drop-last (the incomplete final batch is skipped).
 *
 * <p>Batch buffers are allocated once per loader (one set for full batches, one for a short final batch) and
 * refilled: the {@link Batch} handed out is only valid until the next one is requested. Only one epoch should be
 * iterated at a time.
 */
public final class DataLoader {
    /** Feature values per batch above which batch assembly is split over threads (about 2 ranges of 64 KB). */
    static final int PARALLEL_ELEMENTS = 32_768;

    /** The order in which an epoch visits the samples: {@link Sequential} or {@link Shuffled}. */
    public sealed interface Order {
        /** Samples in dataset order, every epoch. */
        record Sequential() implements Order {
        }

        /**
         * A fresh permutation per epoch, derived from {@code seed} and the epoch number alone.
         *
         * @param seed the seed all epochs' permutations derive from
         */
        record Shuffled(long seed) implements Order {
        }
    }

    private final Dataset data;
    private final int batchSize;
    private final Order order;
    private final DType dtype;
    private final boolean dropLast;
    private final int[] perm;
    private Batch full;
    private Batch tail;

    /**
     * Creates a loader. Buffers are allocated on first use.
     *
     * @param data the samples
     * @param batchSize the number of samples per full batch, at least 1
     * @param order sequential or seeded shuffle
     * @param dtype the element type of the feature (and regression target) tensors
     * @param dropLast skip the incomplete final batch of each epoch (true) or yield it (false)
     * @throws NullPointerException if {@code data}, {@code order} or {@code dtype} is null
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    private DataLoader(Dataset data, int batchSize, Order order, DType dtype, boolean dropLast) {
        this.data = Objects.requireNonNull(data, "data");
        this.order = Objects.requireNonNull(order, "order");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.perm = new int[data.size()];
    }

    /**
     * A training loader: shuffled each epoch from {@code seed}, F32, keeping the short final batch.
     *
     * @param data the samples
     * @param batchSize the number of samples per full batch, at least 1
     * @param seed the seed of the per-epoch permutations
     * @return the loader
     */
    public static DataLoader shuffled(Dataset data, int batchSize, long seed) {
        return new DataLoader(data, batchSize, new Order.Shuffled(seed), DType.F32, false);
    }

    /**
     * A loader visiting the samples in {@code order}: F32, keeping the short final batch ({@link #withDType} and
     * {@link #withDropLast} change those).
     *
     * @param data the samples
     * @param batchSize the number of samples per full batch, at least 1
     * @param order sequential or seeded shuffle
     * @return the loader
     */
    public static DataLoader of(Dataset data, int batchSize, Order order) {
        return new DataLoader(data, batchSize, order, DType.F32, false);
    }

    /**
     * An evaluation loader: dataset order, F32, keeping the short final batch.
     *
     * @param data the samples
     * @param batchSize the number of samples per full batch, at least 1
     * @return the loader
     */
    public static DataLoader sequential(Dataset data, int batchSize) {
        return new DataLoader(data, batchSize, new Order.Sequential(), DType.F32, false);
    }

    /**
     * The same loader producing tensors of another element type (a new loader with its own buffers).
     *
     * @param newType the element type of the feature and target tensors
     * @return the new loader
     */
    public DataLoader withDType(DType newType) {
        return new DataLoader(data, batchSize, order, newType, dropLast);
    }

    /**
     * The same loader, skipping or keeping the incomplete final batch (a new loader with its own buffers).
     *
     * @param drop skip (true) or keep (false) the incomplete final batch of each epoch
     * @return the new loader
     */
    public DataLoader withDropLast(boolean drop) {
        return new DataLoader(data, batchSize, order, dtype, drop);
    }

    /** {@return the dataset this loader reads} */
    public Dataset dataset() {
        return data;
    }

    /** {@return the element type of the feature (and target) tensors this loader yields} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the number of samples per full batch} */
    public int batchSize() {
        return batchSize;
    }

    /**
     * {@return the number of batches in one epoch: {@code ceil(size / batchSize)}, or {@code floor(size / batchSize)}
     * with drop-last}
     */
    public int batchCount() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The batches of one epoch. Each iterator fixes the order when it is created; the batches it returns share the
     * loader's buffers, so each is valid only until the next {@code next()}, and only one iteration should run at a
     * time.
     *
     * @param epoch the epoch number, 0-based (it selects the permutation when shuffled)
     * @return the batches, in visiting order
     */
    public Iterable<Batch> epoch(int epoch) {
        return () -> new BatchIterator(epoch);
    }

    /**
     * The order in which one epoch visits the samples: the sample indices, batch after batch.
     *
     * @param epoch the epoch number, 0-based
     * @return a new array of the {@code size} sample indices in visiting order
     */
    public int[] order(int epoch) {
        int[] out = new int[data.size()];
        fillOrder(epoch, out);
        return out;
    }

    private void fillOrder(int epoch, int[] out) {
        switch (order) {
            case Order.Sequential s -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = i;
                }
            }
            case Order.Shuffled s -> permute(out, s.seed(), epoch);
        }
    }

    private final class BatchIterator implements Iterator<Batch> {
        private final int count = batchCount();
        private int next;

        BatchIterator(int epoch) {
            fillOrder(epoch, perm);
        }

        @Override
        public boolean hasNext() {
            return next < count;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch has " + count + " batches");
            }
            int from = next++ * batchSize;
            int b = Math.min(batchSize, data.size() - from);
            Batch batch = buffers(b);
            System.arraycopy(perm, from, batch.indices(), 0, b);
            fill(batch);
            return batch;
        }
    }

    private Batch buffers(int b) {
        if (b == batchSize) {
            if (full == null) {
                full = allocate(b);
            }
            return full;
        }
        if (tail == null || tail.size() != b) {
            tail = allocate(b);
        }
        return tail;
    }

    private Batch allocate(int b) {
        Tensor x = Tensor.zeros(dtype, b, data.featureCount());
        int[] labels = data.isClassification() ? new int[b] : null;
        Tensor y = data.isClassification() ? null : Tensor.zeros(dtype, b, data.targetCount());
        return new Batch(x, labels, y, new int[b]);
    }

    /**
     * Copies the batch's samples into its buffers; above {@link #PARALLEL_ELEMENTS} feature values the rows are
     * split over {@link Parallel}'s threads (each row is copied by one thread, so the batch is the same for any
     * thread count).
     */
    private void fill(Batch batch) {
        int rows = batch.indices().length;
        int grain = Math.max(1, PARALLEL_ELEMENTS / Math.max(1, data.featureCount()));
        if (Parallel.parts(rows, grain) <= 1) {
            fillRows(batch, 0, rows);
        } else {
            Parallel.forRanges(rows, grain, (from, to) -> fillRows(batch, from, to));
        }
    }

    private void fillRows(Batch batch, int from, int to) {
        int f = data.featureCount();
        int[] idx = batch.indices();
        for (int i = from; i < to; i++) {
            if (dtype == DType.F32) {
                data.copyFeatures(idx[i], batch.features().f32(), i * f);
            } else {
                data.copyFeatures(idx[i], batch.features().f64(), i * f);
            }
            if (batch.labels() != null) {
                batch.labels()[i] = data.label(idx[i]);
            } else {
                for (int j = 0; j < data.targetCount(); j++) {
                    batch.targets().setFlat(i * data.targetCount() + j, data.targetF64(idx[i], j));
                }
            }
        }
    }

    // ---------------------------------------------------------------- seeded permutations

    /**
     * The seeded permutation of {@code 0 .. n-1} for {@code (seed, epoch)}: a Fisher-Yates shuffle driven by a
     * {@link SplittableRandom} seeded with a splitmix64 mix of the two. The same pair always gives the same order.
     *
     * @param n the number of elements
     * @param seed the base seed
     * @param epoch the epoch (stream) number
     * @return a new array holding the permutation
     */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        permute(p, seed, epoch);
        return p;
    }

    private static void permute(int[] p, long seed, int epoch) {
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch));
        for (int i = p.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }

    /** Mixes a seed and a stream number into one well-spread seed (the splitmix64 finaliser). */
    static long mix(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
