package dev.backprop.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Diagnostics of one epoch: per-layer means over the epoch's logged steps, and the weights as they stand at the end
 * of the epoch (measured then, so an epoch without logged steps still has them).
 *
 * @param epoch epoch number, from 1
 * @param loggedSteps how many logged steps the means are over (0: the means are NaN)
 * @param maxGradNorm the largest global gradient norm over every step of the epoch
 * @param firstToLastRatio geometric mean over logged steps of the first-to-last weight-gradient ratio
 * @param layers one entry per layer
 */
public record EpochSummary(int epoch, int loggedSteps, double maxGradNorm, double firstToLastRatio,
                           List<Layer> layers) {

    public EpochSummary {
        layers = List.copyOf(layers);
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
    public record Layer(int index, String layer, double weightNorm, double zeroFraction, int identicalNeurons,
                        double meanWeightGradNorm, double meanOutputGradNorm, double meanUpdateRatio,
                        double meanSaturatedFraction, double meanDeadFraction) {

        /** A JSON-ready map (NaN and infinities become null). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", index);
            m.put("layer", layer);
            m.put("weight_norm", Json.num(weightNorm));
            m.put("zero_fraction", Json.num(zeroFraction));
            m.put("identical_neurons", identicalNeurons);
            m.put("mean_weight_grad_norm", Json.num(meanWeightGradNorm));
            m.put("mean_output_grad_norm", Json.num(meanOutputGradNorm));
            m.put("mean_update_ratio", Json.num(meanUpdateRatio));
            m.put("mean_saturated_fraction", Json.num(meanSaturatedFraction));
            m.put("mean_dead_fraction", Json.num(meanDeadFraction));
            return m;
        }
    }

    /** A JSON-ready map with {@code "type": "epoch_diagnostics"}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "epoch_diagnostics");
        m.put("epoch", epoch);
        m.put("logged_steps", loggedSteps);
        m.put("max_grad_norm", Json.num(maxGradNorm));
        m.put("first_to_last_grad_ratio", Json.num(firstToLastRatio));
        List<Map<String, Object>> ls = new ArrayList<>();
        for (Layer l : layers) {
            ls.add(l.toMap());
        }
        m.put("layers", ls);
        return m;
    }
}
