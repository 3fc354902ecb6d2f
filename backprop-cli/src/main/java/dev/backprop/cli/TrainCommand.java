package dev.backprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backprop.cli.report.ReportWriter;
import dev.backprop.data.DataLoader;
import dev.backprop.diagnose.Finding;
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

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter msg = json ? spec.commandLine().getErr() : stdout;
        RunConfig c;
        Path dir;
        if (resume != null) {
            Path cfg = resume.resolve("config.json");
            if (!Files.isRegularFile(cfg)) {
                throw new UsageError("--resume " + resume + ": not a run folder (no config.json)");
            }
            c = options.over(RunConfig.read(cfg), spec);
            dir = resume;
        } else {
            c = options.toConfig(spec);
            dir = out;
        }
        Setup.threads(c);
        DType dtype = Setup.dtype(c);
        PreparedData data = PreparedData.load(c);
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
        } else {
            RunFolders.checkResumable(dir);
        }

        Progress progress = new Progress(msg, Progress.interactive(), loader.batchCount(), c.batch, c.epochs);
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
            } else {
                msg.println(model.summary(data.train().featureCount()));
                msg.printf("training on %s: %d samples%s, %d epochs, batch %d%n", data.name(), data.train().size(),
                        data.eval() == null ? "" : " (" + data.eval().size() + " for evaluation)", c.epochs, c.batch);
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
            Path report = writeReport(dir, msg);
            Map<String, Object> summary = summary(dir, model, result);
            summary.put("findings", diag == null ? List.of() : diag.findingMaps());
            summary.put("report", report == null ? null : report.toString());
            if (json) {
                stdout.println(PRETTY.writeValueAsString(summary));
            } else {
                EpochMetrics last = result.last();
                stdout.printf("done: %d epochs%s; final train loss %.4f%s%n", result.epochs().size(),
                        result.stoppedEarly() ? " (stopped early)" : "", last.trainLoss(),
                        last.hasTest() && !Double.isNaN(last.testAccuracy())
                                ? String.format(java.util.Locale.ROOT, ", test accuracy %.4f", last.testAccuracy()) : "");
                if (diag != null) {
                    stdout.println(diag.findings().isEmpty() ? "diagnostics: no problems found"
                            : "diagnostics: " + diag.findings().size() + " finding(s):");
                    diag.findings().forEach(f -> stdout.println("  - " + f.message()));
                }
                stdout.println("run folder: " + dir + "  (model: " + dir.resolve(ModelFile.WEIGHTS) + ")");
                if (report != null) {
                    stdout.println("report: " + report);
                }
                stdout.println("next: backprop eval --model " + dir + " --data " + c.data
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

    static Map<String, Object> summary(Path dir, Sequential model, TrainingResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        EpochMetrics last = r.last();
        m.put("run", dir.toString());
        m.put("train_loss", last.trainLoss());
        m.put("test_loss", MetricsJson.finite(last.testLoss()));
        m.put("test_accuracy", MetricsJson.finite(last.testAccuracy()));
        List<Map<String, Object>> epochs = new ArrayList<>();
        double secs = 0;
        long samples = 0;
        for (EpochMetrics e : r.epochs()) {
            epochs.add(MetricsJson.map(e));
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
