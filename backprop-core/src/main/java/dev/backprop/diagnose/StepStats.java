package dev.backprop.diagnose;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Everything measured on one logged training step: one line of metrics.jsonl ({@code "type": "step"}, written and
 * read by {@link MetricsJson}; each property is the snake_case of its component unless annotated).
 *
 * @param step global step, from 1
 * @param epoch epoch, from 1
 * @param loss the batch's data loss
 * @param lr the learning rate of the step
 * @param gradNorm the global gradient norm √(Σ over parameters ‖∂L/∂w‖²), before clipping
 * @param firstToLastRatio ‖∂L/∂W‖ of the first Linear divided by that of the last Linear (lecture §2: a tiny ratio is a
 *     vanishing gradient); NaN with fewer than two Linear layers
 * @param layers per-layer statistics, one per leaf layer of the model, in layer order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StepStats(long step, int epoch, double loss, double lr, double gradNorm,
                        @JsonProperty("first_to_last_grad_ratio") double firstToLastRatio, List<LayerStats> layers) {

    /** Copies the list of layers (none when null). */
    public StepStats {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }
}
