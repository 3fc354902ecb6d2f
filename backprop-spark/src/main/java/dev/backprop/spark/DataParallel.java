package dev.backprop.spark;

import dev.backprop.autograd.Variable;
import dev.backprop.data.DataLoader;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training of one network over the partitions of an RDD (the algorithm of docs/spark.md).
 *
 * <p>Per round r the driver broadcasts the parameters w; every partition k runs up to H = syncEvery local steps on
 * its own shard, at step h computing the mean-loss gradient g_kh of its mini-batch of b_kh samples and, when H &gt; 1,
 * taking a plain SGD step w ← w − η·g_kh on its local copy; the tasks return Σ_h b_kh·g_kh, summed over the partitions
 * by {@code treeAggregate}. The driver forms the pseudo-gradient ĝ = H_r · Σ_kh b_kh·g_kh / Σ_kh b_kh (H_r: the
 * round's steps) and applies the configured optimizer to it. With H = 1 that is exactly one step of the optimizer on
 * the gradient of the global mini-batch (the concatenation of the partitions' local batches); with plain SGD as the
 * optimizer and equal batches it equals averaging the partitions' parameters after H local steps.
 *
 * <p>Sample order: partition k's shard (its rows in partition order) is visited in the order of
 * {@link #shardPermutation}(n_k, seed, k, epoch); local step t of an epoch takes positions [t·B, (t+1)·B) of that
 * order. An epoch has ⌈max_k n_k / B⌉ steps; a partition that has run out of samples contributes nothing to a step.
 */
final class DataParallel {
    private DataParallel() {
    }

    /**
     * A test hook (local mode only, where tasks run in the driver's JVM): when set, the first attempt of the task of
     * each (partition, round) it accepts throws, so that Spark retries it.
     */
    interface FaultInjection {
        /** Whether the first attempt of this partition's task in this round should fail. */
        boolean failFirstAttempt(int partition, int round);
    }

    /** The installed fault injection, or null (always null outside the tests). */
    static volatile FaultInjection faults;

    /** One epoch's figures, from the local forward passes of the round (at the weights each step saw). */
    record EpochStats(int epoch, double trainLoss, double trainAccuracy, int rounds, long samples, double seconds) {
    }

    /** The parameters and buffers broadcast each round, in state-dict order, as floats (F32) or doubles (F64). */
    static final class Weights implements Serializable {
        private static final long serialVersionUID = 1L;
        final float[] f32;
        final double[] f64;

        Weights(float[] f32, double[] f64) {
            this.f32 = f32;
            this.f64 = f64;
        }

        static Weights of(Sequential net, DType dtype) {
            int n = 0;
            for (Tensor t : net.stateDict().values()) {
                n += t.size();
            }
            float[] f = dtype == DType.F32 ? new float[n] : null;
            double[] d = dtype == DType.F64 ? new double[n] : null;
            int off = 0;
            for (Tensor t : net.stateDict().values()) {
                int size = t.size();
                if (f != null) {
                    System.arraycopy(t.f32(), t.offset(), f, off, size);
                } else {
                    for (int i = 0; i < size; i++) {
                        d[off + i] = t.getFlat(i);
                    }
                }
                off += size;
            }
            return new Weights(f, d);
        }

        void loadInto(Sequential net) {
            int off = 0;
            for (Tensor t : net.stateDict().values()) {
                int size = t.size();
                for (int i = 0; i < size; i++) {
                    t.setFlat(i, f32 != null ? f32[off + i] : f64[off + i]);
                }
                off += size;
            }
        }
    }

    /** The shuffle seed mix: a splitmix64 finalizer over the run seed and the partition. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The order in which partition {@code partition}'s shard of {@code n} samples is visited in {@code epoch}: the
     * core's seeded permutation ({@link DataLoader#permutation}) with the seed mixed from the run seed and the
     * partition index.
     */
    static int[] shardPermutation(int n, long seed, int partition, int epoch) {
        return DataLoader.permutation(n, mix(seed, partition), epoch);
    }

    /**
     * Converts each partition of (features vector, label) rows into one cached {@link Shard}.
     *
     * @param rows rows whose column 0 is an ml Vector and column 1 a double class index
     * @param features the expected vector width
     * @param classes the number of classes; labels must be integers in [0, classes)
     */
    static JavaRDD<Shard> shards(JavaRDD<Row> rows, int features, int classes) {
        JavaRDD<Shard> shards = rows.mapPartitionsWithIndex((Integer index, Iterator<Row> it) -> {
            float[] x = new float[Math.max(16, features) * 64];
            int[] y = new int[64];
            int n = 0;
            while (it.hasNext()) {
                Row row = it.next();
                if (row.isNullAt(0) || row.isNullAt(1)) {
                    throw new IllegalArgumentException("a training row has a null features vector or label");
                }
                Vector v = row.getAs(0);
                double label = ((Number) row.get(1)).doubleValue();
                if (v.size() != features) {
                    throw new IllegalArgumentException("a features vector has " + v.size()
                            + " values, but the first layer takes " + features + " (setLayers)");
                }
                if (label != Math.rint(label) || label < 0 || label >= classes) {
                    throw new IllegalArgumentException("label " + label + " is not a class index in [0, " + classes
                            + ") (the last layer's width); index string labels with StringIndexer");
                }
                if (n == y.length) {
                    y = java.util.Arrays.copyOf(y, n * 2);
                    x = java.util.Arrays.copyOf(x, n * 2 * features);
                }
                int base = n * features;
                double[] values = v.toArray();
                for (int j = 0; j < features; j++) {
                    x[base + j] = (float) values[j];
                }
                y[n++] = (int) label;
            }
            List<Shard> one = List.of(new Shard(index, n, features, java.util.Arrays.copyOf(x, n * features),
                    java.util.Arrays.copyOf(y, n)));
            return one.iterator();
        }, true);
        return shards.persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Trains {@code master} in place for {@code epochs} epochs and returns each epoch's figures.
     *
     * @param jsc the Spark context (for the broadcasts)
     * @param shards the cached shards, one per partition
     * @param cfg network and local-step settings
     * @param master the driver's network, holding the initial weights
     * @param spec the optimizer of the averaged update
     * @param reg its regularizer (applied once per round, to the weights)
     * @param epochs the number of epochs
     * @param onEpoch called after each epoch (may be null)
     */
    static List<EpochStats> fit(JavaSparkContext jsc, JavaRDD<Shard> shards, NetConfig cfg, Sequential master,
                                OptimizerSpec spec, Regularizer reg, int epochs,
                                java.util.function.Consumer<EpochStats> onEpoch) {
        int maxRows = shards.map(s -> s.rows).fold(0, Math::max);
        if (maxRows == 0) {
            throw new IllegalArgumentException("the training DataFrame has no rows");
        }
        int stepsPerEpoch = (maxRows + cfg.batchSize() - 1) / cfg.batchSize();
        List<Parameter> params = master.parameters();
        Optimizer opt = spec.build(params, reg);
        master.train(true);
        List<EpochStats> out = new ArrayList<>();
        int round = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            long correct = 0;
            int rounds = 0;
            for (int first = 0; first < stepsPerEpoch; first += cfg.syncEvery()) {
                int steps = Math.min(cfg.syncEvery(), stepsPerEpoch - first);
                Broadcast<Weights> bw = jsc.broadcast(Weights.of(master, cfg.dtype()));
                final int e = epoch;
                final int f = first;
                final int r = round;
                Contribution c = shards.treeAggregate(new Contribution(),
                        (Contribution acc, Shard s) -> localSteps(s, bw.value(), cfg, e, f, steps, r, acc),
                        Contribution::merge, 2);
                bw.destroy();
                round++;
                rounds++;
                if (c.samples == 0) {
                    continue;
                }
                if (!Double.isFinite(c.lossSum)) {
                    throw new IllegalStateException("training diverged in epoch " + epoch + ", round " + round
                            + ": the loss is " + c.lossSum / c.samples + " — lower the learning rate");
                }
                apply(master, params, opt, c, steps, cfg.dtype());
                lossSum += c.lossSum;
                samples += c.samples;
                correct += c.correct;
            }
            EpochStats st = new EpochStats(epoch, lossSum / samples, correct / (double) samples, rounds, samples,
                    (System.nanoTime() - t0) / 1e9);
            out.add(st);
            if (onEpoch != null) {
                onEpoch.accept(st);
            }
        }
        master.eval();
        return out;
    }

    /** The driver's step: pseudo-gradient into the parameters' gradients, one optimizer step, averaged buffers. */
    private static void apply(Sequential master, List<Parameter> params, Optimizer opt, Contribution c, int steps,
                              DType dtype) {
        int off = 0;
        for (Parameter p : params) {
            Tensor g = Tensor.zeros(dtype, p.value().shape());
            int n = g.size();
            for (int i = 0; i < n; i++) {
                g.setFlat(i, c.gradSum[off + i] * steps / c.samples);
            }
            p.variable().setGrad(g);
            off += n;
        }
        opt.step();
        opt.zeroGrad();
        off = 0;
        for (Tensor b : master.buffers().values()) {
            int n = b.size();
            for (int i = 0; i < n; i++) {
                b.setFlat(i, c.bufferSum[off + i] / c.partitions);
            }
            off += n;
        }
    }

    /**
     * One task's work: steps {@code first .. first+steps-1} of {@code epoch} on shard {@code s}, from the broadcast
     * weights, added into {@code acc}. Deterministic: the same inputs give the same contribution, so a retried task
     * gives what the first attempt would have.
     */
    static Contribution localSteps(Shard s, Weights w, NetConfig cfg, int epoch, int first, int steps, int round,
                                   Contribution acc) {
        FaultInjection fi = faults;
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (fi != null && task != null && task.attemptNumber() == 0 && fi.failFirstAttempt(s.partition, round)) {
            throw new IllegalStateException("injected failure of partition " + s.partition + ", round " + round);
        }
        int b = cfg.batchSize();
        if ((long) first * b >= s.rows) {
            return acc;
        }
        Sequential net = cfg.build(mix(mix(cfg.seed(), s.partition), round));
        w.loadInto(net);
        net.train(true);
        List<Parameter> params = net.parameters();
        int total = 0;
        for (Parameter p : params) {
            total += p.value().size();
        }
        Map<String, Tensor> buffers = net.buffers();
        int bufTotal = 0;
        for (Tensor t : buffers.values()) {
            bufTotal += t.size();
        }
        if (acc.gradSum == null) {
            acc.gradSum = new double[total];
            acc.bufferSum = new double[bufTotal];
        }
        Optimizer local = cfg.syncEvery() > 1
                ? OptimizerSpec.Sgd.lr(cfg.localLr()).build(params, Regularizer.none()) : null;
        Loss loss = Loss.crossEntropy();
        int[] perm = shardPermutation(s.rows, cfg.seed(), s.partition, epoch);
        int f = s.features;
        for (int h = 0; h < steps; h++) {
            int from = (first + h) * b;
            if (from >= s.rows) {
                break;
            }
            int n = Math.min(b, s.rows - from);
            int[] labels = new int[n];
            Tensor x = Tensor.zeros(cfg.dtype(), n, f);
            if (cfg.dtype() == DType.F32) {
                float[] dst = x.f32();
                for (int i = 0; i < n; i++) {
                    int row = perm[from + i];
                    System.arraycopy(s.x, row * f, dst, i * f, f);
                    labels[i] = s.y[row];
                }
            } else {
                double[] dst = x.f64();
                for (int i = 0; i < n; i++) {
                    int row = perm[from + i];
                    for (int j = 0; j < f; j++) {
                        dst[i * f + j] = s.x[row * f + j];
                    }
                    labels[i] = s.y[row];
                }
            }
            Variable out = net.apply(Variable.constant(x));
            Variable l = loss.compute(out, labels, null);
            double lv = l.value().item();
            l.backward();
            int off = 0;
            for (Parameter p : params) {
                Tensor g = p.grad();
                int size = p.value().size();
                if (g != null) {
                    addScaled(acc.gradSum, off, g, n);
                }
                off += size;
            }
            acc.lossSum += lv * n;
            acc.samples += n;
            acc.correct += correct(out.value(), labels);
            if (local != null) {
                local.step();
            }
            for (Parameter p : params) {
                p.variable().zeroGrad();
            }
        }
        int off = 0;
        for (Tensor t : buffers.values()) {
            int size = t.size();
            for (int i = 0; i < size; i++) {
                acc.bufferSum[off + i] += t.getFlat(i);
            }
            off += size;
        }
        acc.partitions++;
        return acc;
    }

    private static void addScaled(double[] into, int off, Tensor g, double scale) {
        Tensor c = g;
        int size = c.size();
        if (c.dtype() == DType.F32) {
            float[] a = c.f32();
            int o = c.offset();
            for (int i = 0; i < size; i++) {
                into[off + i] += scale * a[o + i];
            }
        } else {
            double[] a = c.f64();
            int o = c.offset();
            for (int i = 0; i < size; i++) {
                into[off + i] += scale * a[o + i];
            }
        }
    }

    private static long correct(Tensor out, int[] labels) {
        int k = out.dim(1);
        long hits = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            double bv = out.getFlat(i * k);
            for (int j = 1; j < k; j++) {
                double v = out.getFlat(i * k + j);
                if (v > bv) {
                    best = j;
                    bv = v;
                }
            }
            if (best == labels[i]) {
                hits++;
            }
        }
        return hits;
    }
}
