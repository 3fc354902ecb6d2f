package dev.backprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backprop.cli.report.ReportWriter;
import dev.backprop.data.DataLoader;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.Format;
import dev.backprop.diagnose.Resumed;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.Stats;
import dev.backprop.io.AtomicFiles;
import dev.backprop.io.ModelFile;
import dev.backprop.io.Safetensors;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Optimizer;
import dev.backprop.tensor.DType;
import dev.backprop.train.DivergenceException;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.Evaluation;
import dev.backprop.train.Trainer;
import dev.backprop.train.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backprop train}: trains a network and leaves a run folder behind. */
@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Train a feed-forward network. With no flags: a small ReLU network on the built-in two-spirals set.",
                "The run folder gets config.json, initial.safetensors, model.json + model.safetensors, metrics.jsonl,",
                "findings.json, checkpoint/ and report.html."},
        footer = {"", "Examples:", "  backprop train",
                "  backprop train --data fashion-mnist --layers 784-256-128-10 --epochs 20 --lr 0.1",
                "  backprop train --data iris.csv --label-column species --normalize standard --json"})
final class TrainCommand implements Callable<Integer> {
    /** The model's weights before the first step, kept in the run folder for the report's histograms. */
    static final String INITIAL_WEIGHTS = "initial.safetensors";
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;
    @Mixin
    TrainOptions options = new TrainOptions();
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/DATA-TIMESTAMP).")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint (flags such as --epochs override its config).")
    Path resume;
    @Option(names = "--json", description = "Print one JSON object with the results on stdout; progress goes to stderr.")
    boolean json;
    @Option(names = "--force", description = "Replace the run in --out if it exists (only the files a run writes are deleted).")
    boolean force;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    /** A training-step warm-up for an F32 network whose widths the configuration gives, or null. */
    private static dev.backprop.train.Warmup warmup(RunConfig c, DType dtype) {
        int[] sizes = warmupSizes(c);
        return dtype != DType.F32 || sizes == null ? null
                : dev.backprop.train.Warmup.start(sizes, Setup.activation(c), c.batch, 3000);
    }

    /**
     * The layer widths a warm-up can use before the data is read: those of --layers when it gives every width, or
     * null (also with {@code -Dbackprop.warmup=false}, which turns warm-ups off).
     */
    static int[] warmupSizes(RunConfig c) {
        if (c.layers == null || !c.layers.matches("\\d{1,5}(-\\d{1,5})+")
                || System.getProperty("backprop.warmup", "true").equals("false")) {
            return null;
        }
        return java.util.Arrays.stream(c.layers.split("-")).mapToInt(Integer::parseInt).toArray();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter msg = json ? spec.commandLine().getErr() : stdout;
        RunConfig c;
        RunConfig before = null; // a resumed run's configuration as it was
        Path dir;
        if (resume != null) {
            Path cfg = resume.resolve("config.json");
            if (!Files.isRegularFile(cfg)) {
                throw new UsageError("--resume " + resume + ": not a run folder (no config.json)");
            }
            before = RunConfig.load(cfg);
            c = options.over(RunConfig.read(cfg), spec);
            dir = resume;
        } else {
            c = options.toConfig(spec);
            dir = out;
        }
        Setup.threads(c);
        DType dtype = Setup.dtype(c);
        PreparedData data;
        // while the data loads, a background thread gets a training step's code compiled at the layers' shapes
        try (dev.backprop.train.Warmup ignored = warmup(c, dtype)) {
            data = PreparedData.load(c);
        }
        c.resolveLayers(Setup.sizes(c, data.train()));
        Sequential model = Setup.model(c, data.train());
        Loss loss = Setup.loss(c);
        Optimizer opt = Setup.optimizer(c, model.parameters());
        DataLoader loader = DataLoader.of(data.train(), c.batch,
                c.shuffle ? new DataLoader.Order.Shuffled(c.seed) : new DataLoader.Order.Sequential()).withDType(dtype);
        if (data.train().size() % c.batch == 1 && data.train().size() > 1
                && model.leaves().values().stream().anyMatch(m -> m instanceof dev.backprop.nn.BatchNorm1d)) {
            // batch normalization cannot normalize a batch of one sample (PyTorch raises too): drop it, as drop_last
            loader = loader.withDropLast(true);
            msg.println("note: " + data.train().size() + " samples in batches of " + c.batch + " leave a last batch of"
                    + " 1 sample, which batch normalization cannot use; it is skipped each epoch");
        }
        long totalSteps = (long) c.epochs * loader.batchCount();
        if (totalSteps > Integer.MAX_VALUE) { // the step counter and the schedules count in int
            throw new UsageError("--epochs " + c.epochs + " x " + loader.batchCount() + " batches per epoch is "
                    + totalSteps + " steps, more than " + Integer.MAX_VALUE + "; use fewer --epochs or a larger --batch");
        }
        if (dir == null) {
            dir = newRunDir(data.name());
        } else if (resume == null) {
            RunFolders.prepare(dir, force); // before the first write: an existing run is never mixed into
        }
        if (resume == null) {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve("config.json"), c.toJson());
            Safetensors.write(dir.resolve(INITIAL_WEIGHTS), model.stateDict());
            if (data.split() != null) {
                RunFiles.writeSplit(dir, c.data, data.split());
            }
        } else {
            RunFolders.checkResumable(dir);
        }

        String evalName = data.evalName();
        Progress progress = new Progress(msg, Progress.interactive(), loader.batchCount(), c.batch, c.epochs,
                evalName);
        boolean diagnose = c.logEvery > 0;
        try (MetricsLog metrics = new MetricsLog(dir.resolve("metrics.jsonl"))) {
            // findings.json is rewritten (atomically) at each finding, so that 'backprop serve' shows it live
            List<Finding> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Path findingsDir = dir;
            GradientDiagnostics diag = diagnose ? new GradientDiagnostics(c.logEvery)
                    .onFinding(f -> {
                        msg.println("finding: " + f.message());
                        msg.flush();
                        seen.add(f);
                        try {
                            writeFindings(findingsDir, seen);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .onStep(metrics::write)
                    .onEpoch(metrics::write) : null;
            Trainer.Builder b = Trainer.builder(model, loss, opt, loader)
                    .epochs(c.epochs).schedule(Setup.schedule(c, (int) totalSteps))
                    .clipNorm(c.clipNorm).clipValue(c.clipValue).earlyStopping(c.earlyStop)
                    .restoreBest(Boolean.TRUE.equals(c.restoreBest))
                    .checkpointTo(dir.resolve("checkpoint"));
            if (diag != null) {
                b.listener(diag);
            }
            b.listener(progress).listener(metrics);
            if (data.eval() != null) {
                b.evaluateOn(data.eval());
            }
            Trainer trainer = b.build();
            if (resume != null) {
                trainer.resume(dir.resolve("checkpoint"));
                msg.println("resuming " + dir + " after epoch " + trainer.history().size());
                // the checkpoint loaded: only now is anything in the run folder changed
                RunFolders.removeStaleTemporaries(dir);
                RunFolders.truncateMetrics(dir.resolve("metrics.jsonl"), trainer.history().size());
                AtomicFiles.write(dir.resolve("config.json"), c.toJson());
                int done = trainer.history().size();
                List<String> changes = scheduleChanges(before, c, done, loader.batchCount());
                if (!changes.isEmpty()) {
                    msg.println("note: this resume changes the learning-rate schedule: " + String.join("; ", changes));
                }
                if (done < c.epochs) {
                    metrics.write(new Resumed(done, (long) done * loader.batchCount(), changes));
                }
            } else {
                msg.println(model.summary(data.train().featureCount()));
                msg.printf("training on %s: %d samples%s, %d epochs, batch %d%n", data.name(), data.train().size(),
                        data.eval() == null ? "" : data.split() != null ? " (" + data.eval().size()
                                + " more held out for validation)" : " (" + data.eval().size() + " test samples)",
                        c.epochs, c.batch);
            }
            msg.flush();
            TrainingResult result;
            // Ctrl-C (or a kill) mid-training: say how to continue; the last checkpoint is the last full epoch
            Path runDir = dir;
            Thread hint = new Thread(() -> {
                System.err.println();
                System.err.println("interrupted: continue with  backprop train --resume " + runDir
                        + "  (from the last completed epoch)");
                System.err.flush();
            });
            Runtime.getRuntime().addShutdownHook(hint);
            try {
                result = trainer.history().size() >= c.epochs
                        ? new TrainingResult(trainer.history(), false, 0) : trainer.fit();
            } catch (DivergenceException e) {
                if (diag != null) {
                    writeFindings(dir, diag.findings());
                }
                Path report = writeReport(dir, msg);
                if (report != null) {
                    msg.println("report of the failed run: " + report);
                    msg.flush();
                }
                throw e;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hint);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting: the hint runs
                }
                if (diag != null) {
                    writeFindings(dir, diag.findings());
                }
            }
            ModelFile.save(dir, model, new ModelFile.Info(data.train().featureCount(), data.train().featureNames(),
                    data.train().isClassification() ? data.train().classNames() : List.of(), loss,
                    data.normalizer(), dtype));
            if (data.eval() != null && data.eval().isClassification() && data.eval().size() > 0) {
                Evaluation e = Evaluation.of(model, loss, data.eval(), Math.max(c.batch, 256), dtype);
                RunFiles.writeEvaluation(dir, evalName, e, data.train().classNames());
            }
            Path report = writeReport(dir, msg);
            boolean restored = Boolean.TRUE.equals(c.restoreBest) && result.bestEpoch() > 0;
            Map<String, Object> summary = summary(dir, model, result, evalName, restored);
            summary.put("findings", diag == null ? List.of() : diag.findingMaps());
            summary.put("report", report == null ? null : report.toString());
            if (json) {
                stdout.println(PRETTY.writeValueAsString(summary));
            } else {
                EpochMetrics last = result.last();
                stdout.printf("done: %d epochs%s; final train loss %.4f%s%s%n", result.epochs().size(),
                        result.stoppedEarly() ? " (stopped early)" : "", last.trainLoss(),
                        Double.isNaN(last.trainAccuracy()) ? ""
                                : String.format(java.util.Locale.ROOT, ", train accuracy %.4f", last.trainAccuracy()),
                        last.hasTest() && !Double.isNaN(last.testAccuracy())
                                ? String.format(java.util.Locale.ROOT, ", %s accuracy %.4f", evalName,
                                last.testAccuracy()) : "");
                if (result.bestEpoch() > 0) {
                    EpochMetrics best = result.epochs().get(result.bestEpoch() - 1);
                    stdout.printf(java.util.Locale.ROOT, "best epoch %d (%s loss %.4f)%s%n", result.bestEpoch(),
                            best.hasTest() ? evalName : "train", best.hasTest() ? best.testLoss() : best.trainLoss(),
                            restored ? "; the saved model is that epoch's (--restore-best)" : "");
                }
                if (diag != null) {
                    stdout.println(diag.findings().isEmpty() ? "diagnostics: no problems found"
                            : "diagnostics: " + diag.findings().size() + " finding(s):");
                    diag.findings().forEach(f -> stdout.println("  - " + f.message()));
                }
                stdout.println("run folder: " + dir + "  (model: " + dir.resolve(ModelFile.WEIGHTS) + ")");
                if (report != null) {
                    stdout.println("report: " + report);
                }
                stdout.println("next: backprop eval --model " + dir
                        + "   |   backprop inspect " + dir);
            }
            stdout.flush();
        }
        return 0;
    }

    /**
     * Writes the run folder's report.html; a failure to do so is a warning on {@code msg}, not a failed run (the
     * model is already saved), and gives null.
     */
    static Path writeReport(Path dir, PrintWriter msg) {
        try {
            return ReportWriter.write(dir);
        } catch (java.io.IOException | RuntimeException e) {
            msg.println("warning: could not write the report: " + Main.message(e)
                    + " (retry with: backprop report " + dir + ")");
            msg.flush();
            return null;
        }
    }

    /** Writes the findings to the run folder's findings.json (atomically). */
    static void writeFindings(Path dir, List<Finding> findings) throws java.io.IOException {
        AtomicFiles.write(dir.resolve("findings.json"), MetricsJson.findingsDocument(findings));
    }

    static Path newRunDir(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path base = Path.of("runs", name + "-" + stamp);
        Path p = base;
        for (int i = 2; Files.exists(p); i++) {
            p = Path.of(base + "-" + i);
        }
        return p;
    }

    /**
     * The {@code --json} summary. The evaluation set's keys are named after it: {@code validation_loss} and
     * {@code validation_accuracy} for a {@code --val-split} hold-out, {@code test_loss} and {@code test_accuracy}
     * for a test set (also in each epoch's entry).
     */
    static Map<String, Object> summary(Path dir, Sequential model, TrainingResult r, String evalName,
                                       boolean restored) {
        Map<String, Object> m = new LinkedHashMap<>();
        EpochMetrics last = r.last();
        m.put("run", dir.toString());
        m.put("train_loss", last.trainLoss());
        m.put("train_accuracy", MetricsJson.finite(last.trainAccuracy()));
        m.put(evalName + "_loss", MetricsJson.finite(last.testLoss()));
        m.put(evalName + "_accuracy", MetricsJson.finite(last.testAccuracy()));
        m.put("best_epoch", r.bestEpoch() > 0 ? r.bestEpoch() : null);
        m.put("restored_best", restored);
        List<Map<String, Object>> epochs = new ArrayList<>();
        double secs = 0;
        long samples = 0;
        for (EpochMetrics e : r.epochs()) {
            epochs.add(named(MetricsJson.map(e), evalName));
            secs += e.seconds();
            samples += Math.round(e.samplesPerSecond() * e.seconds());
        }
        m.put("epochs", epochs);
        m.put("stopped_early", r.stoppedEarly());
        m.put("samples_per_second", secs > 0 ? samples / secs : 0);
        m.put("parameters", model.parameterCount());
        m.put("zero_weight_fraction", zeroWeightFraction(model));
        return m;
    }

    /** An epoch's map with its evaluation keys named after the set ("validation_loss" for a hold-out). */
    private static Map<String, Object> named(Map<String, Object> epoch, String evalName) {
        if (evalName.equals("test")) {
            return epoch;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        epoch.forEach((k, v) -> out.put(k.startsWith("test_") ? evalName + k.substring(4) : k, v));
        return out;
    }

    /**
     * What a resume changes in the learning-rate schedule, in words: the schedule, the base rate, or (for a schedule
     * that spans the whole run, such as cosine) the number of epochs; and then the rate of the next step before and
     * after. Empty when the resumed run continues as the original one would have.
     */
    static List<String> scheduleChanges(RunConfig before, RunConfig now, int doneEpochs, int batchesPerEpoch) {
        List<String> out = new ArrayList<>();
        if (!java.util.Objects.equals(before.schedule, now.schedule)) {
            out.add("schedule " + before.schedule + " -> " + now.schedule);
        }
        double lr0 = before.optimizer.lr();
        double lr1 = now.optimizer.lr();
        if (lr0 != lr1) {
            out.add("base learning rate " + num(lr0) + " -> " + num(lr1));
        }
        int step = doneEpochs * batchesPerEpoch; // the next step's index, from 0
        long total0 = (long) before.epochs * batchesPerEpoch;
        long total1 = (long) now.epochs * batchesPerEpoch;
        if (total0 > Integer.MAX_VALUE || total1 > Integer.MAX_VALUE) {
            return out;
        }
        double next0 = Setup.schedule(before, (int) total0).lr(step, doneEpochs, lr0);
        double next1 = Setup.schedule(now, (int) total1).lr(step, doneEpochs, lr1);
        if (!before.epochs.equals(now.epochs) && out.isEmpty() && next0 != next1) {
            out.add("epochs " + before.epochs + " -> " + now.epochs + " (the " + now.schedule
                    + " schedule spans the whole run)");
        }
        if (next0 != next1) {
            out.add("the learning rate of the next step is " + num(next1) + " instead of "
                    + num(next0));
        }
        return out;
    }

    /** A rate in few digits, without trailing zeros: 0.05, 0, 1.5e-05 written 0.000015. */
    private static String num(double v) {
        try {
            return new java.math.BigDecimal(Format.general(v, 4)).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return String.valueOf(v);
        }
    }

    /** Fraction of weights (role WEIGHT) that are exactly zero. */
    static double zeroWeightFraction(Sequential model) {
        double zeros = 0;
        long total = 0;
        for (Parameter p : model.parameters()) {
            if (p.role() == Role.WEIGHT && p.value().size() > 0) {
                zeros += Stats.zeroFraction(p.value()) * p.value().size();
                total += p.value().size();
            }
        }
        return total == 0 ? 0 : zeros / total;
    }
}
