package dev.backprop.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.data.CsvReader;
import dev.backprop.io.AtomicFiles;
import dev.backprop.io.ModelFile;
import dev.backprop.nn.Sequential;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop predict}: runs a saved classifier on the rows of a CSV file and writes, per row, the predicted
 * class and the class probabilities {@code p_c = softmax(z)_c = exp(z_c) / sum_k exp(z_k)} of the logits z.
 *
 * <p>Output (CSV with a header, one line per input row, in input order):
 * {@code prediction,p_<class 1>,...,p_<class K>}, probabilities with 6 decimals. A model without classes (regression)
 * writes its raw outputs as {@code output_0,...}.
 */
@Command(name = "predict", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Predict the class of each row of a CSV file with a saved model.",
                "Output: CSV with header prediction,p_<class>,... (softmax probabilities); features are rescaled with the model's normaliser."},
        footer = {"", "Examples:", "  backprop predict --model runs/iris --input new-flowers.csv",
                "  backprop predict --model runs/iris --input iris-test.csv --label-column species --output predictions.csv"})
final class PredictCommand implements Callable<Integer> {
    static final int CHUNK = 1024;

    @Spec
    CommandSpec spec;
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run folder (model.json + model.safetensors).")
    Path model;
    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "Rows to classify: a header, then one row of numeric features per line.")
    Path input;
    @Option(names = "--output", paramLabel = "FILE", description = "Write the predictions here (atomically) instead of stdout.")
    Path output;
    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "A column of the input to ignore (e.g. the label of a test file).")
    String labelColumn;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    @Override
    public Integer call() throws Exception {
        ModelFile.Loaded loaded = EvalData.loadModel(model);
        ModelFile.Info info = loaded.info();
        CsvReader.Features rows;
        try {
            rows = CsvReader.readFeatures(input, labelColumn == null ? null : PreparedData.column(labelColumn));
        } catch (IllegalArgumentException e) {
            throw labelColumn != null || !e.getMessage().contains("is not a number") ? e
                    : new IllegalArgumentException(e.getMessage() + " (if that column is the label, skip it with"
                    + " --label-column)", e);
        }
        if (rows.featureCount() != info.inputFeatures()) {
            throw new UsageError(input + " has " + rows.featureCount() + " feature columns " + abbreviate(rows.names())
                    + ", but the model takes " + info.inputFeatures() + " input features"
                    + (labelColumn == null && rows.featureCount() == info.inputFeatures() + 1
                    ? "; if one column is a label, name it with --label-column" : ""));
        }
        if (output == null) {
            write(spec.commandLine().getOut(), loaded.model(), info, rows);
        } else {
            AtomicFiles.write(output, os -> {
                Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
                write(w, loaded.model(), info, rows);
                w.flush();
            });
            spec.commandLine().getErr().println("wrote " + rows.rows() + " predictions to " + output);
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    /** Writes the header and one line per row. */
    static void write(Writer w, Sequential model, ModelFile.Info info, CsvReader.Features rows) throws IOException {
        CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(w);
        boolean classify = info.isClassification();
        int f = rows.featureCount();
        int k = model.outFeatures(f);
        List<String> header = new ArrayList<>();
        if (classify) {
            header.add("prediction");
            info.classNames().forEach(c -> header.add("p_" + c));
        } else {
            for (int j = 0; j < k; j++) {
                header.add("output_" + j);
            }
        }
        csv.writeRecord(header);
        model.eval();
        for (int from = 0; from < rows.rows(); from += CHUNK) {
            int n = Math.min(CHUNK, rows.rows() - from);
            float[] x = new float[n * f];
            System.arraycopy(rows.values(), from * f, x, 0, x.length);
            for (int i = 0; i < n; i++) {
                info.normalizer().applyInPlace(x, i * f, f);
            }
            Tensor out;
            try (NoGrad ignored = NoGrad.enter()) {
                Variable z = model.forward(Variable.constant(Tensor.of(x, n, f).to(info.dtype())));
                out = classify ? Ops.softmax(z).value() : z.value();
            }
            for (int i = 0; i < n; i++) {
                csv.writeRecord(line(out, i, k, classify ? info.classNames() : null));
            }
        }
        csv.flush();
    }

    /** Row {@code i}: the arg-max class name and the probabilities, or the raw outputs. */
    private static List<String> line(Tensor out, int i, int k, List<String> classes) {
        List<String> cells = new ArrayList<>(k + 1);
        int best = 0;
        for (int j = 0; j < k; j++) {
            if (out.getFlat(i * k + j) > out.getFlat(i * k + best)) {
                best = j;
            }
        }
        if (classes != null) {
            cells.add(classes.get(best));
        }
        for (int j = 0; j < k; j++) {
            cells.add(String.format(Locale.ROOT, classes != null ? "%.6f" : "%.6g", out.getFlat(i * k + j)));
        }
        return cells;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : "[" + String.join(", ", names.subList(0, 4)) + ", ..., " + names.get(names.size() - 1) + "]";
    }
}
