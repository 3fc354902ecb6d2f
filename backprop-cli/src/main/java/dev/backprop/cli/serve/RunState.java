package dev.backprop.cli.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.io.ModelFile;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the server knows of one run folder between requests: how far it has read its metrics.jsonl (the offset,
 * advanced incrementally, never re-reading what it has read) and the running totals the list of runs shows (epochs,
 * best evaluation accuracy). Everything else (config.json, findings.json, the status) is read again on each
 * {@link #summary}, since those files are small and rewritten atomically.
 *
 * <p>Status: {@code diverged} when findings.json holds a divergence; {@code finished} when model.safetensors was
 * written after the last metrics line; {@code running} when metrics.jsonl (or config.json) changed within
 * {@link #STALE_SECONDS}; else {@code stopped} (interrupted or killed: it can be resumed); {@code error} when the
 * folder is malformed (the message says which file and why).
 */
final class RunState {
    /** A run whose files have not changed for this long, and that did not finish, is shown as stopped. */
    static final long STALE_SECONDS = 600;
    private static final int CHUNK = 4 << 20;

    private final String name;
    private String file;
    private long offset;
    private long line;
    private int epochs;
    private double bestAccuracy = Double.NaN;
    private double lastLoss = Double.NaN;
    private final List<String> errors = new ArrayList<>();

    RunState(String name) {
        this.name = name;
    }

    /** Reads what was appended to metrics.jsonl since the last call, and updates the totals. */
    private void advance(Path metrics) throws IOException {
        for (int guard = 0; guard < 100_000; guard++) {
            MetricsTail.Chunk c = MetricsTail.read(metrics, file, offset, line, CHUNK);
            if (c.reset()) {
                epochs = 0;
                bestAccuracy = Double.NaN;
                lastLoss = Double.NaN;
                errors.clear();
            }
            for (Object r : c.records()) {
                if (r instanceof EpochMetrics e) {
                    epochs = Math.max(epochs, e.epoch());
                    lastLoss = e.trainLoss();
                    if (!Double.isNaN(e.testAccuracy()) && !(e.testAccuracy() <= bestAccuracy)) {
                        bestAccuracy = e.testAccuracy();
                    }
                }
            }
            if (errors.size() < 20) {
                errors.addAll(c.errors().subList(0, Math.min(c.errors().size(), 20 - errors.size())));
            }
            file = c.file();
            offset = c.next();
            line = c.nextLine();
            if (!c.more()) {
                return;
            }
        }
    }

    /**
     * The run as the list of runs shows it: {@code name, status, error, data, layers, optimizer, epochs,
     * best_accuracy, findings, started, report}; never throws for a malformed folder (its {@code error} says what
     * is wrong), so one bad folder does not break the list.
     */
    synchronized ObjectNode summary(RunsRoot root) {
        ObjectNode n = Json.object();
        n.put("name", name);
        Path dir;
        try {
            dir = root.run(name);
        } catch (RunsRoot.Refused e) {
            return error(n, e.getMessage());
        }
        try {
            JsonNode config = config(dir);
            n.put("data", config.path("data").asText(""));
            n.put("layers", config.path("layers").asText(""));
            n.put("activation", config.path("activation").asText(""));
            n.put("optimizer", optimizer(config.path("optimizer")));
            Path metrics = RunsRoot.file(dir, "metrics.jsonl");
            BasicFileAttributes ma = null;
            if (metrics != null) {
                advance(metrics);
                ma = RunsRoot.attributes(metrics);
            }
            List<Finding> findings = findings(dir);
            n.put("epochs", epochs);
            Json.put(n, "best_accuracy", bestAccuracy);
            Json.put(n, "last_loss", lastLoss);
            n.put("findings", findings == null ? 0 : findings.size());
            BasicFileAttributes started = RunsRoot.attributes(dir.resolve("initial.safetensors"));
            BasicFileAttributes ca = RunsRoot.attributes(dir.resolve("config.json"));
            n.put("started", (started != null ? started : ca).lastModifiedTime().toInstant().toString());
            n.put("status", status(dir, findings, ma, ca));
            n.put("report", RunsRoot.file(dir, "report.html") != null);
            if (!errors.isEmpty()) {
                n.put("warning", String.join("; ", errors));
            }
            return n;
        } catch (RunsRoot.Refused e) {
            return error(n, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return error(n, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static ObjectNode error(ObjectNode n, String message) {
        n.put("status", "error");
        n.put("error", message);
        return n;
    }

    private static String status(Path dir, List<Finding> findings, BasicFileAttributes metrics,
                                 BasicFileAttributes config) {
        if (findings != null && findings.stream().anyMatch(f -> f.kind() == Finding.Kind.DIVERGENCE)) {
            return "diverged";
        }
        BasicFileAttributes model = RunsRoot.attributes(dir.resolve(ModelFile.WEIGHTS));
        BasicFileAttributes last = metrics != null ? metrics : config;
        if (model != null && model.isRegularFile() && RunsRoot.attributes(dir.resolve("model.json")) != null
                && model.lastModifiedTime().compareTo(last.lastModifiedTime()) >= 0) {
            return "finished";
        }
        Instant changed = last.lastModifiedTime().toInstant();
        if (config.lastModifiedTime().toInstant().isAfter(changed)) {
            changed = config.lastModifiedTime().toInstant();
        }
        return changed.isAfter(Instant.now().minusSeconds(STALE_SECONDS)) ? "running" : "stopped";
    }

    /** config.json of a run folder, an object. */
    static JsonNode config(Path dir) throws IOException, RunsRoot.Refused {
        Path p = RunsRoot.file(dir, "config.json");
        if (p == null) {
            throw new IOException("not a run folder written by 'backprop train': no config.json");
        }
        JsonNode n;
        try {
            n = MetricsJson.mapper().readTree(new String(RunsRoot.read(p), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException("config.json: invalid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IOException("config.json: expected a JSON object");
        }
        return n;
    }

    /** findings.json of a run folder, or null when there is none (yet). */
    static List<Finding> findings(Path dir) throws IOException, RunsRoot.Refused {
        Path p = RunsRoot.file(dir, "findings.json");
        if (p == null) {
            return null;
        }
        try {
            return MetricsJson.parseFindings(new String(RunsRoot.read(p), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException("findings.json: invalid: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new IOException("findings.json: " + e.getMessage());
        }
    }

    /** "sgd lr 0.05 momentum 0.9" from config.json's optimizer object (or its text). */
    static String optimizer(JsonNode o) {
        if (!o.isObject()) {
            return o.asText("");
        }
        StringBuilder b = new StringBuilder(o.path("type").asText("?"));
        o.fields().forEachRemaining(f -> {
            JsonNode v = f.getValue();
            if (!f.getKey().equals("type") && !(v.isNumber() && v.asDouble() == 0) && !(v.isBoolean() && !v.asBoolean())) {
                b.append(' ').append(f.getKey()).append(' ').append(v.isTextual() ? v.asText() : v.toString());
            }
        });
        return b.toString();
    }
}
