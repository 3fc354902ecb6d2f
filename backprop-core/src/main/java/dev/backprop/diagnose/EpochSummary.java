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
 * @param maxGradNorm the largest global gradient norm over every step of the epoch
 * @param firstToLastRatio geometric mean over logged steps of the first-to-last weight-gradient ratio
 * @param layers one entry per layer
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EpochSummary(int epoch, int loggedSteps, double maxGradNorm,
                           @JsonProperty("first_to_last_grad_ratio") double firstToLastRatio, List<Layer> layers) {

    /** Copies the list of layers (none when null). */
    public EpochSummary {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /**
     * One layer's epoch summary (NaN where it does not apply).
     *
     * @param index layer index
     * @param layer description
     * @param weightNorm ‖W‖ at the end of the epoch
     * @param zeroFraction fraction of W's elements exactly zero at the end of the epoch
     * @param identicalNeurons neurons with an identical twin at the end of the epoch (Linear only, else 0)
     * @param meanWeightGradNorm mean of ‖∂L/∂W‖ over logged steps
     * @param meanOutputGradNorm mean of ‖∂L/∂h‖ over logged steps
     * @param meanUpdateRatio mean of ‖ΔW‖/‖W‖ over logged steps
     * @param meanSaturatedFraction mean saturated fraction (sigmoid/tanh)
     * @param meanDeadFraction mean dead-unit fraction (ReLU family)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Layer(int index, String layer, double weightNorm, double zeroFraction, int identicalNeurons,
                        double meanWeightGradNorm, double meanOutputGradNorm, double meanUpdateRatio,
                        double meanSaturatedFraction, double meanDeadFraction) {
    }
}
