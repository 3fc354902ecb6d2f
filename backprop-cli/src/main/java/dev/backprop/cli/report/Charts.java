package dev.backprop.cli.report;

import dev.backprop.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
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

    /**
     * A vertical line across a line chart at {@code x}, with a short label: where a resumed run continued.
     *
     * @param x the position on the x axis
     * @param label the text beside the line
     */
    public record Marker(double x, String label) {
        public Marker {
            Objects.requireNonNull(label, "label");
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
        return line(title, xLabel, yLabel, series, logY, List.of());
    }

    /**
     * A line chart of several series with vertical {@code markers} (dashed grey lines, labelled at the top).
     *
     * @param logY a base-10 logarithmic y axis with ticks at 1-2-5 steps or decades ({@link #logTicks}); points
     *     with y &le; 0 are then left out
     */
    public static JFreeChart line(String title, String xLabel, String yLabel, List<Series> series, boolean logY,
                                  List<Marker> markers) {
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
        XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
        if (yAxis instanceof StepLogAxis log) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (int i = 0; i < data.getSeriesCount(); i++) {
                XYSeries xy = data.getSeries(i);
                for (int k = 0; k < xy.getItemCount(); k++) {
                    double y = xy.getY(k).doubleValue();
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
            if (hi > 0) {
                log.span(lo, hi);
            }
        }
        for (Marker m : markers) {
            org.jfree.chart.plot.ValueMarker v = new org.jfree.chart.plot.ValueMarker(m.x(), Color.GRAY,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 4f}, 0f));
            v.setLabel(m.label());
            v.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            v.setLabelPaint(Color.DARK_GRAY);
            v.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            v.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            v.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
            plot.addDomainMarker(v);
        }
        return chart(title, plot, series.size() > 1);
    }

    /**
     * The ticks of a logarithmic axis over [lo, hi] (0 &lt; lo &le; hi): at 1, 2 and 5 times each power of ten when the
     * range spans at most about two decades, else at powers of ten (every second, third... decade when there are
     * many), so that no two tick labels are alike. The range is first widened to the nearest such values around it,
     * so there are always at least two ticks; the first and last tick are its ends.
     *
     * @param lo the smallest value to show, &gt; 0
     * @param hi the largest value to show, &ge; lo
     * @return the tick values, ascending, at least two
     */
    public static double[] logTicks(double lo, double hi) {
        double decades = Math.log10(hi / lo);
        if (decades > 2.3) {
            int from = (int) Math.floor(Math.log10(lo) + 1e-9);
            int to = (int) Math.ceil(Math.log10(hi) - 1e-9);
            int every = Math.max(1, (int) Math.ceil((to - from) / 8.0));
            from = Math.floorDiv(from, every) * every;
            List<Double> out = new java.util.ArrayList<>();
            for (int e = from; e < to + every; e += every) {
                out.add(Math.pow(10, e));
            }
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
        double start = below125(lo);
        double end = above125(hi);
        if (end <= start) {
            end = above125(start * 1.0001);
        }
        List<Double> out = new java.util.ArrayList<>();
        for (double v = start; v <= end * (1 + 1e-9); v = above125(v * 1.0001)) {
            out.add(v);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The largest value 1, 2 or 5 times a power of ten that is &le; v. */
    static double below125(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        double m = v / p;
        return (m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1) * p;
    }

    /** The smallest value 1, 2 or 5 times a power of ten that is &ge; v. */
    static double above125(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        double m = v / p;
        return m <= 1 + 1e-9 ? p : m <= 2 + 1e-9 ? 2 * p : m <= 5 + 1e-9 ? 5 * p : 10 * p;
    }

    /** A log-axis tick label: "0.002", "50", "1e-07", "2e+05" (one significant digit: the ticks are 1-2-5 values). */
    public static String logLabel(double v) {
        if (v >= 1e-3 && v < 1e5) {
            return new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.1g", v)).stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.0e", v);
    }

    /**
     * A base-10 logarithmic axis whose range is widened to 1-2-5 values (or decades) around the data and whose
     * ticks are exactly {@link #logTicks} of it, labelled by {@link #logLabel}.
     */
    static final class StepLogAxis extends LogAxis {
        private double[] ticks = {1e-300, 1};

        StepLogAxis(String label) {
            super(label);
            setBase(10);
            setSmallestValue(1e-300);
        }

        /** Fits the axis to data between {@code lo} and {@code hi} (both &gt; 0). */
        void span(double lo, double hi) {
            ticks = logTicks(lo, hi);
            setAutoRange(false);
            setRange(ticks[0], ticks[ticks.length - 1]);
        }

        /** The tick values the axis draws. */
        double[] ticks() {
            return ticks.clone();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected List refreshTicksVertical(java.awt.Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
            List out = new java.util.ArrayList();
            org.jfree.chart.ui.TextAnchor anchor = edge == RectangleEdge.LEFT
                    ? org.jfree.chart.ui.TextAnchor.CENTER_RIGHT : org.jfree.chart.ui.TextAnchor.CENTER_LEFT;
            for (double t : ticks) {
                out.add(new org.jfree.chart.axis.NumberTick(org.jfree.chart.axis.TickType.MAJOR, t, logLabel(t),
                        anchor, org.jfree.chart.ui.TextAnchor.CENTER, 0));
            }
            return out;
        }
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
        // overlaid samples: light translucent fills, each outlined in its solid colour, so both stay legible
        r.setDrawBarOutline(samples.size() > 1);
        for (int i = 0; i < samples.size(); i++) {
            Color c = color(i);
            r.setSeriesPaint(i, samples.size() > 1 ? new Color(c.getRed(), c.getGreen(), c.getBlue(), 90) : c);
            r.setSeriesOutlinePaint(i, c);
            r.setSeriesOutlineStroke(i, new BasicStroke(1.2f));
        }
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis count = linearAxis("count");
        count.setAutoRangeIncludesZero(true); // counts start at 0: bar heights compare
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart(title, new XYPlot(data, xAxis, count, r), samples.size() > 1);
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
        return new StepLogAxis(label);
    }

    /**
     * A confusion matrix as a heat map: predicted class across, true class down (the first at the top), each cell
     * shaded by its share of its row (the recall of the diagonal cells) and labelled with its count.
     *
     * @param classes the class names, in label order
     * @param counts counts[true][predicted]
     */
    public static JFreeChart heatmap(String title, String xLabel, String yLabel, List<String> classes, int[][] counts) {
        int n = classes.size();
        double[][] xyz = new double[3][n * n];
        for (int t = 0; t < n; t++) {
            long row = 0;
            for (int p = 0; p < n; p++) {
                row += counts[t][p];
            }
            for (int p = 0; p < n; p++) {
                int i = t * n + p;
                xyz[0][i] = p;
                xyz[1][i] = t;
                xyz[2][i] = row == 0 ? 0 : (double) counts[t][p] / row;
            }
        }
        org.jfree.data.xy.DefaultXYZDataset data = new org.jfree.data.xy.DefaultXYZDataset();
        data.addSeries("share of the true class", xyz);
        String[] names = classes.toArray(String[]::new);
        org.jfree.chart.axis.SymbolAxis x = new org.jfree.chart.axis.SymbolAxis(xLabel, names);
        org.jfree.chart.axis.SymbolAxis y = new org.jfree.chart.axis.SymbolAxis(yLabel, names);
        y.setInverted(true);
        x.setGridBandsVisible(false);
        y.setGridBandsVisible(false);
        if (n > 6) {
            x.setVerticalTickLabels(true);
        }
        org.jfree.chart.renderer.xy.XYBlockRenderer r = new org.jfree.chart.renderer.xy.XYBlockRenderer();
        r.setPaintScale(new org.jfree.chart.renderer.PaintScale() {
            @Override
            public double getLowerBound() {
                return 0;
            }

            @Override
            public double getUpperBound() {
                return 1;
            }

            @Override
            public java.awt.Paint getPaint(double v) {
                double f = Math.max(0, Math.min(1, v));
                return new Color((int) Math.round(255 - f * (255 - 0x1f)), (int) Math.round(255 - f * (255 - 0x4e)),
                        (int) Math.round(255 - f * (255 - 0x99)));
            }
        });
        XYPlot plot = new XYPlot(data, x, y, r);
        int font = n <= 10 ? 13 : n <= 20 ? 10 : 8;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                org.jfree.chart.annotations.XYTextAnnotation a = new org.jfree.chart.annotations.XYTextAnnotation(
                        Integer.toString(counts[t][p]), p, t);
                a.setFont(new Font(Font.SANS_SERIF, t == p ? Font.BOLD : Font.PLAIN, font));
                a.setPaint(xyz[2][t * n + p] > 0.55 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(a);
            }
        }
        JFreeChart c = chart(title, plot, false);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        return c;
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
