package dev.backprop.cli.experiment;

import java.util.List;

/** The charts of {@link ActivationsExperiment}. */
final class ActivationFigures {
    private ActivationFigures() {
    }

    static List<Figure> figures(List<ActivationsExperiment.Curve> activations, List<ActivationsExperiment.Curve> penalties) {
        return List.of();
    }
}
