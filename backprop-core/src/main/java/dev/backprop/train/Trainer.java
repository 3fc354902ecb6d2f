package dev.backprop.train;

import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.data.Batch;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.kernel.Tensors;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Module;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.BaseOptimizer;
import dev.backprop.optim.Clip;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Schedule;
import dev.backprop.io.Safetensors;
import dev.backprop.tensor.Arena;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The epoch loop: for each mini-batch, forward, loss, backward, optional clipping, optimizer step (the iterative
 * training of the lecture's chapter 1); after each epoch an evaluation, listeners, early stopping and a checkpoint.
 *
 * <p>A NaN or infinite loss or gradient stops training with a {@link DivergenceException} that names the step and
 * where it first appeared: for a loss, the first layer whose output is not finite on that batch (or "loss" itself);
 * for a gradient, the parameter (a non-finite weight shows up as a non-finite loss at the next step). With the same
 * seed, data order and thread count a run is bit-for-bit reproducible, and {@link #resume} continues a checkpointed
 * run exactly where it stopped.
 */
public final class Trainer {
    private final Module model;
    private final List<Parameter> parameters;
    private final Loss loss;
    private final Optimizer optimizer;
    private final DataLoader train;
    private final Dataset eval;
    private final int epochs;
    private final Schedule schedule;
    private final double baseLr;
    private final double clipNorm;
    private final double clipValue;
    private final int patience;
    private final Path checkpointDir;
    private final boolean restoreBest;
    private final List<TrainingListener> listeners;

    private ForwardTracer tracer;
    /** The step's buffers, reused from step to step ({@code -Dbackprop.arena=false} turns that off, for comparison). */
    private final Arena arena = new Arena();
    private static final boolean REUSE_BUFFERS = !"false".equals(System.getProperty("backprop.arena"));
    private int startEpoch = 1;
    private long step;
    private final List<EpochMetrics> history = new ArrayList<>();
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int badEpochs;
    private Map<String, Tensor> bestState; // with restoreBest: a copy of the weights after bestEpoch

    private Trainer(Builder b) {
        this.model = b.model;
        this.parameters = b.model.parameters(); // the layers are fixed, so their named parameters are too
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.train = b.train;
        this.eval = b.eval;
        this.epochs = b.epochs;
        this.schedule = b.schedule;
        this.baseLr = b.optimizer.lr();
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        this.patience = b.patience;
        this.checkpointDir = b.checkpointDir;
        this.restoreBest = b.restoreBest;
        this.listeners = List.copyOf(b.listeners);
    }

    /**
     * Starts configuring a trainer of {@code model} on {@code train} batches, with the optimizer {@code optimizer}
     * describes over the model's parameters (no penalty; build the optimizer with
     * {@link OptimizerSpec#build(List, dev.backprop.optim.Regularizer)} for L1/L2).
     *
     * @param model the model, any module tree
     * @param loss the loss, e.g. {@code Loss.crossEntropy()}
     * @param optimizer e.g. {@code OptimizerSpec.Sgd.lr(0.05).momentum(0.9)}
     * @param train the training batches
     * @return the builder
     */
    public static Builder builder(Module model, Loss loss, OptimizerSpec optimizer, DataLoader train) {
        return builder(model, loss, optimizer.build(model.parameters(), new dev.backprop.optim.Regularizer.None()),
                train);
    }

    /**
     * Starts configuring a trainer of {@code model} on {@code train} batches. The optimizer's learning rate when the
     * trainer is built is the base rate η₀ of the schedule.
     *
     * @param model the model to train
     * @param loss the data loss
     * @param optimizer the optimizer over {@code model}'s parameters
     * @param train the training batches
     * @return the builder, with 10 epochs, a constant rate, no clipping, no early stopping and no checkpoints
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Module model, Loss loss, Optimizer optimizer, DataLoader train) {
        return new Builder(model, loss, optimizer, train);
    }

    /**
     * The model being trained.
     *
     * @return the model (any module tree)
     */
    public Module model() {
        return model;
    }

    /**
     * The optimizer.
     *
     * @return the optimizer given to {@link #builder}
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Epochs completed so far (including those restored by {@link #resume}).
     *
     * @return a copy of the metrics, one per epoch
     */
    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }

    /**
     * Restores model, optimizer, random state and progress from a checkpoint folder written by an earlier run, so
     * that {@link #fit()} continues with the next epoch.
     *
     * @param dir the checkpoint folder
     * @throws IOException if there is no checkpoint or a file is malformed
     * @throws IllegalArgumentException if the checkpoint's model or optimizer state does not fit this trainer's
     */
    public void resume(Path dir) throws IOException {
        Checkpoint c = Checkpoint.load(dir);
        Map<String, Tensor> best = null;
        if (restoreBest && c.bestEpoch() > 0 && c.bestEpoch() < c.epoch()) {
            Path file = dir.resolve(BEST_WEIGHTS);
            if (!java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + ": no " + BEST_WEIGHTS + " to restore the best epoch " + c.bestEpoch()
                        + " from (the run was started without restoring the best epoch, so its weights are gone)");
            }
            best = Safetensors.read(file);
        }
        model.loadStateDict(c.model());
        optimizer.loadState(c.optimizer());
        model.loadRngState(c.rng());
        startEpoch = c.epoch() + 1;
        step = c.step();
        history.clear();
        history.addAll(c.epochs());
        bestLoss = c.bestLoss();
        bestEpoch = c.bestEpoch();
        badEpochs = c.badEpochs();
        bestState = best != null ? best : restoreBest && c.bestEpoch() == c.epoch() ? copy(model.stateDict()) : null;
    }

    /**
     * The file of a checkpoint folder that holds the best epoch's weights when the trainer restores the best epoch
     * ({@link Builder#restoreBest}); written whenever an epoch improves on the best loss.
     */
    public static final String BEST_WEIGHTS = "best-model.safetensors";

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, t) -> out.put(k, t.copy()));
        return out;
    }

    /**
     * Runs the remaining epochs.
     *
     * @return the history, whether early stopping ended the run and the best epoch
     * @throws DivergenceException when the loss or a gradient is not finite
     * @throws UncheckedIOException when a checkpoint cannot be written
     */
    public TrainingResult fit() {
        try (ForwardTracer t = new ForwardTracer(model)) {
            tracer = t;
            return fitTraced();
        } finally {
            tracer = null;
        }
    }

    private TrainingResult fitTraced() {
        listeners.forEach(l -> l.onStart(this));
        boolean stoppedEarly = false;
        for (int epoch = startEpoch; epoch <= epochs; epoch++) {
            EpochMetrics m = runEpoch(epoch);
            checkFiniteAfterEpoch(m);
            history.add(m);
            double monitored = m.hasTest() ? m.testLoss() : m.trainLoss();
            if (monitored < bestLoss) {
                bestLoss = monitored;
                bestEpoch = epoch;
                badEpochs = 0;
                if (restoreBest) {
                    keepBest();
                }
            } else {
                badEpochs++;
            }
            // listeners first (the epoch's metrics line), then the checkpoint: a crash between the two leaves lines of
            // an epoch the checkpoint does not have, which a resume drops and writes again, never a missing line
            listeners.forEach(l -> l.onEpochEnd(m));
            if (checkpointDir != null) {
                saveCheckpoint(epoch);
            }
            if (patience > 0 && badEpochs >= patience && epoch < epochs) {
                stoppedEarly = true;
                break;
            }
        }
        if (restoreBest && bestState != null && bestEpoch != history.getLast().epoch()) {
            model.loadStateDict(bestState);
        }
        TrainingResult result = new TrainingResult(List.copyOf(history), stoppedEarly, bestEpoch);
        listeners.forEach(l -> l.onEnd(result));
        return result;
    }

    /** Keeps a copy of the weights of the new best epoch, and writes it beside the checkpoint (before it). */
    private void keepBest() {
        bestState = copy(model.stateDict());
        if (checkpointDir != null) {
            try {
                java.nio.file.Files.createDirectories(checkpointDir);
                Safetensors.write(checkpointDir.resolve(BEST_WEIGHTS), bestState);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + checkpointDir.resolve(BEST_WEIGHTS) + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private void saveCheckpoint(int epoch) {
        try {
            new Checkpoint(epoch, step, List.copyOf(history), bestLoss, bestEpoch, badEpochs, model.stateDict(),
                    optimizer.state(), model.rngState()).save(checkpointDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint to " + checkpointDir + ": " + e.getMessage(), e);
        }
    }

    /** One more epoch of steps with no listener, checkpoint or record kept: {@link Warmup}'s loop. */
    void runWarmupEpoch() {
        try (ForwardTracer t = new ForwardTracer(model)) {
            tracer = t;
            runEpoch(1);
        } finally {
            tracer = null;
        }
    }

    private EpochMetrics runEpoch(int epoch) {
        model.train(true);
        long t0 = System.nanoTime();
        double lossSum = 0;
        int samples = 0;
        int batchIndex = 0;
        int correct = 0;
        int scored = 0;
        for (Batch batch : train.epoch(epoch)) {
            step++;
            double lr = schedule.lr((int) step - 1, epoch - 1, baseLr);
            optimizer.setLr(lr);
            boolean trace = wantsActivations(step);
            if (trace) {
                tracer.arm();
            }
            double lv;
            // forward and backward take their tensors from the step arena: the same buffers every step; all that
            // outlives the step (optimizer state, diagnostics' snapshots) is created outside it, and the gradients
            // it holds are cleared before the next step re-enters it
            try (Arena ignored = REUSE_BUFFERS ? arena.enter() : null) {
                Variable out = model.apply(Variable.constant(batch.features()));
                tracer.disarm();
                Variable l = loss.compute(out, batch);
                lv = l.value().item();
                if (!Double.isFinite(lv)) {
                    throw notifyDivergence(diverged(batch, lv));
                }
                if (batch.labels() != null && out.value().shape().rank() == 2) {
                    int[] pred = dev.backprop.kernel.Reductions.argmax(out.value(), 1);
                    for (int i = 0; i < pred.length; i++) {
                        if (pred[i] == batch.labels()[i]) {
                            correct++;
                        }
                    }
                    scored += pred.length;
                }
                l.backward();
            }
            StepContext ctx = new StepContext(step, epoch, batchIndex, lv, model, parameters,
                    trace ? tracer.records() : List.of(), lr);
            for (TrainingListener li : listeners) {
                li.afterBackward(ctx);
            }
            checkGradients();
            if (clipValue > 0) {
                Clip.byValue(ctx.parameters(), clipValue);
            }
            if (clipNorm > 0) {
                Clip.byGlobalNorm(ctx.parameters(), clipNorm);
            }
            optimizer.step();
            for (TrainingListener li : listeners) {
                li.afterStep(ctx);
            }
            optimizer.zeroGrad();
            tracer.clear();
            lossSum += perSampleSum(loss, lv, batch.size());
            samples += batch.size();
            batchIndex++;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double penalty = optimizer instanceof BaseOptimizer b ? b.penalty() : 0;
        double testLoss = Double.NaN;
        double testAcc = Double.NaN;
        if (eval != null && eval.size() > 0) {
            Evaluation e = Evaluation.of(model, loss, eval, Math.max(train.batchSize(), 256), train.dtype());
            testLoss = e.loss();
            testAcc = e.accuracy();
        }
        return new EpochMetrics(epoch, samples == 0 ? Double.NaN : lossSum / samples, penalty, testLoss, testAcc,
                seconds, samples / Math.max(seconds, 1e-9), optimizer.lr(),
                scored == 0 ? Double.NaN : (double) correct / scored);
    }

    private boolean wantsActivations(long s) {
        for (TrainingListener l : listeners) {
            if (l.wantsActivations(s)) {
                return true;
            }
        }
        return false;
    }

    /** Tells the listeners about {@code e} and returns it for throwing. */
    private DivergenceException notifyDivergence(DivergenceException e) {
        listeners.forEach(l -> l.onDivergence(e));
        return e;
    }

    /** Finds the first layer whose output is not finite on this batch and builds the error. */
    private DivergenceException diverged(Batch batch, double lossValue) {
        String where = "loss";
        try (NoGrad ignored = NoGrad.enter()) {
            tracer.arm();
            model.apply(Variable.constant(batch.features()));
            tracer.disarm();
            for (LayerTrace t : tracer.records()) {
                if (!Tensors.allFinite(t.output().value())) {
                    where = "layer " + (t.path().isEmpty() ? Integer.toString(t.index()) : t.path()) + " ("
                            + t.layer().describe() + ")";
                    break;
                }
            }
            tracer.clear();
        }
        return new DivergenceException(step, where, "training diverged at step " + step + ": the loss is "
                + lossValue + (where.equals("loss") ? "" : "; the first non-finite values came out of " + where)
                + " — lower the learning rate, clip gradients (--clip-norm) or check the inputs for NaN");
    }

    /**
     * An epoch may end with finite losses and gradients but weights an update pushed to infinity, or an evaluation
     * that is not finite: that is a divergence too, never a success.
     */
    private void checkFiniteAfterEpoch(EpochMetrics m) {
        for (Parameter p : parameters) {
            if (!Tensors.allFinite(p.value())) {
                throw notifyDivergence(new DivergenceException(step, p.name(), "training diverged at step " + step
                        + ": the values of " + p.name() + " are not finite after the update — lower the learning"
                        + " rate or clip gradients (--clip-norm)"));
            }
        }
        if (m.hasTest() && !Double.isFinite(m.testLoss())) {
            throw notifyDivergence(new DivergenceException(step, "evaluation", "training diverged at step " + step
                    + ": the evaluation loss after epoch " + m.epoch() + " is " + m.testLoss()
                    + " — lower the learning rate, or check the evaluation data for NaN"));
        }
    }

    private void checkGradients() {
        for (int i = parameters.size() - 1; i >= 0; i--) {
            Parameter p = parameters.get(i);
            if (p.grad() != null && !Tensors.allFinite(p.grad())) {
                throw notifyDivergence(new DivergenceException(step, p.name(), "training diverged at step " + step
                        + ": the gradient of " + p.name() + " is not finite — lower the learning rate or clip"
                        + " gradients (--clip-norm)"));
            }
        }
    }

    /** A batch's loss value turned into a sum over its samples. */
    static double perSampleSum(Loss loss, double value, int batchSize) {
        return loss.reduction() == Reduction.MEAN ? value * batchSize : value;
    }

    /** Configuration of a {@link Trainer}. */
    public static final class Builder {
        private final Module model;
        private final Loss loss;
        private final Optimizer optimizer;
        private final DataLoader train;
        private Dataset eval;
        private int epochs = 10;
        private Schedule schedule = new Schedule.Constant();
        private double clipNorm;
        private double clipValue;
        private int patience;
        private Path checkpointDir;
        private boolean restoreBest;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(Module model, Loss loss, Optimizer optimizer, DataLoader train) {
            this.model = Objects.requireNonNull(model, "model");
            this.loss = Objects.requireNonNull(loss, "loss");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.train = Objects.requireNonNull(train, "train");
        }

        /**
         * Data scored after every epoch (test or validation set); its loss is what early stopping monitors.
         *
         * @param data the evaluation set, or null for none
         * @return this builder
         */
        public Builder evaluateOn(Dataset data) {
            this.eval = data;
            return this;
        }

        /**
         * The number of epochs (default 10), counted from 1 including those of a resumed run.
         *
         * @param n the last epoch, &ge; 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} &lt; 1
         */
        public Builder epochs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + n);
            }
            this.epochs = n;
            return this;
        }

        /**
         * The learning-rate schedule (default {@link Schedule.Constant}), applied before every step from the
         * optimizer's rate at build time.
         *
         * @param s the schedule
         * @return this builder
         */
        public Builder schedule(Schedule s) {
            this.schedule = Objects.requireNonNull(s, "schedule");
            return this;
        }

        /**
         * Clips gradients to this global L2 norm before each step ({@link Clip#byGlobalNorm}; after clipping by
         * value when both are set).
         *
         * @param maxNorm the largest global norm, &ge; 0; 0 for off
         * @return this builder
         * @throws IllegalArgumentException if {@code maxNorm} &lt; 0
         */
        public Builder clipNorm(double maxNorm) {
            if (maxNorm < 0) {
                throw new IllegalArgumentException("clip norm must be >= 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Clips every gradient element to [-v, v] before each step ({@link Clip#byValue}).
         *
         * @param v the bound, &ge; 0; 0 for off
         * @return this builder
         * @throws IllegalArgumentException if {@code v} &lt; 0
         */
        public Builder clipValue(double v) {
            if (v < 0) {
                throw new IllegalArgumentException("clip value must be >= 0, got " + v);
            }
            this.clipValue = v;
            return this;
        }

        /**
         * Stops after this many epochs in a row without a new best loss: the evaluation loss, or the training loss
         * without an evaluation set.
         *
         * @param epochsWithoutImprovement the patience, &ge; 0; 0 for never
         * @return this builder
         * @throws IllegalArgumentException if the patience is negative
         */
        public Builder earlyStopping(int epochsWithoutImprovement) {
            if (epochsWithoutImprovement < 0) {
                throw new IllegalArgumentException("early-stopping patience must be >= 0, got " + epochsWithoutImprovement);
            }
            this.patience = epochsWithoutImprovement;
            return this;
        }

        /**
         * At the end of {@link #fit()}, puts back the weights of the best epoch (the lowest monitored loss, see
         * {@link #earlyStopping}), so that the model is that epoch's rather than the last one's; with a checkpoint
         * folder they are kept there too ({@link #BEST_WEIGHTS}), so a resumed run can still restore them.
         *
         * @param restore whether to restore the best epoch's weights (default false)
         * @return this builder
         */
        public Builder restoreBest(boolean restore) {
            this.restoreBest = restore;
            return this;
        }

        /**
         * Writes a checkpoint ({@link Checkpoint}) into this folder after every epoch.
         *
         * @param dir the folder, or null for none
         * @return this builder
         */
        public Builder checkpointTo(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /**
         * Adds a listener; listeners are called in the order they were added.
         *
         * @param l the listener
         * @return this builder
         */
        public Builder listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /**
         * The trainer.
         *
         * @return a new trainer with these settings
         */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
