package dev.backprop.cli.experiment;

import dev.backprop.cli.report.Charts;
import java.util.ArrayList;
import java.util.List;

/** The charts of {@link SymmetryExperiment}: identical neurons per layer and the learning curves. */
final class SymmetryFigures {
    private SymmetryFigures() {
    }

    static List<Figure> figures(List<SymmetryExperiment.Outcome> outcomes) {
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < outcomes.get(0).units().length; i++) {
            layers.add("Linear " + (i + 1) + " (" + outcomes.get(0).units()[i] + " units)");
        }
        List<Charts.Values> identical = new ArrayList<>();
        List<Charts.Series> loss = new ArrayList<>();
        for (SymmetryExperiment.Outcome o : outcomes) {
            identical.add(new Charts.Values(o.label(), java.util.Arrays.stream(o.identical()).asDoubleStream().toArray()));
            int every = Math.max(1, o.run().stepLosses().length / 50);
            List<Double> c = o.run().lossCurve(every);
            double[] x = new double[c.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i + 0.5) * every;
            }
            loss.add(new Charts.Series(o.label(), x, c.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return List.of(
                Figure.of("identical-neurons.svg", "Neurons with a bit-for-bit identical twin (same incoming weights"
                        + " and bias) in each Linear layer after training. Under constant initialization every hidden"
                        + " neuron is still identical to the others.",
                        Charts.bars("Identical neurons after training", "layer", "neurons", layers, identical)),
                Figure.of("learning-curves.svg", "Training loss: the constant-initialized network learns like a"
                        + " network one neuron wide.",
                        Charts.line("Learning curves", "step", "training loss", loss, false)));
    }
}
