package dev.backprop.cli.experiment;

import dev.backprop.cli.report.Charts;
import java.util.ArrayList;
import java.util.List;

/** The charts of {@link ActivationsExperiment}: the lecture's Figures 1.3 and 2.2, with derivatives. */
final class ActivationFigures {
    private ActivationFigures() {
    }

    static List<Figure> figures(List<ActivationsExperiment.Curve> activations, List<ActivationsExperiment.Curve> penalties) {
        return List.of(
                Figure.of("activations.svg", "Sigmoid and tanh are bounded (squashing); ReLU is bounded below only;"
                        + " PReLU (α = " + ActivationsExperiment.PRELU_ALPHA + ") is unbounded (lecture Figure 1.3a–b,"
                        + " eq. 1.15–1.17).",
                        Charts.line("Activation functions", "x (linear combiner output)", "φ(x)",
                                series(activations, false), false)),
                Figure.of("activation-derivatives.svg", "Their derivatives, computed by autograd: sigmoid's peaks at"
                        + " 0.25 and tanh's at 1, and both die out for large |x| (Figure 1.3c–d); ReLU's is 0 for"
                        + " x < 0; PReLU's is α there.",
                        Charts.line("Derivatives (autograd)", "x", "φ'(x)", series(activations, true), false)),
                Figure.of("penalties.svg", "The L2 penalty w² is flat near 0 and steep beyond |w| = 1; the L1"
                        + " penalty |w| has the same slope everywhere (lecture Figure 2.2).",
                        Charts.line("Penalty functions", "w", "Ω(w)", series(penalties, false), false)),
                Figure.of("penalty-derivatives.svg", "Their derivatives (autograd): 2w fades near 0, so weight decay"
                        + " makes weights small; sign(w) keeps pushing with the same force until the weight is 0.",
                        Charts.line("Penalty derivatives (autograd)", "w", "Ω'(w)", series(penalties, true), false)));
    }

    private static List<Charts.Series> series(List<ActivationsExperiment.Curve> curves, boolean derivative) {
        List<Charts.Series> out = new ArrayList<>();
        for (ActivationsExperiment.Curve c : curves) {
            out.add(new Charts.Series(derivative ? c.name() + "'" : c.name(), c.x(),
                    derivative ? c.derivative() : c.value()));
        }
        return out;
    }
}
