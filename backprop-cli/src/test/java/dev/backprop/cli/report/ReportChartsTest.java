package dev.backprop.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every chart the report draws has data: runs trained by the CLI (PReLU with batch norm and L1, and tanh, so that
 * every kind of chart appears) and the committed run folder of version 0.1 are read back through {@link RunFolder},
 * and each chart of {@link ReportWriter#charts} must draw at least one point in each of its series. A metric whose
 * JSON property the writer and the reader spell differently would leave its chart empty.
 */
class ReportChartsTest {
    /** The titles of the charts that do not depend on the layers' names: every chart a report can draw. */
    static final Set<String> EVERY_KIND = Set.of("Loss", "Accuracy", "Weight gradient norm ‖∂L/∂W‖",
            "Gradient flowing into each layer", "Update ratio ‖ΔW‖/‖W‖", "Saturated units (sigmoid, tanh)",
            "Dead units (ReLU family)", "Weights exactly zero");

    @TempDir
    static Path tmp;
    static Path prelu;
    static Path tanh;

    @BeforeAll
    static void train() {
        prelu = tmp.resolve("prelu");
        ReportWriterTest.main(0, "train", "--samples", "200", "--epochs", "2", "--log-every", "2", "--activation",
                "prelu", "--batch-norm", "--l1", "1e-3", "--out", prelu.toString());
        tanh = tmp.resolve("tanh");
        ReportWriterTest.main(0, "train", "--samples", "200", "--epochs", "2", "--log-every", "2", "--activation",
                "tanh", "--out", tanh.toString());
    }

    /** The charts of {@code dir}'s report, each checked to draw something in every series. */
    static List<ChartSpec> checkedCharts(Path dir) throws Exception {
        RunFolder run = RunFolder.load(dir);
        assertTrue(run.steps().size() >= 3, "several logged steps: " + run.steps().size());
        List<ChartSpec> charts = ReportWriter.charts(run);
        for (ChartSpec c : charts) {
            Map<String, Integer> drawn = c.drawnPoints();
            assertFalse(drawn.isEmpty(), dir.getFileName() + ": chart '" + c.title() + "' has no series");
            drawn.forEach((series, n) -> assertTrue(n > 0, dir.getFileName() + ": chart '" + c.title()
                    + "', series '" + series + "' draws nothing"));
        }
        String html = ReportWriter.html(run);
        assertEquals(charts.size(), ReportWriterTest.count(html, "<figure class=\"chart\">"),
                "the page draws the listed charts");
        return charts;
    }

    static Set<String> titles(List<ChartSpec> charts) {
        Set<String> t = new TreeSet<>();
        charts.forEach(c -> t.add(c.title()));
        return t;
    }

    @Test
    void everyChartOfFreshRunsHasData() throws Exception {
        List<ChartSpec> p = checkedCharts(prelu);
        List<ChartSpec> t = checkedCharts(tanh);
        assertTrue(titles(p).contains("Dead units (ReLU family)"), titles(p).toString());
        assertTrue(titles(t).contains("Saturated units (sigmoid, tanh)"), titles(t).toString());
        List<ChartSpec> all = new ArrayList<>(p);
        all.addAll(t);
        Set<String> seen = titles(all);
        for (String kind : EVERY_KIND) {
            assertTrue(seen.contains(kind), "no run drew '" + kind + "': " + seen);
        }
        assertTrue(p.stream().anyMatch(c -> c.kind() == ChartSpec.Kind.HISTOGRAM && c.values().size() == 2),
                "weight histograms at the start and the end");
        ChartSpec zeros = p.stream().filter(c -> c.title().equals("Weights exactly zero")).findFirst().orElseThrow();
        double[] end = zeros.values().getLast().values();
        assertTrue(java.util.Arrays.stream(end).anyMatch(v -> v > 0), "L1 leaves some weights exactly zero");
    }

    @Test
    void everyChartOfTheVersion01RunFolderHasData() throws Exception {
        Path legacy = Path.of(ReportChartsTest.class.getResource("/fixtures/run-v0.1").toURI());
        Set<String> seen = titles(checkedCharts(legacy));
        for (String kind : List.of("Loss", "Weight gradient norm ‖∂L/∂W‖",
                "Gradient flowing into each layer", "Update ratio ‖ΔW‖/‖W‖", "Dead units (ReLU family)")) {
            assertTrue(seen.contains(kind), "'" + kind + "' of the 0.1 run folder: " + seen);
        }
        // trained without L1, it has no weight exactly zero: no sparsity chart, a sentence instead
        assertFalse(seen.contains("Weights exactly zero"), seen.toString());
        assertTrue(ReportWriter.omitted(RunFolder.load(legacy)).get(ReportWriter.SPARSITY).getFirst()
                .startsWith("No L1: no weights are exactly zero"));
    }
}
