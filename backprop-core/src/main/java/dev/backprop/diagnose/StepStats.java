package dev.backprop.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything measured on one logged training step: one line of metrics.jsonl.
 *
 * @param step global step, from 1
 * @param epoch epoch, from 1
 * @param loss the batch's data loss
 * @param lr the learning rate of the step
 * @param gradNorm the global gradient norm √(Σ over parameters ‖∂L/∂w‖²), before clipping
 * @param firstToLastRatio ‖∂L/∂W‖ of the first Linear divided by that of the last Linear (lecture §2: a tiny ratio is a
 *     vanishing gradient); NaN with fewer than two Linear layers
 * @param layers per-layer statistics, in layer order
 */
public record StepStats(long step, int epoch, double loss, double lr, double gradNorm, double firstToLastRatio,
                        List<LayerStats> layers) {

    public StepStats {
        layers = List.copyOf(layers);
    }

    /** A JSON-ready map with {@code "type": "step"} (NaN and infinities become null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "step");
        m.put("step", step);
        m.put("epoch", epoch);
        m.put("loss", Json.num(loss));
        m.put("lr", Json.num(lr));
        m.put("grad_norm", Json.num(gradNorm));
        m.put("first_to_last_grad_ratio", Json.num(firstToLastRatio));
        List<Map<String, Object>> ls = new ArrayList<>();
        for (LayerStats l : layers) {
            ls.add(l.toMap());
        }
        m.put("layers", ls);
        return m;
    }
}
