package dev.backprop.cli;

import dev.backprop.diagnose.MetricsJson;
import dev.backprop.io.ModelFile;
import dev.backprop.nn.loss.Loss;
import dev.backprop.train.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop eval}: scores a saved model on a data set: mean loss, accuracy
 * {@code (1/N) * #{n : argmax_c z_nc = y_n}} and the confusion matrix {@code C[true][predicted]}.
 */
@Command(name = "eval", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Score a saved model: loss, accuracy and confusion matrix (rows: true class, columns: predicted).",
                "Features are rescaled with the normaliser saved with the model; data flags not given come from the run's config.json."},
        footer = {"", "Examples:", "  backprop eval --model runs/spirals-20260101-120000",
                "  backprop eval --model runs/fashion --data fashion-mnist --json",
                "  backprop eval --model runs/iris --data iris-test.csv --label-column species"})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run folder (model.json + model.safetensors).")
    Path model;
    @Mixin
    EvalData dataOptions = new EvalData();
    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Evaluation batch size (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--threads", paramLabel = "T", description = "Threads for the forward passes (default: available processors).")
    Integer threads;
    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Score the data N times and report the median pass's speed (default ${DEFAULT-VALUE}; the first pass includes the JIT's warm-up).")
    int repeat;
    @Option(names = "--json", description = "Print one JSON object with the results on stdout.")
    boolean json;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new UsageError("--batch must be at least 1, got " + batch);
        }
        if (repeat < 1 || repeat > 1000) {
            throw new UsageError("--repeat must be between 1 and 1000, got " + repeat);
        }
        if (threads != null && (threads < 1 || threads > 1024)) {
            throw new UsageError("--threads must be between 1 and 1024, got " + threads);
        }
        if (threads != null) {
            dev.backprop.kernel.Parallel.setThreads(threads);
        }
        ModelFile.Loaded loaded = EvalData.loadModel(model);
        EvalData.Resolved data = dataOptions.load(model, loaded.info());
        Loss loss = loaded.info().loss();
        // the forward passes alone are timed (loading and data preparation excluded)
        Evaluation e = null;
        double[] passSeconds = new double[repeat];
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            e = Evaluation.of(loaded.model(), loss, data.data(), batch, loaded.info().dtype());
            passSeconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(passSeconds);
        double seconds = passSeconds[repeat / 2];
        double samplesPerSecond = e.samples() / Math.max(seconds, 1e-9);
        List<String> classes = loaded.info().isClassification() ? loaded.info().classNames() : data.data().classNames();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("data", data.name());
            m.put("loss", MetricsJson.finite(e.loss()));
            m.put("accuracy", MetricsJson.finite(e.accuracy()));
            m.put("samples", e.samples());
            m.put("seconds", seconds);
            m.put("samples_per_second", Math.round(samplesPerSecond));
            m.put("confusion", e.confusion());
            m.put("classes", classes);
            out.println(TrainCommand.PRETTY.writeValueAsString(m));
        } else {
            out.printf(Locale.ROOT, "model: %s%ndata: %s, %d samples%nloss %.6f  accuracy %.4f%n", model, data.name(),
                    e.samples(), e.loss(), e.accuracy());
            out.printf(Locale.ROOT, "forward passes: %.4f s, %.0f samples/s%s%n", seconds, samplesPerSecond,
                    repeat > 1 ? " (median of " + repeat + " passes)" : "");
            out.print(confusionTable(e.confusion(), classes));
        }
        out.flush();
        return 0;
    }

    /** The confusion matrix as a table: a header of predicted classes, one row per true class. */
    static String confusionTable(int[][] confusion, List<String> classes) {
        int width = 5;
        for (String c : classes) {
            width = Math.max(width, c.length());
        }
        for (int[] row : confusion) {
            for (int v : row) {
                width = Math.max(width, Integer.toString(v).length());
            }
        }
        String cell = "%" + (width + 1) + "s";
        StringBuilder sb = new StringBuilder("confusion matrix (rows: true class, columns: predicted class)\n");
        sb.append(String.format(cell, ""));
        for (String c : classes) {
            sb.append(String.format(cell, c));
        }
        sb.append('\n');
        for (int t = 0; t < confusion.length; t++) {
            sb.append(String.format(cell, classes.get(t)));
            for (int v : confusion[t]) {
                sb.append(String.format(cell, v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
