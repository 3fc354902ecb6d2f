package dev.backprop.diagnose;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Diagnostics of one epoch: per-layer means over the epoch's logged steps, and the weights as they stand at the end
 * of the epoch (measured then, so an epoch without logged steps still has them). One line of metrics.jsonl,
 * {@code "type": "epoch_diagnostics"} ({@link MetricsJson}).
 *
 * @param epoch epoch number, from 1
 * @param loggedSteps how many logged steps the means are over (0: the means are NaN)
 * @param maxGradNorm the largest global gradient norm √(Σ‖∂L/∂w‖²) over every step of the epoch, logged or not
 * @param firstToLastRatio geometric mean, over the logged steps where it is finite and above 0, of the first-to-last
 *     weight-gradient ratio ({@link StepStats#firstToLastRatio()}; lecture §2); NaN when there is none
 * @param layers one entry per layer, in layer order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EpochSummary(int epoch, int loggedSteps, double maxGradNorm,
                           @JsonProperty("first_to_last_grad_ratio") double firstToLastRatio, List<Layer> layers) {

    /** Copies the list of layers (none when null). */
    public EpochSummary {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /**
     * One layer's epoch summary (NaN where it does not apply). The means are over the epoch's logged steps, of the
     * finite values only (NaN when there is none).
     *
     * @param index the layer's index among the model's leaf layers
     * @param layer the layer's description ("Linear(784->256)")
     * @param weightNorm ‖W‖ at the end of the epoch (NaN for a layer without a weight)
     * @param zeroFraction fraction of W's elements exactly zero at the end of the epoch (L1 sparsity, lecture
     *     chapter 2, eq. 2.8)
     * @param identicalNeurons neurons with an identical twin at the end of the epoch (lecture §3; Linear layers of
     *     more than one neuron only, else 0)
     * @param meanWeightGradNorm mean of ‖∂L/∂W‖ over logged steps
     * @param meanOutputGradNorm mean of ‖∂L/∂h‖ over logged steps
     * @param meanUpdateRatio mean of ‖ΔW‖/‖W‖ over logged steps
     * @param meanSaturatedFraction mean saturated fraction (sigmoid/tanh; {@link LayerStats#saturatedFraction()})
     * @param meanDeadFraction mean dead-unit fraction (ReLU family; {@link LayerStats#deadFraction()})
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Layer(int index, String layer, double weightNorm, double zeroFraction, int identicalNeurons,
                        double meanWeightGradNorm, double meanOutputGradNorm, double meanUpdateRatio,
                        double meanSaturatedFraction, double meanDeadFraction) {
    }
}
