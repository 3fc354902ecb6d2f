package dev.backprop.diagnose;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Statistics of one parameter on a logged step (in metrics.jsonl, through {@link MetricsJson}). NaN marks a value
 * not measured (no gradient yet, no update).
 *
 * @param name the parameter's state-dict name ("0.weight")
 * @param role its role, lower case ("weight", "bias", "prelu_alpha", ...)
 * @param size number of scalars
 * @param norm ‖w‖ after the step
 * @param gradNorm ‖∂L/∂w‖ before clipping (data loss only; the regularizer's term is added by the optimizer)
 * @param updateRatio ‖Δw‖ / ‖w‖ of this step's update, w as before it ({@link Stats#updateRatio}; about 1e-3 is the
 *     usual healthy order)
 * @param zeroFraction fraction of elements exactly 0 after the step (L1 sparsity, lecture chapter 2, eq. 2.8)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ParamStats(String name, String role, int size, double norm, double gradNorm, double updateRatio,
                         double zeroFraction) {
}
