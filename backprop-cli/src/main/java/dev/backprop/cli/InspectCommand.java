package dev.backprop.cli;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.backprop.diagnose.Format;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.Stats;
import dev.backprop.io.ModelFile;
import dev.backprop.io.Safetensors;
import dev.backprop.nn.Module;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.nn.Sequential;
import dev.backprop.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code backprop inspect}: what a saved model holds. Per layer (from model.json when present): its description,
 * output width and parameter count; per tensor: shape, element count and the statistics of its values w_1..w_n:
 * mean, population standard deviation {@code sqrt(mean (w - mean)^2)}, min, max, L2 norm {@code sqrt(sum w^2)} and
 * sparsity, the fraction of elements exactly zero.
 */
@Command(name = "inspect", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Show a saved model's layers, tensors, parameter counts, weight statistics and sparsity.",
                "PATH is a run folder (model.json + model.safetensors) or a .safetensors file."},
        footer = {"", "Examples:", "  backprop inspect runs/spirals-20260101-120000",
                "  backprop inspect weights.safetensors --json"})
final class InspectCommand implements Callable<Integer> {
    /** Buffers PyTorch keeps in a state dict that are not trained. */
    static final Set<String> BUFFER_SUFFIXES = Set.of("running_mean", "running_var", "num_batches_tracked");

    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "PATH", description = "Run folder or FILE.safetensors.")
    Path path;
    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    /** Statistics of one tensor; in --json under the snake_case of the components ({@link MetricsJson#map}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TensorStats(String name, int[] shape, String dtype, long elements, boolean trainable, double mean,
                       double std, double min, double max, double l2Norm, double zeroFraction) {

        /** The statistics of {@code t} (all 0 for an empty tensor), from {@link Stats}. */
        static TensorStats of(String name, Tensor t, boolean trainable) {
            int n = t.size();
            if (n == 0) {
                return new TensorStats(name, t.shape().dims(), t.dtype().label(), 0, trainable, 0, 0, 0, 0, 0, 0);
            }
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double v = t.getFlat(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double[] meanStd = Stats.meanStd(t);
            return new TensorStats(name, t.shape().dims(), t.dtype().label(), n, trainable, meanStd[0], meanStd[1],
                    min, max, Stats.norm(t), Stats.zeroFraction(t));
        }
    }

    @Override
    public Integer call() throws Exception {
        Path weights;
        Path dir;
        if (Files.isDirectory(path)) {
            dir = path;
            weights = path.resolve(ModelFile.WEIGHTS);
        } else if (Files.isRegularFile(path)) {
            weights = path;
            Path parent = path.toAbsolutePath().getParent();
            dir = path.getFileName().toString().equals(ModelFile.WEIGHTS)
                    && Files.isRegularFile(parent.resolve(ModelFile.ARCHITECTURE)) ? parent : null;
        } else {
            throw new NoSuchFileException(path.toString(), null, "no such file or folder");
        }
        if (dir != null && !Files.isRegularFile(dir.resolve(ModelFile.ARCHITECTURE)) && !Files.isRegularFile(weights)) {
            throw new NoSuchFileException(dir.toString(), null, "no model here: expected " + ModelFile.ARCHITECTURE
                    + " and " + ModelFile.WEIGHTS + ", or give a .safetensors file");
        }
        Map<String, Tensor> tensors = Safetensors.read(weights);
        ModelFile.Loaded loaded = dir != null && Files.isRegularFile(dir.resolve(ModelFile.ARCHITECTURE))
                ? ModelFile.load(dir) : null;
        Set<String> trainableNames = loaded == null ? null
                : loaded.model().parameters().stream().map(Parameter::name).collect(Collectors.toSet());
        List<TensorStats> stats = new ArrayList<>();
        tensors.forEach((name, t) -> stats.add(TensorStats.of(name, t,
                trainableNames != null ? trainableNames.contains(name) : !isBuffer(name))));
        Map<String, Object> report = report(weights, loaded, stats);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(TrainCommand.PRETTY.writeValueAsString(report));
        } else {
            print(out, weights, loaded, stats, report);
        }
        out.flush();
        return 0;
    }

    static boolean isBuffer(String name) {
        return BUFFER_SUFFIXES.contains(name.substring(name.lastIndexOf('.') + 1));
    }

    /** The JSON form: file, model info, layers, tensors, totals. */
    static Map<String, Object> report(Path weights, ModelFile.Loaded loaded, List<TensorStats> stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", weights.toString());
        if (loaded != null) {
            m.put("dtype", loaded.info().dtype().label());
            m.put("input_features", loaded.info().inputFeatures());
            m.put("classes", loaded.info().classNames());
            m.put("loss", loaded.info().loss().name());
            m.put("normalizer", loaded.info().normalizer().kind());
            m.put("layers", layers(loaded, stats));
        }
        m.put("tensors", stats.stream().map(MetricsJson::map).toList());
        long params = stats.stream().filter(TensorStats::trainable).mapToLong(TensorStats::elements).sum();
        m.put("parameters", params);
        m.put("zero_weight_fraction", zeroWeightFraction(loaded, stats));
        return m;
    }

    /**
     * One entry per layer: index, description, output width, trainable parameters, and the fraction of its weights
     * (role WEIGHT) that are exactly zero (null for a layer without weights).
     */
    static List<Map<String, Object>> layers(ModelFile.Loaded loaded, List<TensorStats> stats) {
        Map<String, TensorStats> byName = stats.stream().collect(Collectors.toMap(TensorStats::name, s -> s));
        Sequential model = loaded.model();
        List<Map<String, Object>> out = new ArrayList<>();
        int f = loaded.info().inputFeatures();
        for (int i = 0; i < model.size(); i++) {
            Module layer = model.get(i);
            f = layer.outFeatures(f);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("layer", layer.describe());
            m.put("output", f);
            m.put("parameters", layer.parameterCount());
            double zeros = 0;
            long total = 0;
            for (Parameter p : layer.parameters()) {
                TensorStats t = byName.get(i + "." + p.name());
                if (p.role() == Role.WEIGHT && t != null) {
                    zeros += t.zeroFraction() * t.elements();
                    total += t.elements();
                }
            }
            m.put("weight_zero_fraction", total == 0 ? null : Math.round(zeros) / (double) total);
            out.add(m);
        }
        return out;
    }

    /**
     * Zeros among the weights: the parameters of role WEIGHT when the architecture is known, else the trainable
     * tensors of rank 2 (the matrices of linear layers).
     */
    static double zeroWeightFraction(ModelFile.Loaded loaded, List<TensorStats> stats) {
        Set<String> weightNames = loaded == null ? null : loaded.model().parameters().stream()
                .filter(p -> p.role() == Role.WEIGHT).map(Parameter::name).collect(Collectors.toSet());
        double zeros = 0;
        long total = 0;
        for (TensorStats s : stats) {
            boolean weight = weightNames != null ? weightNames.contains(s.name()) : s.trainable() && s.shape().length == 2;
            if (weight) {
                zeros += s.zeroFraction() * s.elements();
                total += s.elements();
            }
        }
        return total == 0 ? 0 : Math.round(zeros) / (double) total;
    }

    private static void print(PrintWriter out, Path weights, ModelFile.Loaded loaded, List<TensorStats> stats,
                              Map<String, Object> report) {
        out.println("file: " + weights);
        if (loaded != null) {
            ModelFile.Info info = loaded.info();
            out.printf("model: %d input features -> %s, loss %s, %s, normaliser %s%n", info.inputFeatures(),
                    info.isClassification() ? info.classNames().size() + " classes " + info.classNames() : "regression",
                    info.loss().name(), info.dtype().label(), info.normalizer().kind());
            out.println();
            out.print(loaded.model().summary(info.inputFeatures()));
        }
        out.println();
        String fmt = "%-22s %-12s %10s %11s %11s %11s %11s %11s %8s%n";
        out.printf(Locale.ROOT, fmt, "tensor", "shape", "elements", "mean", "std", "min", "max", "L2 norm", "zeros");
        for (TensorStats s : stats) {
            out.printf(Locale.ROOT, fmt, s.name() + (s.trainable() ? "" : " (buffer)"), Arrays.toString(s.shape()).replace(" ", ""),
                    String.format(Locale.ROOT, "%,d", s.elements()), num(s.mean()), num(s.std()), num(s.min()),
                    num(s.max()), num(s.l2Norm()), Format.percent(s.zeroFraction(), 2));
        }
        out.printf(Locale.ROOT, "%ntrainable parameters: %,d; weights exactly zero: %.2f%%%n",
                (long) report.get("parameters"), 100 * (double) report.get("zero_weight_fraction"));
    }

    private static String num(double v) {
        return Format.general(v, 4);
    }
}
