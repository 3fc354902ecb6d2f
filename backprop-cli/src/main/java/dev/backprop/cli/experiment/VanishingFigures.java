package dev.backprop.cli.experiment;

import java.util.List;

/** The charts of {@link VanishingExperiment}. */
final class VanishingFigures {
    private VanishingFigures() {
    }

    static List<Figure> figures(List<VanishingExperiment.Outcome> outcomes) {
        return List.of();
    }
}
