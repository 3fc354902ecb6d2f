package dev.backprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.StepContext;
import dev.backprop.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Appends one JSON object per line to the run folder's metrics.jsonl: {@code {"type": "epoch", ...}} after every
 * epoch and {@code {"type": "step", ...}} every {@code logEvery} steps, with whatever extra fields a
 * {@code stepFields} function adds (the diagnostics).
 */
final class MetricsLog implements TrainingListener, AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter w;
    private final int logEvery;
    private final Function<StepContext, Map<String, Object>> stepFields;

    MetricsLog(Path file, int logEvery, Function<StepContext, Map<String, Object>> stepFields) throws IOException {
        this.w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.logEvery = logEvery;
        this.stepFields = stepFields;
    }

    @Override
    public void afterStep(StepContext s) {
        if (logEvery > 0 && s.step() % logEvery == 0) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "step");
            m.put("step", s.step());
            m.put("epoch", s.epoch());
            m.put("loss", s.loss());
            m.put("lr", s.lr());
            if (stepFields != null) {
                m.putAll(stepFields.apply(s));
            }
            write(m);
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "epoch");
        m.putAll(epochMap(e));
        write(m);
    }

    static Map<String, Object> epochMap(EpochMetrics e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", e.epoch());
        m.put("seconds", e.seconds());
        m.put("train_loss", e.trainLoss());
        m.put("penalty", e.penalty());
        m.put("test_loss", e.hasTest() ? e.testLoss() : null);
        m.put("test_accuracy", Double.isNaN(e.testAccuracy()) ? null : e.testAccuracy());
        m.put("samples_per_second", e.samplesPerSecond());
        m.put("lr", e.lr());
        return m;
    }

    void write(Map<String, Object> m) {
        try {
            w.write(JSON.writeValueAsString(m));
            w.newLine();
            w.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() throws IOException {
        w.close();
    }
}
