package dev.backprop.spark;

import dev.backprop.Model;
import dev.backprop.autograd.Variable;
import dev.backprop.cli.report.ReportWriter;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.io.AtomicFiles;
import dev.backprop.io.Safetensors;
import dev.backprop.nn.Module;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.LayerTrace;
import dev.backprop.train.StepContext;
import dev.backprop.train.TrainingResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The run folder of a Spark fit ({@link BackpropClassifier#setRunDir}): the same files as {@code backprop train}
 * leaves, so {@code backprop report|eval|predict|inspect} read it like any other run.
 *
 * <ul>
 *   <li>before training: config.json (the settings under the keys of {@code backprop train}'s configuration),
 *       spark.json (partitions, syncEvery, master: what config.json has no key for), initial.safetensors;</li>
 *   <li>metrics.jsonl: per epoch an {@code "epoch"} line (training loss, validation loss and accuracy, seconds) and an
 *       {@code "epoch_diagnostics"} line; per logged averaging round a {@code "step"} line (its step is the round,
 *       from 1);</li>
 *   <li>at the end: findings.json, model.json + model.safetensors, report.html.</li>
 * </ul>
 *
 * <p>The diagnostics are core's {@link GradientDiagnostics}, fed with the driver's averaged update: the parameters'
 * gradient norms, update ratios and the gradient-based findings are those of ĝ, the update the optimizer applies.
 * What needs activations (dL/dh per layer, saturated and dead units, activation statistics) is measured on a
 * probe batch, a fixed sample of the training rows taken once from the partitions, passed forward and backward
 * through the driver's network at the round's weights. The probe pass does not touch the weights, and the
 * batch-norm running statistics it moves are replaced by the partitions' average right after.
 */
final class RunLog implements DataParallel.Monitor {
    /** The run folder's file of Spark settings beside config.json. */
    static final String SPARK_JSON = "spark.json";
    /** Rows of the probe batch, taken from the partitions' first rows. */
    static final int PROBE_ROWS = 256;

    private final Path dir;
    private final GradientDiagnostics diag;
    private final Regularizer reg;
    private final String evalName;
    private final Consumer<String> messages;
    private final List<EpochMetrics> epochs = new ArrayList<>();
    private Tensor probeX;
    private int[] probeY;
    private Sequential master;
    private BufferedWriter metrics;

    private RunLog(Path dir, int logEvery, Regularizer reg, String evalName, Consumer<String> messages) {
        this.dir = dir;
        this.reg = reg;
        this.evalName = evalName;
        this.messages = messages;
        this.diag = logEvery > 0 ? new GradientDiagnostics(logEvery)
                .onFinding(f -> messages.accept("finding: " + f.message()))
                .onStep(this::line)
                .onEpoch(this::line) : null;
    }

    /**
     * Checks {@code dir} before anything is written: missing (it is created) or an empty folder, not a symbolic link
     * and not a file.
     *
     * @throws IllegalArgumentException naming the folder
     */
    static void check(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            throw new IllegalArgumentException("runDir " + dir + " is a symbolic link; give the folder itself");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("runDir " + dir + " exists and is not a folder");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("runDir " + dir + " is not empty (a run folder holds one run);"
                        + " choose a new folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("runDir " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the run folder: checks it ({@link #check}), writes config.json and initial.safetensors.
     *
     * @param dir the run folder
     * @param config the config.json document
     * @param spark the spark.json document
     * @param initial the network before training
     * @param logEvery diagnostics every this many rounds, 0 for none
     * @param reg the regularizer (for the epoch lines' penalty)
     * @param evalName what the printed epoch lines call the validation rows ("validation" or "test")
     * @param messages receives each finding as a line of text, as it is found
     */
    static RunLog start(Path dir, byte[] config, byte[] spark, Sequential initial, int logEvery, Regularizer reg,
                        String evalName, Consumer<String> messages) throws IOException {
        check(dir);
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("config.json"), config);
        AtomicFiles.write(dir.resolve(SPARK_JSON), spark);
        Safetensors.write(dir.resolve("initial.safetensors"), initial.stateDict());
        return new RunLog(dir, logEvery, reg, evalName, messages);
    }

    /** Sets the probe batch: feature rows (row-major, {@code features} each) and their class indices. */
    void probe(float[] x, int[] y, int features, DType dtype) {
        int n = y.length;
        if (n == 0) {
            return;
        }
        probeX = Tensor.zeros(dtype, n, features);
        for (int i = 0; i < n * features; i++) {
            probeX.setFlat(i, x[i]);
        }
        probeY = y.clone();
    }

    @Override
    public List<LayerTrace> probe(long step, Sequential net) {
        master = net;
        if (diag == null || probeX == null || !diag.isLogged(step)) {
            return List.of();
        }
        List<LayerTrace> records = new ArrayList<>();
        Map<Module, Integer> index = new IdentityHashMap<>();
        List<Module.HookHandle> hooks = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, Module> e : net.leaves().entrySet()) {
            if (index.putIfAbsent(e.getValue(), paths.size()) == null) {
                paths.add(e.getKey());
                hooks.add(e.getValue().addForwardHook((m, in, out) -> {
                    if (out.requiresGrad() && !out.isLeaf()) {
                        out.retainGrad();
                    }
                    int i = index.get(m);
                    records.add(new LayerTrace(i, paths.get(i), m, in, out));
                }));
            }
        }
        try {
            Variable out = net.apply(Variable.constant(probeX));
            Loss.crossEntropy().compute(out, probeY, null).backward();
        } finally {
            hooks.forEach(Module.HookHandle::close);
        }
        for (Parameter p : net.parameters()) {
            p.variable().zeroGrad(); // the averaged update, not the probe's gradient, is what the optimizer applies
        }
        return records;
    }

    @Override
    public void beforeUpdate(StepContext ctx) {
        if (diag != null) {
            diag.afterBackward(ctx);
        }
    }

    @Override
    public void afterUpdate(StepContext ctx) {
        if (diag != null) {
            diag.afterStep(ctx);
        }
    }

    @Override
    public void onEpoch(DataParallel.EpochStats s) {
        double penalty = master == null ? 0 : reg.penalty(master.parameters());
        EpochMetrics e = new EpochMetrics(s.epoch(), s.trainLoss(), penalty, s.valLoss(), s.valAccuracy(),
                s.seconds(), s.seconds() > 0 ? s.samples() / s.seconds() : 0, s.lr(), s.trainAccuracy());
        epochs.add(e);
        messages.accept(String.format(java.util.Locale.ROOT, "epoch %d: train loss %.4f, accuracy %.4f%s (%.2f s,"
                        + " %d rounds)", s.epoch(), s.trainLoss(), s.trainAccuracy(), Double.isNaN(s.valLoss()) ? ""
                        : String.format(java.util.Locale.ROOT, "; %s loss %.4f, accuracy %.4f", evalName,
                                s.valLoss(), s.valAccuracy()), s.seconds(), s.rounds()));
        if (diag != null) {
            diag.onEpochEnd(e);
        }
        line(e);
    }

    /** The epochs logged so far. */
    List<EpochMetrics> epochs() {
        return List.copyOf(epochs);
    }

    /** The diagnostics' findings so far (empty with diagnostics off). */
    List<dev.backprop.diagnose.Finding> findings() {
        return diag == null ? List.of() : diag.findings();
    }

    private void line(Object record) {
        try {
            if (metrics == null) {
                // never through a symbolic link: a metrics.jsonl that links elsewhere fails to open
                metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
            metrics.write(MetricsJson.line(record));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve("metrics.jsonl") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ends the run: findings.json, the model files (when {@code model} is not null: null after a failure) and
     * report.html; {@code result} is what the fit ran (null after a failure).
     *
     * @return the report's path, or null when it could not be written (a message says why)
     */
    Path finish(Model model, Throwable failure, DataParallel.Result result) throws IOException {
        if (diag != null) {
            if (failure instanceof DataParallel.Diverged d) {
                diag.onDivergence(new dev.backprop.train.DivergenceException(d.round, null, d.getMessage()));
            } else {
                diag.onEnd(new TrainingResult(epochs(), result != null && result.stoppedEarly(),
                        result == null ? 0 : result.bestEpoch()));
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        AtomicFiles.write(dir.resolve("findings.json"), MetricsJson.findingsDocument(findings()));
        if (model != null) {
            model.save(dir);
        }
        try {
            return ReportWriter.write(dir);
        } catch (IOException | RuntimeException e) {
            messages.accept("warning: could not write the report of " + dir + ": " + e.getMessage()
                    + " (retry with: backprop report " + dir + ")");
            return null;
        }
    }
}
