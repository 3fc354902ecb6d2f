package dev.backprop.cli.report;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jfree.chart.JFreeChart;

/**
 * One chart of a report: where it goes, how it is drawn and the data it draws. The report builds the list of its
 * charts first ({@code ReportWriter.charts}) and then draws exactly those, so that what a chart shows can be checked
 * without reading SVG ({@link #drawnPoints}).
 *
 * @param section the id of the report section that shows the chart
 * @param kind a line chart, a histogram or a bar chart
 * @param title the chart's title
 * @param xLabel the x axis (line chart, histogram) or the category axis (bar chart)
 * @param yLabel the value axis ("count" for a histogram)
 * @param lines a line chart's series (empty for the other kinds)
 * @param categories a bar chart's categories (empty for the other kinds)
 * @param values a histogram's samples, or a bar chart's series with one value per category (empty for a line chart)
 * @param logY a line chart's base-10 logarithmic y axis
 * @param bins a histogram's number of bins (0 for the other kinds)
 * @param yMinSize the linear value axis spans at least this much ({@link Charts#yRange}); 0
 *     leaves the axis to JFreeChart
 * @param yFromZero the linear value axis starts at 0
 * @param width the drawing's width in SVG user units
 * @param height the drawing's height in SVG user units
 * @param caption the text under the chart
 * @param markers a line chart's vertical markers (where a resumed run continued); empty for none
 */
public record ChartSpec(String section, Kind kind, String title, String xLabel, String yLabel,
                        List<Charts.Series> lines, List<String> categories, List<Charts.Values> values, boolean logY,
                        int bins, double yMinSize, boolean yFromZero, int width, int height, String caption,
                        List<Charts.Marker> markers) {

    /** The kinds of chart. */
    public enum Kind {
        /** Lines over x ({@link Charts#line}). */
        LINE,
        /** Overlaid histograms of samples ({@link Charts#histogram}). */
        HISTOGRAM,
        /** Groups of bars per category ({@link Charts#bars}). */
        BARS,
        /**
         * A confusion matrix ({@link Charts#heatmap}): the categories are the classes, and each value series a true
         * class's row of counts per predicted class.
         */
        HEATMAP
    }

    /** Copies the lists; checks that the required parts are there. */
    public ChartSpec {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        lines = List.copyOf(lines);
        categories = List.copyOf(categories);
        values = List.copyOf(values);
        markers = markers == null ? List.of() : List.copyOf(markers);
    }

    /** A line chart of the default size. */
    static ChartSpec line(String section, String title, String xLabel, String yLabel, List<Charts.Series> series,
                          boolean logY, String caption) {
        return new ChartSpec(section, Kind.LINE, title, xLabel, yLabel, series, List.of(), List.of(), logY, 0, 0,
                false, Charts.WIDTH, Charts.HEIGHT, caption, List.of());
    }

    /** A histogram of 420 by 320 units (they stand in a grid). */
    static ChartSpec histogram(String section, String title, String xLabel, List<Charts.Values> samples, int bins,
                               String caption) {
        return new ChartSpec(section, Kind.HISTOGRAM, title, xLabel, "count", List.of(), List.of(), samples, false,
                bins, 0, false, 420, 320, caption, List.of());
    }

    /** A bar chart of the default size. */
    static ChartSpec bars(String section, String title, String categoryLabel, String valueLabel,
                          List<String> categories, List<Charts.Values> series, String caption) {
        return new ChartSpec(section, Kind.BARS, title, categoryLabel, valueLabel, List.of(), categories, series, false,
                0, 0, false, Charts.WIDTH, Charts.HEIGHT, caption, List.of());
    }

    /** A confusion matrix of {@code classes}: {@code rows.get(t)} counts the samples of class t per prediction. */
    static ChartSpec heatmap(String section, String title, List<String> classes, List<Charts.Values> rows,
                             String caption) {
        int side = Math.min(600, 400 + 10 * classes.size());
        return new ChartSpec(section, Kind.HEATMAP, title, "predicted class", "true class", List.of(), classes, rows,
                false, 0, 0, false, side + 120, side, caption, List.of());
    }

    /** This chart with vertical markers (a line chart's; the other kinds draw none). */
    ChartSpec withMarkers(List<Charts.Marker> marks) {
        return new ChartSpec(section, kind, title, xLabel, yLabel, lines, categories, values, logY, bins, yMinSize,
                yFromZero, width, height, caption, marks);
    }

    /** This chart with its linear value axis spanning at least {@code minSize} and, with {@code fromZero}, from 0. */
    ChartSpec yRange(double minSize, boolean fromZero) {
        return new ChartSpec(section, kind, title, xLabel, yLabel, lines, categories, values, logY, bins, minSize,
                fromZero, width, height, caption, markers);
    }

    /**
     * The chart drawn by JFreeChart (then rendered with {@link Charts#svg(JFreeChart, int, int)}).
     *
     * @return a new chart
     */
    public JFreeChart draw() {
        JFreeChart c = switch (kind) {
            case LINE -> Charts.line(title, xLabel, yLabel, lines, logY, markers);
            case HISTOGRAM -> Charts.histogram(title, xLabel, values, bins);
            case BARS -> Charts.bars(title, xLabel, yLabel, categories, values);
            case HEATMAP -> Charts.heatmap(title, xLabel, yLabel, categories, values.stream()
                    .map(v -> java.util.Arrays.stream(v.values()).mapToInt(d -> (int) d).toArray())
                    .toArray(int[][]::new));
        };
        return yMinSize > 0 ? Charts.yRange(c, yMinSize, yFromZero) : c;
    }

    /**
     * For each series (a line chart's series, a histogram's samples, a bar chart's series) by name, how many of its
     * values are drawn: the finite ones, and on a logarithmic axis only those above 0, as {@link Charts} leaves the
     * others out. A series with 0 draws nothing.
     *
     * @return series name to number of drawn values, in the chart's order
     */
    public Map<String, Integer> drawnPoints() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Charts.Series s : lines) {
            int n = 0;
            for (int i = 0; i < s.y().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]) && (!logY || s.y()[i] > 0)) {
                    n++;
                }
            }
            out.put(s.name(), n);
        }
        for (Charts.Values v : values) {
            out.put(v.name(), (int) Arrays.stream(v.values()).filter(Double::isFinite).count());
        }
        return out;
    }
}
