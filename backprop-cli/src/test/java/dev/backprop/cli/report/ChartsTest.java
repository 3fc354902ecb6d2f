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
