package dev.backprop.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.backprop.Model;
import dev.backprop.data.CsvReader;
import dev.backprop.io.AtomicFiles;
import dev.backprop.tensor.DType;
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
 * <p>Input columns: a model that records its feature names (every model trained by this version) reads the columns
 * of those names, in whatever order the file has them, and ignores the others; a missing column is an error naming
 * it. An older model takes every column but {@code --label-column}, by position.
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
    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "For a model that records no feature names: a column of the input to ignore (e.g. the label of a test file). Models that name their features find their columns by name, in any order, and ignore the others.")
    String labelColumn;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    @Override
    public Integer call() throws Exception {
        Model m = Model.load(EvalData.requireRunFolder(model));
        CsvReader.Features rows = m.hasFeatureNames() ? byName(m) : byPosition(m);
        if (output == null) {
            write(spec.commandLine().getOut(), m, rows);
        } else {
            AtomicFiles.write(output, os -> {
                Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
                write(w, m, rows);
                w.flush();
            });
            spec.commandLine().getErr().println("wrote " + rows.rows() + " predictions to " + output);
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    /** The model's feature columns, found by their names in any order; other columns are not read. */
    private CsvReader.Features byName(Model m) throws IOException {
        try {
            return CsvReader.readColumns(input, m.featureNames(), m.dtype());
        } catch (CsvReader.MissingColumnsException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** A model that records no feature names: every column but --label-column, in file order. */
    private CsvReader.Features byPosition(Model m) throws IOException {
        CsvReader.Features rows;
        try {
            rows = CsvReader.readFeatures(input, labelColumn == null ? null : PreparedData.column(labelColumn),
                    m.dtype());
        } catch (IllegalArgumentException e) {
            throw labelColumn != null || !e.getMessage().contains("is not a number") ? e
                    : new IllegalArgumentException(e.getMessage() + " (if that column is the label, skip it with"
                    + " --label-column)", e);
        }
        if (rows.featureCount() != m.inputFeatures()) {
            throw new UsageError(input + " has " + rows.featureCount() + " feature columns " + abbreviate(rows.names())
                    + ", but the model takes " + m.inputFeatures() + " input features"
                    + (labelColumn == null && rows.featureCount() == m.inputFeatures() + 1
                    ? "; if one column is a label, name it with --label-column" : ""));
        }
        return rows;
    }

    /** Writes the header and one line per row. */
    static void write(Writer w, Model model, CsvReader.Features rows) throws IOException {
        CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(w);
        List<String> classes = model.classNames();
        boolean classify = !classes.isEmpty();
        List<String> header = new ArrayList<>();
        if (classify) {
            header.add("prediction");
            classes.forEach(c -> header.add("p_" + c));
        } else {
            for (int j = 0; j < model.outputCount(); j++) {
                header.add("output_" + j);
            }
        }
        csv.writeRecord(header);
        int f = rows.featureCount();
        for (int from = 0; from < rows.rows(); from += CHUNK) {
            int n = Math.min(CHUNK, rows.rows() - from);
            if (model.dtype() == DType.F64) { // the file's values as parsed, probabilities in double
                double[][] x = new double[n][f];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(rows.values(), (from + i) * f, x[i], 0, f);
                }
                for (double[] row : classify ? model.predictProbabilities(x) : model.outputs(x)) {
                    csv.writeRecord(line(row, classify ? classes : null));
                }
                continue;
            }
            float[][] x = new float[n][f];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    x[i][j] = (float) rows.values()[(from + i) * f + j];
                }
            }
            for (float[] row : classify ? model.predictProbabilities(x) : model.outputs(x)) {
                csv.writeRecord(line(row, classify ? classes : null));
            }
        }
        csv.flush();
    }

    /** One row: the arg-max class name and the probabilities, or the raw outputs. */
    private static List<String> line(float[] out, List<String> classes) {
        double[] wide = new double[out.length];
        for (int j = 0; j < out.length; j++) {
            wide[j] = out[j]; // exact: a float prints as its double value
        }
        return line(wide, classes);
    }

    /** {@link #line(float[], List)} for an F64 model's outputs. */
    private static List<String> line(double[] out, List<String> classes) {
        List<String> cells = new ArrayList<>(out.length + 1);
        int best = 0;
        for (int j = 0; j < out.length; j++) {
            if (out[j] > out[best]) {
                best = j;
            }
        }
        if (classes != null) {
            cells.add(classes.get(best));
        }
        for (double v : out) {
            cells.add(String.format(Locale.ROOT, classes != null ? "%.6f" : "%.6g", v));
        }
        return cells;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : "[" + String.join(", ", names.subList(0, 4)) + ", ..., " + names.get(names.size() - 1) + "]";
    }
}
