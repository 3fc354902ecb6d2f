package dev.backprop.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a --val-split run that was resumed with a longer cosine schedule: the hold-out is called
 * validation, training accuracy is drawn beside it, every chart over epochs or steps marks the resume, and the
 * confusion matrix is a picture with each class's precision and recall.
 */
class ReportValidationTest {
    @TempDir
    static Path tmp;
    static Path run;
    static RunFolder folder;
    static String html;

    @BeforeAll
    static void trainAndResume() throws Exception {
        run = tmp.resolve("run");
        ReportWriterTest.main(0, "train", "--data", "blobs", "--samples", "300", "--val-split", "0.3", "--epochs",
                "2", "--schedule", "cosine", "--log-every", "3", "--out", run.toString());
        ReportWriterTest.main(0, "train", "--resume", run.toString(), "--epochs", "4");
        folder = RunFolder.load(run);
        html = ReportWriterTest.read(run.resolve(ReportWriter.FILE));
    }

    @Test
    void theHoldOutIsCalledValidationAndTrainingAccuracyIsDrawnBesideIt() {
        ChartSpec acc = ReportWriter.charts(folder).stream().filter(c -> c.title().equals("Accuracy")).findFirst()
                .orElseThrow();
        assertEquals(List.of("train accuracy", "validation accuracy"),
                acc.lines().stream().map(Charts.Series::name).toList());
        acc.drawnPoints().forEach((name, n) -> assertEquals(4, n, name));
        assertTrue(html.contains("final validation accuracy") && html.contains(">validation loss<"), "summary");
        assertFalse(html.contains("test accuracy") || html.contains("test loss"), "no 'test' for a hold-out");
    }

    @Test
    void everyChartOverEpochsOrStepsMarksTheResume() {
        assertEquals(1, folder.resumes().size());
        assertEquals(2, folder.resumes().getFirst().epoch());
        List<ChartSpec> lines = ReportWriter.charts(folder).stream().filter(c -> c.kind() == ChartSpec.Kind.LINE)
                .toList();
        assertTrue(lines.size() >= 5, lines.toString());
        for (ChartSpec c : lines) {
            assertEquals(1, c.markers().size(), c.title());
            assertEquals("resumed, new schedule", c.markers().getFirst().label(), "the cosine schedule was stretched");
            double x = c.markers().getFirst().x();
            assertEquals(c.xLabel().equals("epoch") ? 2.5 : folder.resumes().getFirst().step() + 0.5, x, c.title());
        }
        assertTrue(html.contains("resumed after epoch 2") && html.contains("epochs 2 -&gt; 4"), "said in the summary");
    }

    @Test
    void theConfusionMatrixIsAPictureWithPrecisionAndRecallPerClass() throws Exception {
        JsonNode ev = new ObjectMapper().readTree(run.resolve("evaluation.json").toFile());
        assertEquals("validation", ev.get("set").asText());
        assertEquals(90, ev.get("samples").asInt()); // 30% of the 300 training samples
        ChartSpec heat = ReportWriter.charts(folder).stream().filter(c -> c.kind() == ChartSpec.Kind.HEATMAP)
                .findFirst().orElseThrow();
        assertEquals("Confusion matrix (validation set)", heat.title());
        String section = html.substring(html.indexOf("<section id=\"confusion\">"),
                html.indexOf("</section>", html.indexOf("<section id=\"confusion\">")));
        assertEquals(1, ReportWriterTest.count(section, "<svg "), "drawn as a picture");
        JsonNode m = ev.get("confusion");
        int n = m.size();
        for (int c = 0; c < n; c++) {
            int tp = m.get(c).get(c).asInt();
            int actual = 0;
            int predicted = 0;
            for (int k = 0; k < n; k++) {
                actual += m.get(c).get(k).asInt();
                predicted += m.get(k).get(c).asInt();
            }
            String row = "<tr><td>" + ev.get("classes").get(c).asText() + "</td><td>" + actual + "</td><td>"
                    + predicted + "</td><td>" + cell((double) tp / predicted) + "</td><td>" + cell((double) tp / actual)
                    + "</td></tr>";
            assertTrue(section.contains(row), row + " in " + section);
        }
    }

    /** A table cell as the report writes a fraction: 4 significant digits, or the integer 1. */
    private static String cell(double v) {
        return v == 1 ? "1" : dev.backprop.diagnose.Format.general(v, 4);
    }

    @Test
    void evalOfTheRunGivesTheConfusionMatrixTheReportDraws() throws Exception {
        JsonNode ev = new ObjectMapper().readTree(run.resolve("evaluation.json").toFile());
        String out = ReportWriterTest.main(0, "eval", "--model", run.toString(), "--json");
        JsonNode e = new ObjectMapper().readTree(out.substring(out.indexOf('{')));
        assertEquals(ev.get("confusion"), e.get("confusion"));
        assertEquals(String.format(Locale.ROOT, "%.6f", ev.get("accuracy").asDouble()),
                String.format(Locale.ROOT, "%.6f", e.get("accuracy").asDouble()));
    }
}
