package dev.backprop.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.Format;
import dev.backprop.diagnose.LayerStats;
import dev.backprop.diagnose.ParamStats;
import dev.backprop.diagnose.Stats;
import dev.backprop.diagnose.StepStats;
import dev.backprop.io.AtomicFiles;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes a run folder's report.html: one self-contained page (inline CSS and inline SVG charts, no scripts, no
 * external resources, so it opens offline) that shows how the training went and why it may have failed.
 *
 * <p>Sections, each with an {@code id}: {@code summary}, {@code config} (config.json as a table), {@code findings}
 * (each finding's kind, layer, step and message, or "No problems found."), {@code epochs}
 * (loss, and training beside validation or test accuracy, per epoch), {@code confusion} (the final model's confusion
 * matrix on the evaluation set, from evaluation.json, as a heat map with each class's precision and recall),
 * {@code gradients} (per-layer weight-gradient norms and the gradient flowing into
 * each layer, over the logged steps, log scale), {@code updates} (update-to-weight ratios ‖Δw‖/‖w‖, log scale),
 * {@code activations} (fraction of saturated sigmoid/tanh units and of dead ReLU-family units over steps),
 * {@code weights} (a histogram per weight matrix at the start and the end), {@code sparsity} (fraction of weights
 * exactly zero, and weight norms, per layer). Every chart is a
 * {@code <figure class="chart">} holding one {@code <svg>}; a section without data says so in words instead, and so
 * does a chart that would have nothing to show ({@link #omitted}). Layers are named as findings name them
 * ({@link dev.backprop.diagnose.Format#layer}); a resumed run is marked on every chart over epochs or steps.
 *
 * <p>The charts and the data they draw are {@link #charts}: the page draws exactly that list, each chart in its
 * section. The run folder is read into the records that training wrote ({@link RunFolder}), never by JSON key.
 */
public final class ReportWriter {
    /** The report's file name inside a run folder. */
    public static final String FILE = "report.html";
    private static final int HISTOGRAM_BINS = 40;

    private ReportWriter() {
    }

    /**
     * Reads the run folder {@code runDir} and writes its report to {@code out} (atomically).
     *
     * @throws IOException naming the file when a required run-folder file (config.json, metrics.jsonl) is missing
     *     or any is malformed
     */
    public static void write(Path runDir, Path out) throws IOException {
        String html = html(RunFolder.load(runDir));
        AtomicFiles.write(out, html.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the report of {@code runDir} to {@code runDir/report.html} and returns that path. */
    public static Path write(Path runDir) throws IOException {
        Path out = runDir.resolve(FILE);
        write(runDir, out);
        return out;
    }

    static String html(RunFolder run) {
        List<ChartSpec> charts = charts(run);
        Map<String, List<String>> omitted = omitted(run);
        Html h = new Html();
        h.open("Training report: " + run.dir().toAbsolutePath().normalize().getFileName());
        h.raw("<div class=\"top\">\n");
        summary(h, run);
        config(h, run);
        h.endRow();
        findings(h, run);
        epochs(h, run, in(charts, EPOCHS));
        confusion(h, run, in(charts, CONFUSION));
        stepSection(h, run, GRADIENTS, "Gradient norms per layer", in(charts, GRADIENTS), null,
                omitted.get(GRADIENTS));
        stepSection(h, run, UPDATES, "Update-to-weight ratios", in(charts, UPDATES), null, omitted.get(UPDATES));
        stepSection(h, run, ACTIVATIONS, "Saturated and dead units", in(charts, ACTIVATIONS),
                "No sigmoid, tanh or ReLU-family layer: nothing can saturate or die.", omitted.get(ACTIVATIONS));
        weights(h, run, in(charts, WEIGHTS));
        sparsity(h, run, in(charts, SPARSITY), omitted.get(SPARSITY));
        return h.close();
    }

    /** Ids of the sections that hold charts. */
    static final String EPOCHS = "epochs";
    static final String GRADIENTS = "gradients";
    static final String UPDATES = "updates";
    static final String ACTIVATIONS = "activations";
    static final String WEIGHTS = "weights";
    static final String SPARSITY = "sparsity";
    static final String CONFUSION = "confusion";

    /**
     * Every chart of the report of {@code run}, in page order, with the data it draws: what the page shows, so that
     * a test can check that each chart has something to draw.
     */
    static List<ChartSpec> charts(RunFolder run) {
        return planned(run).stream().filter(c -> emptyReason(run, c) == null).toList();
    }

    /**
     * The charts left out of the report of {@code run} because they would have nothing to show, by section: for
     * each, one sentence that says why (instead of an empty frame).
     */
    static Map<String, List<String>> omitted(RunFolder run) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (ChartSpec c : planned(run)) {
            String why = emptyReason(run, c);
            if (why != null) {
                out.computeIfAbsent(c.section(), k -> new ArrayList<>()).add(why);
            }
        }
        return out;
    }

    private static List<ChartSpec> planned(RunFolder run) {
        List<ChartSpec> out = new ArrayList<>();
        epochCharts(run, out);
        confusionChart(run, out);
        if (!run.steps().isEmpty()) {
            stepCharts(run, out);
        }
        weightCharts(run, out);
        return out;
    }

    /** Why {@code c} has nothing to show, or null when it has. */
    static String emptyReason(RunFolder run, ChartSpec c) {
        if (c.kind() == ChartSpec.Kind.BARS && c.title().equals(ZERO_TITLE)) {
            boolean anyZero = c.values().stream().flatMapToDouble(v -> java.util.Arrays.stream(v.values()))
                    .anyMatch(v -> v > 0);
            if (!anyZero) {
                return run.config().path("l1").asDouble(0) > 0
                        ? "No weight is exactly zero, at the start or at the end, although --l1 is set: the penalty"
                                + " is too weak to zero any weight yet."
                        : "No L1: no weights are exactly zero (only an L1 penalty, --l1, drives weights to exactly 0;"
                                + " L2 merely shrinks them), so there is no sparsity chart.";
            }
        }
        if (c.drawnPoints().values().stream().allMatch(n -> n == 0)) {
            return "'" + c.title() + "' has nothing to draw: " + (c.logY()
                    ? "every value is 0 or missing, and a logarithmic scale cannot show 0."
                    : "every value is missing.");
        }
        return null;
    }

    private static final String ZERO_TITLE = "Weights exactly zero";

    private static List<ChartSpec> in(List<ChartSpec> charts, String section) {
        return charts.stream().filter(c -> c.section().equals(section)).toList();
    }

    // ---------------------------------------------------------------- charts

    private static void epochCharts(RunFolder run, List<ChartSpec> out) {
        if (run.epochs().isEmpty()) {
            return;
        }
        String ev = run.evalName();
        List<Charts.Marker> marks = run.resumes().stream().map(r -> new Charts.Marker(r.epoch() + 0.5,
                resumeLabel(r))).toList();
        List<Charts.Series> loss = new ArrayList<>();
        loss.add(epochSeries(run, "train loss", EpochMetrics::trainLoss));
        Charts.Series test = epochSeries(run, ev + " loss", EpochMetrics::testLoss);
        if (anyFinite(test.y())) {
            loss.add(test);
        }
        out.add(ChartSpec.line(EPOCHS, "Loss", "epoch", "loss", loss, false,
                "Training loss (mean over the epoch's batches)"
                        + (loss.size() > 1 ? " and loss on the " + ev + " set" : "") + resumeCaption(run) + ".")
                .withMarkers(marks));
        List<Charts.Series> acc = new ArrayList<>();
        Charts.Series train = epochSeries(run, "train accuracy", EpochMetrics::trainAccuracy);
        if (anyFinite(train.y())) {
            acc.add(train);
        }
        Charts.Series held = epochSeries(run, ev + " accuracy", EpochMetrics::testAccuracy);
        if (anyFinite(held.y())) {
            acc.add(held);
        }
        if (!acc.isEmpty()) {
            out.add(ChartSpec.line(EPOCHS, "Accuracy", "epoch", "accuracy", acc, false,
                    (anyFinite(train.y()) ? "Training accuracy (the epoch's batches as the model scored them while"
                            + " it trained, dropout on)" + (anyFinite(held.y()) ? " beside the " : "") : "")
                            + (anyFinite(held.y()) ? (anyFinite(train.y()) ? ev : capitalized(ev))
                            + " accuracy after each epoch" : "") + resumeCaption(run) + ".")
                    .yRange(0.05, false).withMarkers(marks));
        }
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** "resumed" at a resume mark, "resumed, new schedule" when the resume changed the learning rate. */
    private static String resumeLabel(dev.backprop.diagnose.Resumed r) {
        return r.changes().isEmpty() ? "resumed" : "resumed, new schedule";
    }

    /** "; the dashed line marks where the run was resumed" for a resumed run, else "". */
    private static String resumeCaption(RunFolder run) {
        return run.resumes().isEmpty() ? "" : "; the dashed line" + (run.resumes().size() > 1 ? "s mark where" : " marks"
                + " where") + " the run was resumed";
    }

    /** The confusion matrix of the final model on the evaluation set (evaluation.json), as a heat map. */
    private static void confusionChart(RunFolder run, List<ChartSpec> out) {
        JsonNode ev = run.evaluation();
        if (ev == null || !ev.path("classes").isArray() || ev.path("classes").isEmpty()) {
            return;
        }
        List<String> classes = new ArrayList<>();
        ev.get("classes").forEach(c -> classes.add(c.asText()));
        List<Charts.Values> rows = new ArrayList<>();
        JsonNode m = ev.get("confusion");
        for (int t = 0; t < classes.size(); t++) {
            double[] row = new double[classes.size()];
            for (int p = 0; p < row.length; p++) {
                row[p] = m.path(t).path(p).asDouble(0);
            }
            rows.add(new Charts.Values(classes.get(t), row));
        }
        String set = ev.path("set").asText(run.evalName());
        out.add(ChartSpec.heatmap(CONFUSION, "Confusion matrix (" + set + " set)", classes, rows,
                "The final model on the " + set + " set: each row is a true class, each column the class predicted;"
                        + " a cell's shade is its share of the row, so the diagonal shows each class's recall."));
    }

    private static void stepCharts(RunFolder run, List<ChartSpec> out) {
        List<ChartSpec> charts = new ArrayList<>();
        stepChartsUnmarked(run, charts);
        List<Charts.Marker> marks = run.resumes().stream().map(r -> new Charts.Marker(r.step() + 0.5,
                resumeLabel(r))).toList();
        charts.forEach(c -> out.add(c.withMarkers(marks)));
    }

    private static void stepChartsUnmarked(RunFolder run, List<ChartSpec> out) {
        out.add(ChartSpec.line(GRADIENTS, "Weight gradient norm ‖∂L/∂W‖", "step", "norm (log scale)",
                layerSeries(run, l -> weightStat(l, ParamStats::gradNorm)), true,
                "Norm of each layer's weight gradient. Lines far apart (many powers of ten) mean vanishing or "
                        + "exploding gradients: the lower layers learn much more slowly than the upper ones."));
        out.add(ChartSpec.line(GRADIENTS, "Gradient flowing into each layer", "step", "‖∂L/∂output‖ (log scale)",
                layerSeries(run, LayerStats::outputGradNorm), true,
                "Norm of the gradient of the loss with respect to each layer's output, as backpropagation "
                        + "passes it down the network."));
        out.add(ChartSpec.line(UPDATES, "Update ratio ‖ΔW‖/‖W‖", "step", "ratio (log scale)",
                layerSeries(run, l -> weightStat(l, ParamStats::updateRatio)), true,
                "How much one optimizer step changes each weight matrix, relative to its size. Around 1e-3 is "
                        + "usual; far below, the layer barely learns; near 1, the learning rate is too high."));
        List<Charts.Series> sat = layerSeries(run, LayerStats::saturatedFraction);
        if (!sat.isEmpty()) {
            out.add(ChartSpec.line(ACTIVATIONS, "Saturated units (sigmoid, tanh)", "step", "fraction", sat, false,
                    "Fraction of units whose pre-activation lies where the derivative is below 1% of its maximum: "
                            + "they pass almost no gradient back.").yRange(0.05, true));
        }
        List<Charts.Series> dead = layerSeries(run, LayerStats::deadFraction);
        if (!dead.isEmpty()) {
            out.add(ChartSpec.line(ACTIVATIONS, "Dead units (ReLU family)", "step", "fraction", dead, false,
                    "Fraction of units that output zero for every sample of the batch, so they pass no gradient.")
                    .yRange(0.05, true));
        }
    }

    private static void weightCharts(RunFolder run, List<ChartSpec> out) {
        Map<String, Tensor> any = run.end() != null ? run.end() : run.initial();
        if (any == null) {
            return;
        }
        List<String> names = weightNames(any);
        for (String name : names) {
            List<Charts.Values> samples = new ArrayList<>();
            if (run.initial() != null && run.initial().containsKey(name)) {
                samples.add(new Charts.Values("start", values(run.initial().get(name))));
            }
            if (run.end() != null && run.end().containsKey(name)) {
                samples.add(new Charts.Values("end", values(run.end().get(name))));
            }
            out.add(ChartSpec.histogram(WEIGHTS, layerTitle(run, name), "weight", samples, HISTOGRAM_BINS,
                    name + " " + any.get(name).shape()));
        }
        List<String> labels = names.stream().map(n -> layerTitle(run, n)).toList();
        List<Charts.Values> zero = new ArrayList<>();
        if (run.initial() != null) {
            zero.add(new Charts.Values("start", names.stream().mapToDouble(n -> zeroFraction(run.initial().get(n)))
                    .toArray()));
        }
        if (run.end() != null) {
            zero.add(new Charts.Values("end", names.stream().mapToDouble(n -> zeroFraction(run.end().get(n)))
                    .toArray()));
        }
        out.add(ChartSpec.bars(SPARSITY, ZERO_TITLE, "layer", "fraction of weights", labels, zero,
                "Fraction of each weight matrix's entries that are exactly 0 (L1 regularization drives weights "
                        + "to exactly zero; L2 only shrinks them).").yRange(0.05, true));
    }

    // ---------------------------------------------------------------- sections

    private static void summary(Html h, RunFolder run) {
        h.section("summary", "Summary");
        EpochMetrics last = run.epochs().isEmpty() ? null : run.epochs().getLast();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("run folder", run.dir().toAbsolutePath().normalize().toString());
        rows.put("outcome", run.diverged() ? "diverged (see the findings)" : last == null ? "no epoch completed"
                : "completed " + run.epochs().size() + " epoch(s)");
        if (last != null) {
            String ev = run.evalName();
            rows.put("final train loss", fmt(last.trainLoss()));
            rows.put("final train accuracy", fmt(last.trainAccuracy()));
            rows.put("final " + ev + " loss", fmt(last.testLoss()));
            rows.put("final " + ev + " accuracy", fmt(last.testAccuracy()));
            EpochMetrics best = null;
            for (EpochMetrics e : run.epochs()) {
                double v = e.hasTest() ? e.testLoss() : e.trainLoss();
                if (best == null || v < (best.hasTest() ? best.testLoss() : best.trainLoss())) {
                    best = e;
                }
            }
            rows.put("best epoch", best.epoch() + " (" + (best.hasTest() ? ev : "train") + " loss "
                    + fmt(best.hasTest() ? best.testLoss() : best.trainLoss()) + ")"
                    + (run.config().path("restore-best").asBoolean(false) ? ", the model saved" : ""));
        }
        for (dev.backprop.diagnose.Resumed r : run.resumes()) {
            rows.put("resumed after epoch " + r.epoch(), r.changes().isEmpty() ? "same schedule"
                    : String.join("; ", r.changes()));
        }
        rows.put("findings", run.findings() == null ? "diagnostics off" : String.valueOf(run.findings().size()));
        h.table(List.of("", ""), rows.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList(), true);
        h.end();
    }

    /**
     * config.json's settings as a two-column list of name, value pairs (first half left, second half right). An
     * object with a "type" (the optimizer) shows as its type, followed by one row per hyper-parameter.
     */
    private static void config(Html h, RunFolder run) {
        h.section("config", "Configuration");
        List<String> cells = new ArrayList<>();
        run.config().properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isObject() && v.path("type").isTextual()) {
                cells.add(e.getKey());
                cells.add(v.get("type").asText());
                v.properties().forEach(p -> {
                    if (!p.getKey().equals("type")) {
                        cells.add(p.getKey());
                        cells.add(p.getValue().isValueNode() ? p.getValue().asText() : p.getValue().toString());
                    }
                });
                return;
            }
            cells.add(e.getKey());
            cells.add(v.isValueNode() ? v.asText() : v.toString());
        });
        List<List<String>> rows = new ArrayList<>();
        int half = (cells.size() / 2 + 1) / 2 * 2;
        for (int i = 0; i < half; i += 2) {
            List<String> row = new ArrayList<>(cells.subList(i, i + 2));
            if (half + i < cells.size()) {
                row.addAll(cells.subList(half + i, half + i + 2));
            }
            rows.add(row);
        }
        h.table(List.of(), rows, true);
        if (run.spark() != null) {
            // a run of backprop spark train: where and how it ran, which config.json has no key for
            List<List<String>> spark = new ArrayList<>();
            run.spark().properties().forEach(e -> spark.add(List.of(e.getKey().replace('_', ' '),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString())));
            h.note("Trained on Apache Spark (spark.json):");
            h.table(List.of(), spark, true);
        }
        h.end();
    }

    private static void epochs(Html h, RunFolder run, List<ChartSpec> charts) {
        h.section(EPOCHS, "Loss and accuracy per epoch");
        if (run.epochs().isEmpty()) {
            h.note("No epoch completed, so there is no per-epoch metric.");
            h.end();
            return;
        }
        h.charts(charts, false);
        List<List<String>> rows = new ArrayList<>();
        for (EpochMetrics e : run.epochs()) {
            rows.add(List.of(String.valueOf(e.epoch()), fmt(e.trainLoss()), fmt(e.trainAccuracy()), fmt(e.penalty()),
                    fmt(e.testLoss()), fmt(e.testAccuracy()), fmt(e.lr()), fmt(e.seconds())));
        }
        String ev = run.evalName();
        h.table(List.of("epoch", "train loss", "train accuracy", "penalty", ev + " loss", ev + " accuracy",
                "learning rate", "seconds"), rows, false);
        h.end();
    }

    /** The confusion matrix as a picture, with each class's precision and recall beside it. */
    private static void confusion(Html h, RunFolder run, List<ChartSpec> charts) {
        h.section(CONFUSION, "Confusion matrix");
        JsonNode ev = run.evaluation();
        if (charts.isEmpty() || ev == null) {
            h.note("No confusion matrix: the run had no evaluation set (or is not a classification), or was written"
                    + " by a version that did not keep one (evaluation.json).");
            h.end();
            return;
        }
        h.charts(charts, false);
        List<String> classes = charts.getFirst().categories();
        List<Charts.Values> rows = charts.getFirst().values();
        List<List<String>> table = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            double tp = rows.get(c).values()[c];
            double actual = java.util.Arrays.stream(rows.get(c).values()).sum();
            double predicted = 0;
            for (Charts.Values r : rows) {
                predicted += r.values()[c];
            }
            table.add(List.of(classes.get(c), fmt(actual), fmt(predicted), predicted == 0 ? "–" : fmt(tp / predicted),
                    actual == 0 ? "–" : fmt(tp / actual)));
        }
        h.note("Precision: of the samples predicted as the class, the share that are; recall: of the samples of the"
                + " class, the share predicted as it.");
        h.table(List.of("class", "samples", "predicted", "precision", "recall"), table, false);
        h.end();
    }

    /**
     * A section of per-step charts: a note instead when no step was logged, and {@code ifNone} when the run logged
     * steps but none of the section's charts has data (null: the section always has charts then).
     */
    private static void stepSection(Html h, RunFolder run, String id, String title, List<ChartSpec> charts,
                                    String ifNone, List<String> omitted) {
        h.section(id, title);
        if (noSteps(h, run)) {
            return;
        }
        if (charts.isEmpty() && ifNone != null && omitted == null) {
            h.note(ifNone);
        }
        if (omitted != null) {
            omitted.forEach(h::note);
        }
        h.charts(charts, false);
        h.end();
    }

    private static void weights(Html h, RunFolder run, List<ChartSpec> charts) {
        h.section(WEIGHTS, "Weight histograms");
        if (run.end() == null && run.initial() == null) {
            h.note("Neither the initial nor the final weights were saved in this run folder.");
            h.end();
            return;
        }
        h.note("Distribution of each weight matrix's entries"
                + (run.initial() != null ? " at the start" : " (no initial.safetensors: start not shown)")
                + (run.end() != null ? " and at the end (" + run.endSource() + ")." : " (no final weights saved)."));
        h.charts(charts, true);
        h.end();
    }

    private static void sparsity(Html h, RunFolder run, List<ChartSpec> charts, List<String> omitted) {
        h.section(SPARSITY, "Sparsity and weight norms");
        Map<String, Tensor> any = run.end() != null ? run.end() : run.initial();
        if (any == null) {
            h.note("No weights were saved in this run folder.");
            h.end();
            return;
        }
        if (omitted != null) {
            omitted.forEach(h::note);
        }
        h.charts(charts, false);
        List<String> names = weightNames(any);
        List<List<String>> rows = new ArrayList<>();
        for (String name : names) {
            Tensor s = run.initial() == null ? null : run.initial().get(name);
            Tensor e = run.end() == null ? null : run.end().get(name);
            rows.add(List.of(layerTitle(run, name), name, s == null ? "" : fmt(Stats.norm(s)),
                    e == null ? "" : fmt(Stats.norm(e)), e == null ? "" : fmt(zeroFraction(e))));
        }
        h.table(List.of("layer", "tensor", "norm at start", "norm at end", "zero fraction at end"), rows, false);
        h.end();
    }

    private static void findings(Html h, RunFolder run) {
        h.section("findings", "Findings");
        if (run.findings() == null) {
            h.note("Diagnostics were off for this run (--log-every 0), so there are no findings.");
        } else if (run.findings().isEmpty()) {
            h.raw("<p class=\"ok\">No problems found.</p>\n");
        } else {
            h.raw("<ul class=\"findings\">\n");
            for (Finding f : run.findings()) {
                String where = f.layerName().isEmpty() ? "network"
                        : Format.layer(f.path().isEmpty() ? String.valueOf(f.layer()) : f.path(), f.layerName());
                h.raw("<li><span class=\"kind\">" + escape(f.kind().label()) + "</span> <span class=\"where\">"
                        + escape(where + ", step " + f.step()) + "</span><br>"
                        + escape(f.message()) + "</li>\n");
            }
            h.raw("</ul>\n");
        }
        h.end();
    }

    // ---------------------------------------------------------------- data

    private static boolean noSteps(Html h, RunFolder run) {
        if (!run.steps().isEmpty()) {
            return false;
        }
        h.note("No per-step statistics in metrics.jsonl (diagnostics off with --log-every 0, or no step logged).");
        h.end();
        return true;
    }

    private static Charts.Series epochSeries(RunFolder run, String name, ToDoubleFunction<EpochMetrics> metric) {
        double[] x = run.epochs().stream().mapToDouble(EpochMetrics::epoch).toArray();
        double[] y = run.epochs().stream().mapToDouble(metric).toArray();
        return new Charts.Series(name, x, y);
    }

    /**
     * One series per layer over the logged steps of {@code metric} (NaN where a step lacks it); layers for which
     * the metric is never present are left out.
     */
    static List<Charts.Series> layerSeries(RunFolder run, ToDoubleFunction<LayerStats> metric) {
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, double[]> ys = new LinkedHashMap<>();
        int n = run.steps().size();
        double[] x = new double[n];
        for (int s = 0; s < n; s++) {
            StepStats step = run.steps().get(s);
            x[s] = step.step();
            for (LayerStats l : step.layers()) {
                double v = metric.applyAsDouble(l);
                if (Double.isNaN(v) && !ys.containsKey(l.index())) {
                    continue;
                }
                int i = l.index();
                names.putIfAbsent(i, Format.layer(l.label(), l.layer()));
                ys.computeIfAbsent(i, k -> nans(n))[s] = v;
            }
        }
        List<Charts.Series> out = new ArrayList<>();
        ys.forEach((i, y) -> out.add(new Charts.Series(names.get(i), x, y)));
        return out;
    }

    private static double weightStat(LayerStats layer, ToDoubleFunction<ParamStats> stat) {
        ParamStats w = layer.weight();
        return w == null ? Double.NaN : stat.applyAsDouble(w);
    }

    /** Names of the weight matrices (rank 2 or more) in stored order. */
    private static List<String> weightNames(Map<String, Tensor> state) {
        return state.entrySet().stream().filter(e -> e.getValue().shape().rank() >= 2).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * "layer 2 (Linear(64->64))" for the tensor "2.weight", using the layer names logged in metrics.jsonl: the
     * way findings name layers.
     */
    private static String layerTitle(RunFolder run, String tensorName) {
        int dot = tensorName.indexOf('.');
        String index = dot < 0 ? tensorName : tensorName.substring(0, dot);
        if (!run.steps().isEmpty()) {
            for (LayerStats l : run.steps().getFirst().layers()) {
                if (String.valueOf(l.index()).equals(index)) {
                    return Format.layer(l.label(), l.layer());
                }
            }
        }
        return tensorName;
    }

    private static double[] values(Tensor t) {
        double[] v = new double[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFlat(i);
        }
        return v;
    }

    private static double zeroFraction(Tensor t) {
        return t == null ? Double.NaN : Stats.zeroFraction(t);
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static boolean anyFinite(double[] a) {
        return java.util.Arrays.stream(a).anyMatch(Double::isFinite);
    }

    /**
     * {@code s} with the characters that HTML treats specially (&amp;, &lt;, &gt;, &quot;, ') escaped, for text in
     * element content and in quoted attributes. Also used by the experiment reports and by {@code backprop serve}.
     */
    public static String escape(String s) {
        StringBuilder o = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                case '\'' -> o.append("&#39;");
                default -> o.append(c);
            }
        }
        return o.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : Format.general(v, 4);
    }

    /** Accumulates the page. */
    static final class Html {
        private final StringBuilder b = new StringBuilder(1 << 16);

        void open(String title) {
            b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                    .append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                    .append("<h1>").append(esc(title)).append("</h1>\n");
        }

        String close() {
            b.append("<footer>Written by backprop report.</footer>\n</body>\n</html>\n");
            return b.toString();
        }

        void section(String id, String title) {
            b.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
        }

        void end() {
            b.append("</section>\n");
        }

        void row() {
            b.append("<div class=\"row\">\n");
        }

        void grid() {
            b.append("<div class=\"grid\">\n");
        }

        void endRow() {
            b.append("</div>\n");
        }

        void note(String text) {
            b.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
        }

        void raw(String html) {
            b.append(html);
        }

        /** The charts side by side in a row ({@code grid}: in a grid of smaller cells). */
        void charts(List<ChartSpec> charts, boolean grid) {
            if (grid) {
                grid();
            } else {
                row();
            }
            charts.forEach(this::chart);
            endRow();
        }

        void chart(ChartSpec c) {
            b.append("<figure class=\"chart\">\n").append(Charts.svg(c.draw(), c.width(), c.height()))
                    .append("\n<figcaption>").append(esc(c.caption())).append("</figcaption>\n</figure>\n");
        }

        /** A table; {@code keyed}: no header row, and the even cells of each row are row headings (name, value...). */
        void table(List<String> head, List<List<String>> rows, boolean keyed) {
            b.append("<table").append(keyed ? " class=\"keyed\"" : "").append(">\n");
            if (!keyed) {
                b.append("<tr>");
                head.forEach(c -> b.append("<th>").append(esc(c)).append("</th>"));
                b.append("</tr>\n");
            }
            for (List<String> r : rows) {
                b.append("<tr>");
                for (int i = 0; i < r.size(); i++) {
                    String tag = keyed && i % 2 == 0 ? "th" : "td";
                    b.append('<').append(tag).append('>').append(esc(r.get(i))).append("</").append(tag).append('>');
                }
                b.append("</tr>\n");
            }
            b.append("</table>\n");
        }

        private static String esc(String s) {
            return escape(s);
        }

        private static final String CSS = """
                body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                       max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem; color: #222; background: #fff; }
                h1 { font-size: 1.6rem; margin-bottom: .3rem; }
                h2 { font-size: 1.25rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
                table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
                th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
                tr:nth-child(even) td { background: #f7f7f7; }
                table.keyed th { background: #f0f0f0; font-weight: 600; }
                .top { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr));
                       gap: 0 2rem; }
                .top table { font-size: .85rem; width: 100%; table-layout: fixed; }
                .top td, .top th { overflow-wrap: anywhere; }
                .row { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 460px), 1fr));
                       gap: 1.5rem; }
                .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 300px), 1fr));
                        gap: 1rem; }
                section { overflow-x: auto; }
                figure.chart { margin: .5rem 0; }
                figure.chart svg { display: block; width: 100%; height: auto; }
                figcaption { font-size: .85rem; color: #555; margin-top: .2rem; }
                .note { color: #555; font-style: italic; }
                .ok { color: #1a7f37; font-weight: 600; }
                ul.findings { padding-left: 1.2rem; }
                ul.findings li { margin: .5rem 0; }
                .kind { background: #d62728; color: #fff; border-radius: 3px; padding: 0 .4rem; font-size: .85rem; }
                .where { color: #555; font-size: .9rem; }
                footer { margin-top: 2rem; color: #888; font-size: .8rem; }
                """;
    }
}
