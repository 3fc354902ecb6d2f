package dev.backprop.cli;

import dev.backprop.diagnose.MetricsJson;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one JSON object per line to the run folder's metrics.jsonl, in the schema of {@link MetricsJson}:
 * {@code {"type": "epoch", ...}} after every epoch, and whatever else is handed to {@link #write} (the diagnostics'
 * {@code "step"} and {@code "epoch_diagnostics"} records).
 */
final class MetricsLog implements TrainingListener, AutoCloseable {
    private final Path file;
    private BufferedWriter w;

    /** A log of {@code file}, opened (for appending) at the first line written, not before. */
    MetricsLog(Path file) {
        this.file = file;
    }

    private BufferedWriter writer() throws IOException {
        if (w == null) {
            // never through a symbolic link: a metrics.jsonl that links elsewhere fails to open instead of writing
            w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        return w;
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        write(e);
    }

    /** Appends the line of {@code record}: a StepStats, EpochMetrics or EpochSummary ({@link MetricsJson#line}). */
    void write(Object record) {
        try {
            BufferedWriter out = writer();
            out.write(MetricsJson.line(record));
            out.newLine();
            out.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() throws IOException {
        if (w != null) {
            w.close();
        }
    }
}
