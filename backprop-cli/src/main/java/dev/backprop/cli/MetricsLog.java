package dev.backprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.train.EpochMetrics;
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

/**
 * Appends one JSON object per line to the run folder's metrics.jsonl: {@code {"type": "epoch", ...}} after every
 * epoch, and whatever else is handed to {@link #write} (the diagnostics' {@code "step"} and
 * {@code "epoch_diagnostics"} objects).
 */
final class MetricsLog implements TrainingListener, AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter w;

    MetricsLog(Path file) throws IOException {
        this.w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
