package dev.backprop.cli.experiment;

/**
 * A chart of an experiment, drawn as SVG.
 *
 * @param file the file name it is written to in the output folder ("grad-norms-init.svg")
 * @param caption one sentence saying what the chart shows and what to look for
 * @param svg the SVG document
 */
public record Figure(String file, String caption, String svg) {
    public Figure {
        if (!file.endsWith(".svg")) {
            throw new IllegalArgumentException("figure file must end in .svg, got " + file);
        }
    }
}
