package dev.backprop.diagnose;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Statistics of one parameter on a logged step. NaN marks a value not measured (no gradient yet, no update).
 *
 * @param name the parameter's state-dict name ("0.weight")
 * @param role its role, lower case ("weight", "bias", "prelu_alpha", ...)
 * @param size number of scalars
 * @param norm ‖w‖ after the step
 * @param gradNorm ‖∂L/∂w‖ before clipping (data loss only; the regularizer's term is added by the optimizer)
 * @param updateRatio ‖Δw‖ / ‖w‖ of this step's update (about 1e-3 is the usual healthy order)
 * @param zeroFraction fraction of elements exactly 0 after the step (L1 sparsity, lecture eq. 2.8)
 */
public record ParamStats(String name, String role, int size, double norm, double gradNorm, double updateRatio,
                         double zeroFraction) {

    /** A JSON-ready map (NaN and infinities become null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("role", role);
        m.put("size", size);
        m.put("norm", Json.num(norm));
        m.put("grad_norm", Json.num(gradNorm));
        m.put("update_ratio", Json.num(updateRatio));
        m.put("zero_fraction", Json.num(zeroFraction));
        return m;
    }
}
