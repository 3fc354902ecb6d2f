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
 * in partition order ({@link #sumRound}). The driver forms the pseudo-gradient ĝ = H_r · Σ_kh b_kh·g_kh / Σ_kh b_kh
 * (H_r: the round's steps), clips it as a single machine clips its step's gradient ({@link Training}) and applies
 * the configured optimizer to it, at the rate a schedule gives for the round. With H = 1 that is exactly one step of the optimizer on
 * the gradient of the global mini-batch (the concatenation of the partitions' local batches); with plain SGD as the
 * optimizer and equal batches it equals averaging the partitions' parameters after H local steps.
 *
 * <p>Sample order: partition k's shard (its rows in partition order) is visited in the order of
 * {@link #shardPermutation}(n_k, seed, k, epoch) (in row order without shuffling); local step t of an epoch takes positions [t·B, (t+1)·B) of that
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

    /** Training stopped on a loss that is not finite. */
    static final class Diverged extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        /** The round (from 1) whose loss was not finite. */
        final long round;

        Diverged(long round, String message) {
            super(message);
            this.round = round;
        }
    }

    /**
     * The driver's side of the loop, as {@code Trainer} has it: a learning-rate schedule (its steps are the rounds:
     * with syncEvery 1, the steps of the global batch), clipping of the round's mean gradient ĝ/H_r, and early
     * stopping on the validation loss (the training loss without validation rows).
     *
     * @param schedule the rate of round r (from 0) in epoch e (from 0), from the optimizer's base rate, in the
     *     forms of {@link dev.backprop.optim.Schedule#parse(String, int)} (a bare cosine spans all rounds)
     * @param clipNorm clip ĝ/H_r to this global L2 norm (0: none)
     * @param clipValue clamp ĝ/H_r's elements to [−clipValue, clipValue] (0: none)
     * @param earlyStop stop after this many epochs without a lower monitored loss (0: never)
     * @param restoreBest with early stopping, end with the weights of the best epoch
     */
    record Training(String schedule, double clipNorm, double clipValue, int earlyStop,
                    boolean restoreBest) {
    }

    /** What {@link #fit} ran: the epochs, whether early stopping ended it, and the best epoch (0: none). */
    record Result(List<EpochStats> epochs, boolean stoppedEarly, int bestEpoch) {
    }

    /**
     * Largest partition count whose contributions go straight to the driver; beyond it they are first summed in
     * groups of about √K partitions on the executors (one shuffle), so that the driver receives about √K sums.
     * Not final: the tests lower it to run the grouped path on a few partitions.
     */
    static volatile int directMax = 16;

    /** The installed fault injection, or null (always null outside the tests). */
    static volatile FaultInjection faults;

    /**
     * One epoch's figures: training loss and accuracy from the local forward passes of the rounds (at the weights
     * each step saw), and the loss and accuracy on the validation shards at the end of the epoch (NaN without them).
     */
    record EpochStats(int epoch, double trainLoss, double trainAccuracy, int rounds, long samples, double seconds,
                      double valLoss, double valAccuracy, double lr) {
    }

    /**
     * Watches the driver's side of training (the run folder's writer): per round it may trace a probe batch, then
     * sees the averaged update before and after the optimizer applies it, as core's listeners see a step.
     */
    interface Monitor {
        /**
         * Called first in round {@code step} (from 1), before the averaged gradient is set: may run a traced forward
         * and backward pass through {@code master} and return its layer records (or an empty list).
         */
        List<dev.backprop.train.LayerTrace> probe(long step, Sequential master);

        /** The averaged update ĝ is in the parameters' gradients; the optimizer has not stepped yet. */
        void beforeUpdate(dev.backprop.train.StepContext ctx);

        /** The optimizer has applied ĝ. */
        void afterUpdate(dev.backprop.train.StepContext ctx);

        /** An epoch ended. */
        void onEpoch(EpochStats stats);
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
                if (f32 != null && t.dtype() == DType.F32) {
                    System.arraycopy(f32, off, t.f32(), t.offset(), size);
                } else if (f64 != null && t.dtype() == DType.F64) {
                    System.arraycopy(f64, off, t.f64(), t.offset(), size);
                } else {
                    for (int i = 0; i < size; i++) {
                        t.setFlat(i, f32 != null ? f32[off + i] : f64[off + i]);
                    }
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
     * Trains {@code master} in place for at most {@code epochs} epochs.
     *
     * @param jsc the Spark context (for the broadcasts)
     * @param shards the cached shards, one per partition
     * @param cfg network and local-step settings
     * @param master the driver's network, holding the initial weights
     * @param spec the optimizer of the averaged update
     * @param reg its regularizer (applied once per round, to the weights)
     * @param epochs the number of epochs
     * @param training schedule, clipping and early stopping
     * @param validation cached validation shards scored after each epoch, or null
     * @param monitor sees each round's averaged update and each epoch (may be null)
     * @return the epochs' figures, whether early stopping ended the run, and the best epoch
     */
    static Result fit(JavaSparkContext jsc, JavaRDD<Shard> shards, NetConfig cfg, Sequential master,
                      OptimizerSpec spec, Regularizer reg, int epochs, Training training, JavaRDD<Shard> validation,
                      Monitor monitor) {
        int maxRows = shards.map(s -> s.rows).fold(0, Math::max);
        if (maxRows == 0) {
            throw new IllegalArgumentException("the training DataFrame has no rows");
        }
        int stepsPerEpoch = (maxRows + cfg.batchSize() - 1) / cfg.batchSize();
        int partitions = shards.getNumPartitions();
        int roundsPerEpoch = (stepsPerEpoch + cfg.syncEvery() - 1) / cfg.syncEvery();
        dev.backprop.optim.Schedule schedule = dev.backprop.optim.Schedule.parse(training.schedule(),
                (int) Math.min(Integer.MAX_VALUE, (long) roundsPerEpoch * epochs));
        List<Parameter> params = master.parameters();
        Optimizer opt = spec.build(params, reg);
        double baseLr = opt.lr();
        master.train(true);
        List<EpochStats> out = new ArrayList<>();
        int round = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int badEpochs = 0;
        boolean stoppedEarly = false;
        Weights best = null;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            long correct = 0;
            int rounds = 0;
            for (int first = 0; first < stepsPerEpoch; first += cfg.syncEvery()) {
                int steps = Math.min(cfg.syncEvery(), stepsPerEpoch - first);
                double lr = schedule.lr(round, epoch - 1, baseLr);
                opt.setLr(lr);
                double localLr = cfg.localLr() * (baseLr == 0 ? 1 : lr / baseLr);
                Broadcast<Weights> bw = jsc.broadcast(Weights.of(master, cfg.dtype()));
                final int e = epoch;
                final int f = first;
                final int r = round;
                Contribution c;
                try {
                    c = sumRound(shards.map(s -> localSteps(s, bw.value(), cfg, e, f, steps, r, localLr)),
                            partitions);
                } finally {
                    bw.destroy();
                }
                round++;
                rounds++;
                if (c.samples == 0) {
                    continue;
                }
                if (!Double.isFinite(c.lossSum)) {
                    throw new Diverged(round, "training diverged in epoch " + epoch + ", round " + round
                            + ": the loss is " + c.lossSum / c.samples + " — lower the learning rate"
                            + (training.clipNorm() > 0 ? "" : " or clip gradients (--clip-norm)"));
                }
                List<dev.backprop.train.LayerTrace> traces = monitor == null ? List.of()
                        : monitor.probe(round, master);
                double roundLoss = c.lossSum / c.samples;
                var ctx = new dev.backprop.train.StepContext(round, epoch, rounds - 1, roundLoss, master, params,
                        traces, lr);
                setGradients(params, c, steps, cfg.dtype());
                if (monitor != null) {
                    monitor.beforeUpdate(ctx);
                }
                clip(params, training, steps);
                opt.step();
                opt.zeroGrad();
                averageBuffers(master, c);
                if (monitor != null) {
                    monitor.afterUpdate(ctx);
                }
                lossSum += c.lossSum;
                samples += c.samples;
                correct += c.correct;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] val = validation == null ? new double[] {Double.NaN, Double.NaN}
                    : evaluate(jsc, validation, cfg, master);
            EpochStats st = new EpochStats(epoch, lossSum / samples, correct / (double) samples, rounds, samples,
                    seconds, val[0], val[1], opt.lr());
            out.add(st);
            double monitored = validation != null ? st.valLoss() : st.trainLoss();
            if (monitored < bestLoss) {
                bestLoss = monitored;
                bestEpoch = epoch;
                badEpochs = 0;
                if (training.restoreBest()) {
                    best = Weights.of(master, cfg.dtype());
                }
            } else {
                badEpochs++;
            }
            if (monitor != null) {
                monitor.onEpoch(st);
            }
            if (training.earlyStop() > 0 && badEpochs >= training.earlyStop() && epoch < epochs) {
                stoppedEarly = true;
                break;
            }
        }
        if (best != null && bestEpoch != out.getLast().epoch()) {
            best.loadInto(master);
        }
        master.eval();
        return new Result(List.copyOf(out), stoppedEarly, bestEpoch);
    }

    /**
     * Clips the round's mean gradient ĝ/H (in the parameters' gradients, which hold ĝ) as {@code Trainer} clips a
     * step's gradient: by value, then by global norm; with H = 1 that is exactly the single machine's clipping of
     * the global batch's gradient.
     */
    private static void clip(List<Parameter> params, Training t, int steps) {
        if (t.clipValue() > 0) {
            dev.backprop.optim.Clip.byValue(params, t.clipValue() * steps);
        }
        if (t.clipNorm() > 0) {
            dev.backprop.optim.Clip.byGlobalNorm(params, t.clipNorm() * steps);
        }
    }

    /**
     * The sum of one round's per-partition contributions, in partition order whatever order the tasks finished in:
     * up to {@link #directMax} partitions they are collected (in partition order) and summed on the driver; beyond,
     * each group of about √K consecutive partitions is summed on an executor, in partition order, and the driver
     * sums the groups in order.
     */
    static Contribution sumRound(JavaRDD<Contribution> perPartition, int partitions) {
        if (partitions <= directMax) {
            return Contribution.sum(perPartition.collect());
        }
        int group = (int) Math.ceil(Math.sqrt(partitions));
        int groups = (partitions + group - 1) / group;
        List<Contribution> partial = perPartition
                .mapToPair(c -> new scala.Tuple2<>(c.partition / group, c))
                .partitionBy(new org.apache.spark.HashPartitioner(groups))
                .mapPartitions((Iterator<scala.Tuple2<Integer, Contribution>> it) -> {
                    List<Contribution> l = new ArrayList<>();
                    it.forEachRemaining(t -> l.add(t._2()));
                    return List.of(Contribution.sum(l)).iterator();
                })
                .collect();
        return Contribution.sum(partial);
    }

    /** The driver's pseudo-gradient ĝ = H_r · Σ b·g / Σ b into the parameters' gradients. */
    private static void setGradients(List<Parameter> params, Contribution c, int steps, DType dtype) {
        int off = 0;
        for (Parameter p : params) {
            Tensor g = Tensor.zeros(dtype, p.value().shape());
            int n = g.size();
            if (dtype == DType.F32) {
                float[] a = g.f32();
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (c.gradSum[off + i] * steps / c.samples);
                }
            } else {
                double[] a = g.f64();
                for (int i = 0; i < n; i++) {
                    a[i] = c.gradSum[off + i] * steps / c.samples;
                }
            }
            p.variable().setGrad(g);
            off += n;
        }
    }

    /** The batch-norm running statistics: the mean of the partitions'. */
    private static void averageBuffers(Sequential master, Contribution c) {
        int off = 0;
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
     * weights, local steps at rate {@code localLr}. Deterministic: the same inputs give the same contribution, so a
     * retried task gives what the first attempt would have.
     */
    static Contribution localSteps(Shard s, Weights w, NetConfig cfg, int epoch, int first, int steps, int round,
                                   double localLr) {
        FaultInjection fi = faults;
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (fi != null && task != null && task.attemptNumber() == 0 && fi.failFirstAttempt(s.partition, round)) {
            throw new IllegalStateException("injected failure of partition " + s.partition + ", round " + round);
        }
        sizeKernelPool(task);
        Contribution acc = new Contribution();
        acc.partition = s.partition;
        int b = cfg.batchSize();
        if ((long) first * b >= s.rows) {
            return acc;
        }
        TaskNet net = taskNetwork(cfg, mix(mix(cfg.seed(), s.partition), round));
        try {
            w.loadInto(net.net);
            localSteps(s, net, cfg, epoch, first, steps, localLr, acc);
            return acc;
        } finally {
            releaseNetwork(cfg, net);
        }
    }

    /**
     * A task's network with its step arena (the buffers its forward and backward passes reuse from step to step,
     * as {@code Trainer}'s do).
     */
    static final class TaskNet {
        final Sequential net;
        final dev.backprop.tensor.Arena arena = new dev.backprop.tensor.Arena();

        TaskNet(Sequential net) {
            this.net = net;
        }
    }

    /**
     * Networks of one architecture that finished a task, for the next task in this JVM: all their state (weights,
     * batch-norm statistics) is overwritten from the broadcast, so reusing one instead of building and initializing
     * a new one every round changes nothing but the time. Only without dropout, whose masks come from an RNG seeded
     * per partition and round (a new network then gets that seed).
     */
    private static final java.util.concurrent.ConcurrentHashMap<String,
            java.util.concurrent.ConcurrentLinkedQueue<TaskNet>> IDLE = new java.util.concurrent.ConcurrentHashMap<>();

    private static String architecture(NetConfig cfg) {
        return java.util.Arrays.toString(cfg.layers()) + cfg.activation() + "|" + cfg.init() + "|" + cfg.batchNorm()
                + "|" + cfg.dtype();
    }

    /** A network for one task: an idle one of this architecture when dropout is off, else a new one. */
    static TaskNet taskNetwork(NetConfig cfg, long netSeed) {
        if (cfg.dropout() == 0) {
            var idle = IDLE.get(architecture(cfg));
            TaskNet net = idle == null ? null : idle.poll();
            if (net != null) {
                return net;
            }
        }
        return new TaskNet(cfg.build(netSeed));
    }

    /** Returns a task's network to the idle ones (keeping only the latest architecture). */
    static void releaseNetwork(NetConfig cfg, TaskNet net) {
        if (cfg.dropout() != 0) {
            return;
        }
        for (Parameter p : net.net.parameters()) {
            p.variable().zeroGrad(); // a task that failed midway may have left a gradient
        }
        String key = architecture(cfg);
        IDLE.keySet().removeIf(k -> !k.equals(key));
        var idle = IDLE.computeIfAbsent(key, k -> new java.util.concurrent.ConcurrentLinkedQueue<>());
        if (idle.size() < 64) {
            idle.add(net);
        }
    }

    private static void localSteps(Shard s, TaskNet tn, NetConfig cfg, int epoch, int first, int steps,
                                   double localLr, Contribution acc) {
        Sequential net = tn.net;
        int b = cfg.batchSize();
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
        boolean f32 = cfg.dtype() == DType.F32;
        if (f32) {
            acc.gradF32 = new float[total];
        } else {
            acc.gradSum = new double[total];
        }
        acc.bufferSum = new double[bufTotal];
        Optimizer local = cfg.syncEvery() > 1
                ? OptimizerSpec.Sgd.lr(localLr).build(params, Regularizer.none()) : null;
        Loss loss = Loss.crossEntropy();
        int[] perm = cfg.shuffle() ? shardPermutation(s.rows, cfg.seed(), s.partition, epoch)
                : java.util.stream.IntStream.range(0, s.rows).toArray();
        int f = s.features;
        for (int h = 0; h < steps; h++) {
            int from = (first + h) * b;
            if (from >= s.rows) {
                break;
            }
            int n = Math.min(b, s.rows - from);
            int[] labels = new int[n];
            // the step's tensors come from the task network's arena: the same buffers every step; the gradients
            // are summed and the local step taken before the next step re-enters it
            try (var ignored = tn.arena.enter()) {
                Tensor x = Tensor.zeros(cfg.dtype(), n, f);
                if (f32) {
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
                acc.lossSum += lv * n;
                acc.correct += correct(out.value(), labels);
            }
            int off = 0;
            for (Parameter p : params) {
                Tensor g = p.grad();
                int size = p.value().size();
                if (g != null) {
                    if (f32) {
                        addScaled(acc.gradF32, off, g, n);
                    } else {
                        addScaled(acc.gradSum, off, g, n);
                    }
                }
                off += size;
            }
            acc.samples += n;
            if (local != null) {
                if (cfg.clipValue() > 0) {
                    dev.backprop.optim.Clip.byValue(params, cfg.clipValue());
                }
                if (cfg.clipNorm() > 0) {
                    dev.backprop.optim.Clip.byGlobalNorm(params, cfg.clipNorm());
                }
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
    }

    /**
     * Sizes the kernels' thread pool to the cores Spark gives one task ({@code spark.task.cpus}, default 1): an
     * executor runs as many tasks at once as it has cores, so each task's kernels use its own cores and the
     * executor's cores are neither idle nor oversubscribed. (The pool is per JVM: in local mode the driver's
     * kernels get the same size.)
     */
    static void sizeKernelPool(org.apache.spark.TaskContext task) {
        if (task == null) {
            return;
        }
        int cpus = Math.max(1, task.cpus());
        if (dev.backprop.kernel.Parallel.threads() != cpus) {
            dev.backprop.kernel.Parallel.setThreads(cpus);
        }
    }

    /** Evaluation batch size: bounds the memory of one forward pass over a shard. */
    private static final int EVAL_BATCH = 1024;

    /**
     * The mean loss and the accuracy of {@code master} (in evaluation mode) on the validation shards: each task scores
     * its shard from the broadcast weights; the driver adds the shards' sums in partition order.
     */
    static double[] evaluate(JavaSparkContext jsc, JavaRDD<Shard> validation, NetConfig cfg, Sequential master) {
        Broadcast<Weights> bw = jsc.broadcast(Weights.of(master, cfg.dtype()));
        double[] sums;
        try {
            // three numbers per shard, summed on the driver in partition order (collect keeps it): the same bits
            // whichever task finishes first, so early stopping decides the same way every time
            sums = new double[3];
            for (double[] r : validation.map(s -> {
                sizeKernelPool(org.apache.spark.TaskContext.get());
                return score(s, bw.value(), cfg);
            }).collect()) {
                for (int i = 0; i < 3; i++) {
                    sums[i] += r[i];
                }
            }
        } finally {
            bw.destroy();
        }
        return sums[2] == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {sums[0] / sums[2],
            sums[1] / sums[2]};
    }

    /** {@code into[off + i] += scale · g[i]} in float (F32 gradients). */
    private static void addScaled(float[] into, int off, Tensor g, float scale) {
        float[] a = g.f32();
        int o = g.offset();
        int size = g.size();
        for (int i = 0; i < size; i++) {
            into[off + i] += scale * a[o + i];
        }
    }

    /** One shard's {loss sum, correct, samples} under the weights {@code w}, in evaluation mode. */
    static double[] score(Shard s, Weights w, NetConfig cfg) {
        TaskNet tn = taskNetwork(cfg, cfg.seed());
        Sequential net = tn.net;
        w.loadInto(net);
        net.eval();
        Loss loss = Loss.crossEntropy();
        double[] r = new double[3];
        try {
            for (int from = 0; from < s.rows; from += EVAL_BATCH) {
                int n = Math.min(EVAL_BATCH, s.rows - from);
                int[] labels = java.util.Arrays.copyOfRange(s.y, from, from + n);
                Tensor x = Tensor.zeros(cfg.dtype(), n, s.features);
                for (int i = 0; i < n * s.features; i++) {
                    x.setFlat(i, s.x[from * s.features + i]);
                }
                try (var ignored = dev.backprop.autograd.NoGrad.enter()) {
                    Variable out = net.apply(Variable.constant(x));
                    r[0] += loss.compute(out, labels, null).value().item() * n;
                    r[1] += correct(out.value(), labels);
                }
                r[2] += n;
            }
        } finally {
            net.train(true);
            releaseNetwork(cfg, tn);
        }
        return r;
    }

    /**
     * Runs the tasks' code on made-up data in a background thread until closed (or {@code maxMillis}): local steps
     * of {@code cfg} and an evaluation pass, so that the JIT compiles the very paths (shapes, branches, the step
     * arena) the tasks take. Worth it in local mode, where the tasks run in this JVM: Spark's start fills the JIT's
     * queue, and the first epochs would otherwise run the kernels' vector code uncompiled. It draws nothing from
     * the run's seeds, and the networks it leaves idle are overwritten by each task's broadcast, so results do not
     * change.
     */
    static AutoCloseable warmUp(NetConfig cfg, long maxMillis) {
        int[] layers = cfg.layers();
        int f = layers[0];
        int classes = layers[layers.length - 1];
        int steps = Math.min(4, Math.max(1, cfg.syncEvery()));
        int rows = cfg.batchSize() * steps;
        float[] x = new float[rows * f];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7919) % 97) / 97f;
        }
        for (int i = 0; i < rows; i++) {
            y[i] = i % classes;
        }
        Shard train = new Shard(0, rows, f, x, y);
        Shard eval = new Shard(0, Math.min(rows, EVAL_BATCH), f, x, y);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        long end = System.nanoTime() + maxMillis * 1_000_000L;
        Thread t = new Thread(() -> {
            Sequential driver = cfg.build(0x5EEDL);
            Weights w = Weights.of(driver, cfg.dtype());
            List<Parameter> params = driver.parameters();
            Optimizer opt = OptimizerSpec.Sgd.lr(1e-6).momentum(0.9).build(params, Regularizer.none());
            var diag = new dev.backprop.diagnose.GradientDiagnostics(1);
            Tensor probe = Tensor.zeros(cfg.dtype(), eval.rows, f);
            for (int i = 0; i < eval.rows * f; i++) {
                probe.setFlat(i, x[i]);
            }
            int[] labels = java.util.Arrays.copyOf(y, eval.rows);
            for (int i = 0; !stop.get() && System.nanoTime() < end; i++) {
                localSteps(train, w, cfg, 1, 0, steps, 0, cfg.localLr());
                if (i % 8 == 7) {
                    score(eval, w, cfg);
                    // the driver's side of a round: a probe pass, the diagnostics of the update, clipping, a step
                    Variable out = driver.apply(Variable.constant(probe));
                    Variable l = Loss.crossEntropy().compute(out, labels, null);
                    l.backward();
                    var ctx = new dev.backprop.train.StepContext(i + 1, 1, i, l.value().item(), driver, params,
                            List.of(), opt.lr());
                    diag.afterBackward(ctx);
                    dev.backprop.optim.Clip.byGlobalNorm(params, 1e9);
                    opt.step();
                    diag.afterStep(ctx);
                    opt.zeroGrad();
                }
            }
        }, "backprop-spark-warmup");
        t.setDaemon(true);
        t.start();
        return () -> {
            stop.set(true);
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
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
