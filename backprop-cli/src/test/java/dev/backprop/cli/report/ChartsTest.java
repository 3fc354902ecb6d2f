package dev.backprop.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @Test
    void svgHasAViewBoxAndNoFixedSizeSoItScales() {
        String svg = Charts.svg(Charts.line("loss", "epoch", "loss",
                List.of(Charts.Series.of("train", new double[] {1, 0.5, 0.25})), false));
        assertTrue(svg.startsWith("<svg"), svg.substring(0, 40));
        assertTrue(svg.substring(0, 400).matches("(?s).*viewBox='0(\\.0)? 0(\\.0)? " + Charts.WIDTH + "(\\.0)? "
                + Charts.HEIGHT + "(\\.0)?'.*"), svg.substring(0, 400));
        String open = svg.substring(0, svg.indexOf('>'));
        assertFalse(open.contains(" width="), open);
        assertTrue(svg.contains(">loss<"), "title drawn as text");
        assertTrue(svg.trim().endsWith("</svg>"));
    }

    /** The tick labels a log axis draws for data between lo and hi, read from the axis after layout. */
    @SuppressWarnings("unchecked")
    private static List<String> drawnLogLabels(double lo, double hi) {
        JFreeChart c = Charts.line("g", "step", "norm", List.of(new Charts.Series("s", new double[] {1, 2},
                new double[] {lo, hi})), true);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(640, 380,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        java.awt.geom.Rectangle2D area = new java.awt.geom.Rectangle2D.Double(60, 20, 560, 320);
        List<org.jfree.chart.axis.ValueTick> ticks = c.getXYPlot().getRangeAxis().refreshTicks(g,
                new org.jfree.chart.axis.AxisState(), area, org.jfree.chart.ui.RectangleEdge.LEFT);
        g.dispose();
        return ticks.stream().map(org.jfree.chart.axis.ValueTick::getText).toList();
    }

    @Test
    void logAxisTicksAreDistinctOneTwoFiveOrDecadeValuesWhateverTheRange() {
        // a narrow range (where the default axis repeated "1.2E-3"), about one decade, two, and many
        assertEquals(List.of("0.001", "0.002"), drawnLogLabels(1.01e-3, 1.03e-3));
        assertEquals(List.of("0.02", "0.05", "0.1", "0.2"), drawnLogLabels(0.03, 0.15));
        assertEquals(List.of("1e-06", "1e-05", "1e-04", "0.001", "0.01", "0.1", "1"), drawnLogLabels(3e-6, 0.4));
        for (double[] range : new double[][] {{1e-3, 1.2e-3}, {0.07, 0.3}, {2e-9, 5e4}, {1e-30, 1}, {5, 5},
                {0.9, 11}}) {
            List<String> labels = drawnLogLabels(range[0], range[1]);
            assertEquals(labels.size(), new java.util.HashSet<>(labels).size(), "distinct: " + labels);
            assertTrue(labels.size() >= 2 && labels.size() <= 12, labels.toString());
            double[] ticks = Charts.logTicks(range[0], range[1]);
            assertTrue(ticks[0] <= range[0] && ticks[ticks.length - 1] >= range[1], Arrays.toString(ticks));
            for (double t : ticks) {
                double mantissa = t / Math.pow(10, Math.floor(Math.log10(t) + 1e-9));
                assertTrue(Math.abs(mantissa - 1) < 1e-6 || Math.abs(mantissa - 2) < 1e-6
                        || Math.abs(mantissa - 5) < 1e-6, t + " in " + Arrays.toString(ticks));
            }
        }
        // many decades: only powers of ten, every few decades, at most a dozen labels
        assertTrue(drawnLogLabels(1e-30, 1).stream().allMatch(l -> l.startsWith("1e") || l.equals("1")));
    }

    @Test
    void histogramCountsStartAtZeroAndOverlaidSamplesAreOutlined() {
        JFreeChart c = Charts.histogram("w", "weight", List.of(new Charts.Values("start", new double[] {1, 2, 2, 3}),
                new Charts.Values("end", new double[] {2, 3, 3, 3, 4})), 4);
        Charts.svg(c); // lays out the axes
        XYPlot p = c.getXYPlot();
        assertEquals(0, p.getRangeAxis().getLowerBound(), "counts start at 0");
        org.jfree.chart.renderer.xy.XYBarRenderer r = (org.jfree.chart.renderer.xy.XYBarRenderer) p.getRenderer();
        assertTrue(r.isDrawBarOutline());
        for (int i = 0; i < 2; i++) {
            java.awt.Color fill = (java.awt.Color) r.getSeriesPaint(i);
            java.awt.Color edge = (java.awt.Color) r.getSeriesOutlinePaint(i);
            assertTrue(fill.getAlpha() < 128, "see-through fill");
            assertEquals(255, edge.getAlpha(), "solid outline");
            assertEquals(fill.getRGB() & 0xffffff, edge.getRGB() & 0xffffff, "outline in the fill's colour");
        }
    }

    @Test
    void aConfusionMatrixIsAHeatMapOfItsCountsWithClassNamesOnBothAxes() {
        int[][] counts = {{7, 3}, {1, 9}};
        JFreeChart c = Charts.heatmap("Confusion", "predicted class", "true class", List.of("cat", "dog"), counts);
        XYPlot p = c.getXYPlot();
        List<String> texts = p.getAnnotations().stream()
                .map(a -> ((org.jfree.chart.annotations.XYTextAnnotation) a).getText()).sorted().toList();
        assertEquals(List.of("1", "3", "7", "9"), texts);
        XYDataset d = p.getDataset();
        // cell (true dog, predicted dog) is shaded by 9 / (1 + 9)
        for (int i = 0; i < d.getItemCount(0); i++) {
            if (d.getXValue(0, i) == 1 && d.getYValue(0, i) == 1) {
                assertEquals(0.9, ((org.jfree.data.xy.XYZDataset) d).getZValue(0, i), 1e-12);
            }
        }
        String svg = Charts.svg(c);
        assertTrue(svg.contains(">cat<") && svg.contains(">dog<"), "class names on the axes");
    }

    @Test
    void markersAreDrawnAcrossALineChart() {
        JFreeChart c = Charts.line("loss", "epoch", "loss", List.of(Charts.Series.of("train", new double[] {3, 2, 1})),
                false, List.of(new Charts.Marker(1.5, "resumed")));
        assertEquals(1, c.getXYPlot().getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size());
        assertTrue(Charts.svg(c).contains(">resumed<"));
    }

    @Test
    void twoChartsOnOnePageDoNotShareDefinitionIds() {
        JFreeChart c = Charts.line("a", "x", "y", List.of(Charts.Series.of("s", new double[] {1, 2})), false);
        List<String> a = ids(Charts.svg(c));
        List<String> b = ids(Charts.svg(c));
        assertFalse(a.isEmpty());
        a.forEach(id -> assertFalse(b.contains(id), id));
    }

    private static List<String> ids(String svg) {
        Matcher m = Pattern.compile("id=['\"]([^'\"]+)['\"]").matcher(svg);
        return m.results().map(r -> r.group(1)).toList();
    }

    @Test
    void logScaleLeavesOutValuesThatItCannotShow() {
        JFreeChart c = Charts.line("g", "step", "norm", List.of(new Charts.Series("layer 1",
                new double[] {1, 2, 3, 4, 5}, new double[] {1e-3, 0, -1, Double.NaN, 1e2})), true);
        XYPlot p = c.getXYPlot();
        assertTrue(p.getRangeAxis() instanceof LogAxis);
        XYDataset d = p.getDataset();
        assertEquals(2, d.getItemCount(0));
        assertEquals(1e-3, d.getYValue(0, 0));
        assertEquals(1e2, d.getYValue(0, 1));
        assertTrue(Charts.svg(c).contains("<path"));
    }

    @Test
    void histogramCountsEachValueOnceOverSharedBins() {
        double[] start = {-1, -0.5, 0, 0.5, 1};
        double[] end = {0, 0, 0, 2};
        JFreeChart c = Charts.histogram("w", "weight", List.of(new Charts.Values("start", start),
                new Charts.Values("end", end)), 6);
        org.jfree.data.xy.IntervalXYDataset d = (org.jfree.data.xy.IntervalXYDataset) c.getXYPlot().getDataset();
        assertEquals(6, d.getItemCount(0));
        assertEquals(6, d.getItemCount(1));
        double n0 = 0;
        double n1 = 0;
        for (int i = 0; i < 6; i++) {
            n0 += d.getYValue(0, i);
            n1 += d.getYValue(1, i);
            assertEquals(d.getXValue(0, i), d.getXValue(1, i), "same bins for both samples");
        }
        assertEquals(5, n0);
        assertEquals(4, n1);
        assertEquals(-1, d.getStartXValue(0, 0), 1e-12);
        assertEquals(2, d.getEndXValue(0, 5), 1e-12);
    }

    @Test
    void histogramOfEqualOrNoValuesStillDraws() {
        assertTrue(Charts.svg(Charts.histogram("c", "w", List.of(new Charts.Values("all 0.1", new double[] {0.1, 0.1})),
                10)).contains("<svg"));
        assertTrue(Charts.svg(Charts.histogram("c", "w", List.of(new Charts.Values("none", new double[0])), 10))
                .contains("<svg"));
        assertThrows(IllegalArgumentException.class, () -> Charts.histogram("c", "w", List.of(), 0));
    }

    @Test
    void barsNeedOneValuePerCategory() {
        JFreeChart c = Charts.bars("zeros", "layer", "fraction", List.of("1", "2"),
                List.of(new Charts.Values("weights", new double[] {0.1, 0.9})));
        assertEquals(0.9, c.getCategoryPlot().getDataset().getValue(0, 1).doubleValue());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.bars("zeros", "layer",
                "fraction", List.of("1", "2"), List.of(new Charts.Values("weights", new double[] {0.1}))));
        assertTrue(e.getMessage().contains("1 values for 2 categories"), e.getMessage());
    }

    @Test
    void yRangeFromZeroShowsAllZeroFractionsOnZeroToMinSize() {
        JFreeChart zeros = Charts.yRange(Charts.bars("zeros", "layer", "fraction", List.of("1", "2"),
                List.of(new Charts.Values("end", new double[] {0, 0}))), 0.05, true);
        assertEquals(0, zeros.getCategoryPlot().getRangeAxis().getLowerBound());
        assertEquals(0.05, zeros.getCategoryPlot().getRangeAxis().getUpperBound(), 1e-12);
        JFreeChart line = Charts.yRange(Charts.line("dead", "step", "fraction",
                List.of(Charts.Series.of("1 ReLU", new double[] {0.1, 0.4})), false), 0.05, true);
        assertEquals(0, line.getXYPlot().getRangeAxis().getLowerBound());
        assertTrue(line.getXYPlot().getRangeAxis().getUpperBound() >= 0.4);
        JFreeChart flat = Charts.yRange(Charts.line("acc", "epoch", "accuracy",
                List.of(Charts.Series.of("test", new double[] {0.5, 0.5})), false), 0.05, false);
        assertEquals(0.05, flat.getXYPlot().getRangeAxis().getRange().getLength(), 1e-9);
        assertTrue(flat.getXYPlot().getRangeAxis().getRange().contains(0.5));
    }

    @Test
    void pngIsWrittenAtTheRequestedSize(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("fig.png");
        Charts.png(Charts.bars("b", "c", "v", List.of("x"), List.of(new Charts.Values("s", new double[] {1}))),
                f, 200, 100);
        byte[] b = Files.readAllBytes(f);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(b, 4));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(f.toFile());
        assertEquals(200, img.getWidth());
        assertEquals(100, img.getHeight());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 2, "drawn, not blank: " + colours.size() + " colours");
    }

    @Test
    void seriesRejectsMismatchedLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Charts.Series("s", new double[2], new double[3]));
        assertTrue(e.getMessage().contains("2 x values but 3 y values"), e.getMessage());
    }
}
