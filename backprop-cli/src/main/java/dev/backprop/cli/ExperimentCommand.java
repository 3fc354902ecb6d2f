package dev.backprop.cli;

import dev.backprop.cli.experiment.ActivationsExperiment;
import dev.backprop.cli.experiment.ExperimentOptions;
import dev.backprop.cli.experiment.ExperimentReport;
import dev.backprop.cli.experiment.ExperimentResult;
import dev.backprop.cli.experiment.RegularizationExperiment;
import dev.backprop.cli.experiment.SymmetryExperiment;
import dev.backprop.cli.experiment.VanishingExperiment;
import dev.backprop.data.FashionMnist;
import dev.backprop.kernel.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backprop experiment NAME}: one of the lecture's experiments, with a table, figures and report.html. */
@Command(name = "experiment", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run one of the lecture's experiments: print a table, write figures (SVG) and a"
                + " self-contained report.html.",
                "  vanishing       per-layer gradient norms of deep networks (§2, §2.1)",
                "  symmetry        constant against random initialization (§3)",
                "  regularization  L2 and L1 over a range of λ; the eq. 2.7 decay (ch. 2)",
                "  activations     activations, penalties, derivatives (Fig. 1.3, 2.2)"},
        footer = {"", "Uses the first samples of Fashion-MNIST when its files exist, else a synthetic set (--data).",
                "", "Examples:", "  backprop experiment vanishing", "  backprop experiment regularization --json",
                "  backprop experiment activations --out figures/"})
final class ExperimentCommand implements Callable<Integer> {
    static final List<String> NAMES = List.of("vanishing", "symmetry", "regularization", "activations");

    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NAME", description = "vanishing|symmetry|regularization|activations")
    String name;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default runs/experiment-NAME-TIMESTAMP).")
    Path out;
    @Option(names = "--json", description = "Print one JSON object with the results on stdout; progress goes to stderr.")
    boolean json;
    @Option(names = "--png", description = "Also write every figure as a PNG image.")
    boolean png;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;
    @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "auto",
            description = "auto|fashion-mnist|synthetic (default ${DEFAULT-VALUE}: Fashion-MNIST when present).")
    String data;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the Fashion-MNIST files.")
    Path dataDir;
    @Option(names = "--samples", paramLabel = "N", description = "Training samples (default: the experiment's own).")
    Integer samples;
    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: the experiment's own).")
    Integer epochs;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter msg = json ? spec.commandLine().getErr() : stdout;
        String n = name.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new UsageError("unknown experiment '" + name + "'; valid: " + String.join("|", NAMES));
        }
        String source = data.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "fashion-mnist", "synthetic").contains(source)) {
            throw new UsageError("unknown --data '" + data + "'; valid: auto|fashion-mnist|synthetic");
        }
        if (samples != null && samples < 20) {
            throw new UsageError("--samples must be at least 20, got " + samples);
        }
        if (epochs != null && epochs < 1) {
            throw new UsageError("--epochs must be at least 1, got " + epochs);
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UsageError("--threads must be at least 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
        ExperimentOptions o = new ExperimentOptions(seed, source, dataDir == null ? FashionMnist.DEFAULT_DIR : dataDir,
                samples == null ? 0 : samples, epochs == null ? 0 : epochs, msg);
        long t0 = System.nanoTime();
        ExperimentResult r = switch (n) {
            case "vanishing" -> VanishingExperiment.run(o);
            case "symmetry" -> SymmetryExperiment.run(o);
            case "regularization" -> RegularizationExperiment.run(o);
            default -> ActivationsExperiment.run(o);
        };
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path dir = out != null ? out : newDir(n);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("experiment", n);
        result.put("out", dir.toString());
        result.put("seed", seed);
        result.put("seconds", seconds);
        result.putAll(r.json());
        List<String> files = ExperimentReport.write(dir, r, result, png);
        result.put("files", files);
        if (json) {
            stdout.println(TrainCommand.PRETTY.writeValueAsString(result));
        } else {
            stdout.println();
            stdout.print(ExperimentReport.tablesText(r));
            stdout.println();
            r.notes().forEach(s -> stdout.println("- " + s));
            stdout.printf(Locale.ROOT, "%ntook %.1f s; report: %s%n", seconds, dir.resolve("report.html"));
        }
        stdout.flush();
        return 0;
    }

    static Path newDir(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path base = Path.of("runs", "experiment-" + name + "-" + stamp);
        Path p = base;
        for (int i = 2; Files.exists(p); i++) {
            p = Path.of(base + "-" + i);
        }
        return p;
    }
}
