package dev.backprop.cli.experiment;

import java.util.List;

/** The charts of {@link RegularizationExperiment}. */
final class RegularizationFigures {
    private RegularizationFigures() {
    }

    static List<Figure> figures(List<RegularizationExperiment.Outcome> outcomes, RegularizationExperiment.Decay decay) {
        return List.of();
    }
}
