package dev.backprop.cli.experiment;

import dev.backprop.cli.report.Charts;
import java.util.ArrayList;
import java.util.List;

/** The charts of {@link VanishingExperiment}: gradient norms per layer (log scale) and the learning curves. */
final class VanishingFigures {
    private VanishingFigures() {
    }

    static List<Figure> figures(List<VanishingExperiment.Outcome> outcomes) {
        List<Charts.Series> init = new ArrayList<>();
        List<Charts.Series> trained = new ArrayList<>();
        List<Charts.Series> loss = new ArrayList<>();
        List<Charts.Series> acc = new ArrayList<>();
        for (VanishingExperiment.Outcome o : outcomes) {
            String n = o.variant().label();
            init.add(Charts.Series.of(n, o.init()));
            trained.add(Charts.Series.of(n, o.trained()));
            List<Double> curve = o.run().lossCurve(o.curveEvery());
            double[] x = new double[curve.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.min((i + 0.5) * o.curveEvery(), o.run().stepLosses().length);
            }
            loss.add(new Charts.Series(n, x, curve.stream().mapToDouble(Double::doubleValue).toArray()));
            acc.add(Charts.Series.of(n, o.run().epochTestAccuracy().stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return List.of(
                Figure.of("grad-norms-init.svg", "‖∂L/∂W‖ of each Linear layer at initialization (log scale; layer 1"
                        + " is next to the input). With sigmoid and U(±1/√n) the norm falls by orders of magnitude from"
                        + " the output back to the input: the vanishing gradient of §2.",
                        Charts.line("Weight-gradient norm per layer at initialization", "Linear layer",
                                "‖∂L/∂W‖", init, true)),
                Figure.of("grad-norms-trained.svg", "The same norms after training.",
                        Charts.line("Weight-gradient norm per layer after training", "Linear layer", "‖∂L/∂W‖",
                                trained, true)),
                Figure.of("learning-curves.svg", "Training loss (mean over windows of steps): a network whose early"
                        + " layers get no gradient barely learns.",
                        Charts.line("Learning curves", "step", "training loss", loss, false)),
                Figure.of("test-accuracy.svg", "Test accuracy after each epoch.",
                        Charts.line("Test accuracy", "epoch", "accuracy", acc, false)));
    }
}
