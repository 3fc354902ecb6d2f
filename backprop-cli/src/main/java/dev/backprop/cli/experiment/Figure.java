package dev.backprop.cli.experiment;

import dev.backprop.cli.report.Charts;
import org.jfree.chart.JFreeChart;

/**
 * A chart of an experiment, drawn as SVG.
 *
 * @param file the file name it is written to in the output folder ("grad-norms-init.svg")
 * @param caption one sentence saying what the chart shows and what to look for
 * @param svg the {@code <svg>} element (as {@link Charts#svg} draws it: scalable, no XML declaration)
 * @param chart the chart it was drawn from, for PNG output (null when there is none)
 */
public record Figure(String file, String caption, String svg, JFreeChart chart) {
    public Figure {
        if (!file.endsWith(".svg")) {
            throw new IllegalArgumentException("figure file must end in .svg, got " + file);
        }
    }

    /** The chart drawn as SVG by {@link Charts#svg}. */
    static Figure of(String file, String caption, JFreeChart chart) {
        return new Figure(file, caption, Charts.svg(chart), chart);
    }

    /** A standalone SVG file's content: the XML declaration and the element. */
    String document() {
        String s = svg.strip();
        return s.startsWith("<?xml") ? s + "\n" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + s + "\n";
    }
}
