package dev.backprop.cli.report;

import dev.backprop.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.Range;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.MeetOrSlice;
import org.jfree.svg.PreserveAspectRatio;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Line charts, histograms and bar charts drawn by JFreeChart, rendered to inline SVG (JFreeSVG) for HTML reports or
 * to PNG for figures. Works headless: loading this class sets {@code java.awt.headless=true} unless already set.
 *
 * <p>Use: build a chart with {@link #line}, {@link #histogram} or {@link #bars}, then render it with {@link #svg}
 * (an {@code <svg>} element with a {@code viewBox} and no fixed width, so it scales to its container) and/or
 * {@link #png}. Values that cannot be drawn are left out rather than failing: non-finite values everywhere, and
 * values &le; 0 on a logarithmic axis.
 */
public final class Charts {
    /** Default size of a rendered chart in (SVG user units or PNG) pixels. */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 380;

    /** Colours of successive series (a colour-blind-friendly qualitative palette). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
            new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private static final AtomicLong IDS = new AtomicLong();

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** One line of a line chart: points (x[i], y[i]); x and y have the same length. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but "
                        + y.length + " y values");
            }
        }

        /** A series whose x values are 1, 2, ..., y.length (epochs, say). */
        public static Series of(String name, double[] y) {
            double[] x = new double[y.length];
            Arrays.setAll(x, i -> i + 1);
            return new Series(name, x, y);
        }
    }

    /** One named set of values: a histogram's sample, or a bar chart's values per category. */
    public record Values(String name, double[] values) {
        public Values {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(values, "values");
        }
    }

    /**
     * A line chart of several series.
     *
     * @param logY a base-10 logarithmic y axis; points with y &le; 0 are then left out
     */
    public static JFreeChart line(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                double x = s.x()[i];
                double y = s.y()[i];
                if (Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0)) {
                    xy.add(x, y);
                }
            }
            data.addSeries(xy);
        }
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        if (series.stream().allMatch(s -> Arrays.stream(s.x()).allMatch(x -> x == Math.rint(x)))) {
            xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            xAxis.setAutoRangeMinimumSize(1);
        }
        ValueAxis yAxis = logY ? logAxis(yLabel) : linearAxis(yLabel);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, color(i));
            r.setSeriesStroke(i, stroke(i));
            r.setSeriesShapesVisible(i, series.get(i).x().length <= 30);
        }
        return chart(title, new XYPlot(data, xAxis, yAxis, r), series.size() > 1);
    }

    /**
     * A histogram of each set of values, overlaid and half transparent, over the same {@code bins} equal-width bins
     * spanning all finite values.
     */
    public static JFreeChart histogram(String title, String xLabel, List<Values> samples, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("histogram '" + title + "': bins must be at least 1, got " + bins);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Values v : samples) {
            for (double d : v.values()) {
                if (Double.isFinite(d)) {
                    lo = Math.min(lo, d);
                    hi = Math.max(hi, d);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        } else if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        HistogramDataset data = new HistogramDataset();
        for (Values v : samples) {
            double[] finite = Arrays.stream(v.values()).filter(Double::isFinite).toArray();
            data.addSeries(v.name(), finite.length == 0 ? new double[] {Double.NaN} : finite, bins, lo, hi);
        }
        XYBarRenderer r = new XYBarRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        for (int i = 0; i < samples.size(); i++) {
            Color c = color(i);
            r.setSeriesPaint(i, samples.size() > 1 ? new Color(c.getRed(), c.getGreen(), c.getBlue(), 140) : c);
        }
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        return chart(title, new XYPlot(data, xAxis, linearAxis("count"), r), samples.size() > 1);
    }

    /** A bar chart: one group of bars per category, one bar per series in each group. */
    public static JFreeChart bars(String title, String categoryLabel, String valueLabel, List<String> categories,
                                  List<Values> series) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Values s : series) {
            if (s.values().length != categories.size()) {
                throw new IllegalArgumentException("bar chart '" + title + "': series '" + s.name() + "' has "
                        + s.values().length + " values for " + categories.size() + " categories");
            }
            for (int i = 0; i < categories.size(); i++) {
                double v = s.values()[i];
                data.addValue(Double.isFinite(v) ? v : null, s.name(), categories.get(i));
            }
        }
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.05);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, color(i));
        }
        CategoryAxis xAxis = new CategoryAxis(categoryLabel);
        if (categories.size() > 8) {
            xAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis yAxis = linearAxis(valueLabel);
        yAxis.setAutoRangeIncludesZero(true);
        CategoryPlot plot = new CategoryPlot(data, xAxis, yAxis, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        return chart(title, plot, series.size() > 1);
    }

    /**
     * Makes the linear y axis of {@code chart} span at least {@code minSize}, and with {@code fromZero} start at 0
     * and show no negative values (for fractions and counts): a fraction that stays at 0 is then drawn on
     * 0..minSize rather than on a range of 1e-9 around it. Returns the chart; a log axis is left as it is.
     */
    public static JFreeChart yRange(JFreeChart chart, double minSize, boolean fromZero) {
        ValueAxis a = chart.getPlot() instanceof XYPlot p ? p.getRangeAxis() : chart.getCategoryPlot().getRangeAxis();
        if (!(a instanceof NumberAxis n)) {
            return chart;
        }
        n.setAutoRangeMinimumSize(minSize);
        if (fromZero) {
            Range data = chart.getPlot() instanceof XYPlot p ? p.getDataRange(n) : chart.getCategoryPlot().getDataRange(n);
            double top = data == null || !(data.getUpperBound() > 0) ? 0 : data.getUpperBound() * (1 + n.getUpperMargin());
            n.setRange(0, Math.max(minSize, top));
        }
        return chart;
    }

    /** The chart as an {@code <svg>} element of {@link #WIDTH} by {@link #HEIGHT} user units. */
    public static String svg(JFreeChart chart) {
        return svg(chart, WIDTH, HEIGHT);
    }

    /**
     * The chart as an {@code <svg>} element drawn at {@code width} by {@code height}, with a matching
     * {@code viewBox} and no width/height attributes, so that it scales to the width of its container. Its
     * definitions (clip paths) carry a prefix unique in this JVM, so several charts can share one HTML page.
     */
    public static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix("c" + IDS.incrementAndGet() + "_");
        g.setGeomDoubleConverter(Charts::twoDecimals);
        g.setTransformDoubleConverter(Charts::twoDecimals);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        return g.getSVGElement(null, false, new ViewBox(0, 0, width, height), PreserveAspectRatio.XMID_YMID,
                MeetOrSlice.MEET);
    }

    /** A coordinate with at most two decimals (a hundredth of a pixel), which keeps the SVG small. */
    static String twoDecimals(double d) {
        if (!Double.isFinite(d)) {
            return "0";
        }
        double r = Math.rint(d * 100) / 100;
        return r == Math.rint(r) && Math.abs(r) < 1e15 ? Long.toString((long) r) : Double.toString(r);
    }

    /** Writes the chart to {@code file} as a PNG image of {@code width} by {@code height} pixels (atomically). */
    public static void png(JFreeChart chart, Path file, int width, int height) throws IOException {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    /** Writes the chart to {@code file} as a PNG image of the default size. */
    public static void png(JFreeChart chart, Path file) throws IOException {
        png(chart, file, WIDTH, HEIGHT);
    }

    /** Colour of the {@code i}-th series. */
    public static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** Solid lines for the first round of colours, then dashed, then dotted, so that lines stay apart. */
    static BasicStroke stroke(int i) {
        return switch (i / PALETTE.length % 3) {
            case 0 -> new BasicStroke(2f);
            case 1 -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 4f}, 0f);
            default -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 3f}, 0f);
        };
    }

    private static NumberAxis linearAxis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(false);
        return a;
    }

    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        a.setSmallestValue(1e-300);
        a.setNumberFormatOverride(new DecimalFormat("0.#E0"));
        return a;
    }

    private static JFreeChart chart(String title, Plot plot, boolean legend) {
        if (plot instanceof XYPlot xy) {
            xy.setBackgroundPaint(Color.WHITE);
            xy.setDomainGridlinePaint(new Color(0xdddddd));
            xy.setRangeGridlinePaint(new Color(0xdddddd));
            xy.setOutlinePaint(Color.GRAY);
        }
        JFreeChart c = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, legend);
        c.setBackgroundPaint(Color.WHITE);
        c.setAntiAlias(true);
        c.setTextAntiAlias(true);
        if (legend) {
            LegendTitle l = c.getLegend();
            l.setPosition(RectangleEdge.BOTTOM);
            l.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return c;
    }
}
