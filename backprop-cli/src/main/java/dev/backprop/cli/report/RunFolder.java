package dev.backprop.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.Resumed;
import dev.backprop.diagnose.StepStats;
import dev.backprop.io.ModelFile;
import dev.backprop.io.Safetensors;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a report shows of a run folder written by {@code backprop train}.
 *
 * <p>Required: config.json and metrics.jsonl. Optional: findings.json (absent when diagnostics were off),
 * initial.safetensors (the weights before the first step), evaluation.json, spark.json, and the final weights: model.safetensors, or after a
 * divergence the last checkpoint's model. A required file that is missing, and any file that is malformed, is an
 * {@link IOException} naming the file. metrics.jsonl and findings.json are read into the records that wrote them
 * ({@link MetricsJson}), so the report reads the same schema the training wrote; a number that is null or missing
 * (files of earlier versions lack some) is NaN.
 *
 * @param dir the run folder
 * @param config config.json, an object
 * @param epochs metrics.jsonl's {@code "epoch"} lines, in order
 * @param steps metrics.jsonl's {@code "step"} lines (the logged steps' diagnostics), in order
 * @param findings findings.json's list, or null when there is no findings.json
 * @param initial the weights before training, or null when not saved (resumed or older runs)
 * @param end the weights after training, or null when neither the model nor a checkpoint was saved
 * @param endSource where {@code end} came from ("model.safetensors", "checkpoint/model-e3.safetensors"), or null
 * @param resumes metrics.jsonl's {@code "resume"} marks, where the run was resumed, in order
 * @param evaluation evaluation.json (the final model on the evaluation set: its confusion matrix), or null
 * @param spark spark.json (a run of {@code backprop spark train}: master, partitions, syncEvery), or null
 */
record RunFolder(Path dir, JsonNode config, List<EpochMetrics> epochs, List<StepStats> steps, List<Finding> findings,
                 Map<String, Tensor> initial, Map<String, Tensor> end, String endSource, List<Resumed> resumes,
                 JsonNode evaluation, JsonNode spark) {
    static final String CONFIG = "config.json";
    static final String METRICS = "metrics.jsonl";
    static final String FINDINGS = "findings.json";
    static final String INITIAL = "initial.safetensors";
    static final String EVALUATION = "evaluation.json";
    static final String SPARK = "spark.json";
    private static final ObjectMapper JSON = MetricsJson.mapper();

    /** Reads the run folder {@code dir}. */
    static RunFolder load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such run folder");
        }
        JsonNode config = readJson(require(dir, CONFIG));
        if (!config.isObject()) {
            throw new IOException(dir.resolve(CONFIG) + ": expected a JSON object");
        }
        List<EpochMetrics> epochs = new ArrayList<>();
        List<StepStats> steps = new ArrayList<>();
        List<Resumed> resumes = new ArrayList<>();
        readMetrics(require(dir, METRICS), epochs, steps, resumes);
        Path f = dir.resolve(FINDINGS);
        List<Finding> findings = null;
        if (Files.isRegularFile(f)) {
            JsonNode n = readJson(f);
            if (!n.isArray()) {
                throw new IOException(f + ": expected a JSON list of findings");
            }
            try {
                findings = MetricsJson.findings(n);
            } catch (JsonProcessingException e) {
                throw new IOException(f + ": invalid findings: " + e.getOriginalMessage(), e);
            }
        }
        Path init = dir.resolve(INITIAL);
        Map<String, Tensor> initial = Files.isRegularFile(init) ? Safetensors.read(init) : null;
        String endSource = endSource(dir);
        Map<String, Tensor> end = endSource == null ? null : Safetensors.read(dir.resolve(endSource));
        Path ev = dir.resolve(EVALUATION);
        JsonNode evaluation = Files.isRegularFile(ev, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? readJson(ev) : null;
        if (evaluation != null && !evaluation.path("confusion").isArray()) {
            throw new IOException(ev + ": expected an object with a \"confusion\" list");
        }
        Path sp = dir.resolve(SPARK);
        JsonNode spark = Files.isRegularFile(sp, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? readJson(sp) : null;
        if (spark != null && !spark.isObject()) {
            throw new IOException(sp + ": expected a JSON object");
        }
        return new RunFolder(dir, config, epochs, steps, findings, initial, end, endSource, resumes, evaluation,
                spark);
    }

    private static Path require(Path dir, String name) throws NoSuchFileException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString(), null, "not a run folder written by 'backprop train': missing "
                    + name);
        }
        return p;
    }

    private static JsonNode readJson(Path p) throws IOException {
        try {
            JsonNode n = JSON.readTree(dev.backprop.io.TextFiles.readUtf8(p));
            if (n == null || n.isMissingNode()) {
                throw new IOException(p + ": empty file, expected JSON");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IOException(p + ": invalid JSON" + dev.backprop.io.TextFiles.location(e) + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Sorts metrics.jsonl's lines by type; blank lines and other types are skipped. */
    private static void readMetrics(Path p, List<EpochMetrics> epochs, List<StepStats> steps, List<Resumed> resumes)
            throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            Object line;
            try {
                line = MetricsJson.parseLine(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new IOException(p + ": line " + (i + 1) + ": invalid JSON: " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(p + ": line " + (i + 1) + ": " + e.getMessage());
            }
            switch (line) {
                case EpochMetrics e -> epochs.add(e);
                case StepStats s -> steps.add(s);
                case Resumed r -> resumes.add(r);
                case null, default -> { }
            }
        }
    }

    /** model.safetensors when present, else the model file named by the last checkpoint, else null. */
    private static String endSource(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(ModelFile.WEIGHTS))) {
            return ModelFile.WEIGHTS;
        }
        Path index = dir.resolve("checkpoint").resolve("trainer.json");
        if (!Files.isRegularFile(index)) {
            return null;
        }
        String model = readJson(index).path("model").asText("");
        return model.isEmpty() || !Files.isRegularFile(dir.resolve("checkpoint").resolve(model)) ? null
                : "checkpoint/" + model;
    }

    /** What the evaluation set is called: "validation" when config.json has a --val-split, else "test". */
    String evalName() {
        return config.path("val-split").asDouble(0) > 0 ? "validation" : "test";
    }

    /** Whether the run stopped on a NaN or infinity (a "divergence" finding). */
    boolean diverged() {
        return findings != null && findings.stream().anyMatch(f -> f.kind() == Finding.Kind.DIVERGENCE);
    }
}
