package dev.backprop.diagnose;

import dev.backprop.nn.ActivationKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics of one layer of a {@code Sequential} on a logged step. Values not measured for this layer's kind (or
 * on a step without traced activations) are NaN (null in JSON).
 *
 * @param index the layer's index among the model's leaf layers (its index in a Sequential)
 * @param path the layer's path in the model, the prefix of its parameter names ("3", "block1.fc2"); "" when the
 *     model is a single layer
 * @param layer the layer's description ("Linear(784->256)")
 * @param type the layer's kind in lower case: "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "prelu",
 *     "batchnorm1d", "dropout", ...
 * @param units the layer's output width (neurons of a Linear), or -1 when not known
 * @param params statistics of the layer's parameters, in order
 * @param outputGradNorm ‖∂L/∂h‖ for the layer's output h over the batch: the gradient flowing back into the layer
 * @param activationMean mean of the layer's output over the batch and units
 * @param activationStd population standard deviation of the layer's output
 * @param saturatedFraction sigmoid/tanh only: fraction of (sample, unit) pre-activations v with φ'(v) below 1% of
 *     its maximum ({@link Stats#SIGMOID_SATURATION}, {@link Stats#TANH_SATURATION})
 * @param deadFraction ReLU family only: fraction of units whose output (ReLU) or pre-activation (leaky ReLU, PReLU,
 *     ELU, GELU, SiLU) is ≤ 0 for every sample of the batch; for ReLU these units pass no gradient at all
 * @param preluAlpha PReLU only: its slopes α (empty otherwise)
 * @param identicalGroups Linear only: groups of ≥ 2 neurons with identical incoming weights and bias (lecture §3);
 *     each group is its neuron indices
 */
public record LayerStats(int index, String path, String layer, String type, int units, List<ParamStats> params, double outputGradNorm,
                         double activationMean, double activationStd, double saturatedFraction, double deadFraction,
                         double[] preluAlpha, List<int[]> identicalGroups) {

    public LayerStats {
        path = path == null ? "" : path;
        params = List.copyOf(params);
        preluAlpha = preluAlpha == null ? new double[0] : preluAlpha.clone();
        identicalGroups = List.copyOf(identicalGroups);
    }

    /** How messages name the layer: its path, or its index when the path is empty. */
    public String label() {
        return path.isEmpty() ? Integer.toString(index) : path;
    }

    /** The nonlinearity this layer applies (from {@link #type()}), or null for a layer that applies none. */
    public ActivationKind activation() {
        try {
            return type.equals("linear") ? null : ActivationKind.parse(type);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The statistics of the parameter with role "weight", or null when the layer has none. */
    public ParamStats weight() {
        for (ParamStats p : params) {
            if (p.role().equals("weight")) {
                return p;
            }
        }
        return null;
    }

    /** Number of neurons that have at least one identical twin. */
    public int identicalNeurons() {
        int n = 0;
        for (int[] g : identicalGroups) {
            n += g.length;
        }
        return n;
    }

    /** A JSON-ready map (NaN and infinities become null; fields that do not apply are left out). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("path", path);
        m.put("layer", layer);
        m.put("type", type);
        m.put("units", units);
        m.put("output_grad_norm", Json.num(outputGradNorm));
        m.put("activation_mean", Json.num(activationMean));
        m.put("activation_std", Json.num(activationStd));
        if (!Double.isNaN(saturatedFraction)) {
            m.put("saturated_fraction", Json.num(saturatedFraction));
        }
        if (!Double.isNaN(deadFraction)) {
            m.put("dead_fraction", Json.num(deadFraction));
        }
        if (preluAlpha.length > 0) {
            m.put("prelu_alpha", Json.nums(preluAlpha));
        }
        if (type.equals("linear")) {
            m.put("identical_neurons", identicalNeurons());
            List<List<Integer>> groups = new ArrayList<>();
            for (int[] g : identicalGroups) {
                groups.add(java.util.Arrays.stream(g).boxed().toList());
            }
            m.put("identical_groups", groups);
        }
        List<Map<String, Object>> ps = new ArrayList<>();
        for (ParamStats p : params) {
            ps.add(p.toMap());
        }
        m.put("params", ps);
        return m;
    }
}
