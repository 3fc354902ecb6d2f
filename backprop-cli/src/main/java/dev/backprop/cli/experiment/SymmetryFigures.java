package dev.backprop.cli.experiment;

import java.util.List;

/** The charts of {@link SymmetryExperiment}. */
final class SymmetryFigures {
    private SymmetryFigures() {
    }

    static List<Figure> figures(List<SymmetryExperiment.Outcome> outcomes) {
        return List.of();
    }
}
