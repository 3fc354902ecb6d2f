package dev.backprop.diagnose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonProperty.Access;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.backprop.nn.ActivationKind;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Statistics of one layer of a {@code Sequential} on a logged step. Values not measured for this layer's kind (or
 * on a step without traced activations) are NaN (null in JSON, see {@link MetricsJson}); the fields that apply only
 * to some kinds (saturated and dead fractions, PReLU slopes, identical neurons) are left out of the JSON of the
 * others.
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
 *     its maximum (|v| above {@link ActivationKind#saturationThreshold()}; lecture §2.1)
 * @param deadFraction ReLU family only: fraction of units whose output (ReLU) or pre-activation (leaky ReLU, PReLU,
 *     ELU, GELU, SiLU) is ≤ 0 for every sample of the batch; for ReLU these units pass no gradient at all
 * @param preluAlpha PReLU only: its slopes α (empty otherwise)
 * @param identicalGroups Linear only: groups of ≥ 2 neurons with identical incoming weights and bias (lecture §3);
 *     each group is its neuron indices
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"index", "path", "layer", "type", "units", "output_grad_norm", "activation_mean", "activation_std",
        "saturated_fraction", "dead_fraction", "prelu_alpha", "identical_neurons", "identical_groups", "params"})
public record LayerStats(int index, String path, String layer, String type, int units, List<ParamStats> params,
                         double outputGradNorm, double activationMean, double activationStd,
                         @JsonInclude(value = Include.CUSTOM, valueFilter = NotMeasured.class) double saturatedFraction,
                         @JsonInclude(value = Include.CUSTOM, valueFilter = NotMeasured.class) double deadFraction,
                         @JsonInclude(Include.NON_EMPTY) double[] preluAlpha,
                         @JsonProperty(value = "identical_groups", access = Access.WRITE_ONLY)
                         List<int[]> identicalGroups) {

    /** Copies the lists and the array; a null path, layer or type is "", null lists and a null array are empty. */
    public LayerStats {
        path = path == null ? "" : path;
        layer = layer == null ? "" : layer;
        type = type == null ? "" : type;
        params = params == null ? List.of() : List.copyOf(params);
        preluAlpha = preluAlpha == null ? new double[0] : preluAlpha.clone();
        identicalGroups = identicalGroups == null ? List.of() : List.copyOf(identicalGroups);
    }

    /**
     * How messages name the layer.
     *
     * @return its path, or its index when the path is empty
     */
    public String label() {
        return path.isEmpty() ? Integer.toString(index) : path;
    }

    /**
     * The nonlinearity this layer applies, parsed from {@link #type()}.
     *
     * @return the activation, or null for a Linear or another layer whose type is no activation
     */
    public ActivationKind activation() {
        try {
            return type.equals("linear") ? null : ActivationKind.parse(type);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The statistics of the layer's weight.
     *
     * @return the first parameter with role "weight", or null when the layer has none
     */
    public ParamStats weight() {
        for (ParamStats p : params) {
            if (p.role().equals("weight")) {
                return p;
            }
        }
        return null;
    }

    /**
     * The number of neurons that have at least one identical twin.
     *
     * @return the total size of {@link #identicalGroups()}
     */
    public int identicalNeurons() {
        int n = 0;
        for (int[] g : identicalGroups) {
            n += g.length;
        }
        return n;
    }

    /**
     * Equal when every component is: the array and the groups by their elements, doubles as by
     * {@link Double#compare} (NaN equals NaN).
     *
     * @param o the other object
     * @return whether {@code o} is a LayerStats with equal components
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof LayerStats l && index == l.index && units == l.units && path.equals(l.path)
                && layer.equals(l.layer) && type.equals(l.type) && params.equals(l.params)
                && Double.compare(outputGradNorm, l.outputGradNorm) == 0
                && Double.compare(activationMean, l.activationMean) == 0
                && Double.compare(activationStd, l.activationStd) == 0
                && Double.compare(saturatedFraction, l.saturatedFraction) == 0
                && Double.compare(deadFraction, l.deadFraction) == 0 && Arrays.equals(preluAlpha, l.preluAlpha)
                && groups(identicalGroups).equals(groups(l.identicalGroups));
    }

    /**
     * A hash consistent with {@link #equals}.
     *
     * @return the hash of the components, arrays by their elements
     */
    @Override
    public int hashCode() {
        return Objects.hash(index, path, layer, type, units, params, outputGradNorm, activationMean, activationStd,
                saturatedFraction, deadFraction, Arrays.hashCode(preluAlpha), groups(identicalGroups));
    }

    private static List<List<Integer>> groups(List<int[]> groups) {
        return groups.stream().map(g -> Arrays.stream(g).boxed().toList()).toList();
    }

    /** identical_neurons in JSON: {@link #identicalNeurons()} for a Linear layer, left out for other kinds. */
    @JsonProperty(value = "identical_neurons", access = Access.READ_ONLY)
    @JsonInclude(Include.NON_NULL)
    private Integer identicalNeuronsIfLinear() {
        return type.equals("linear") ? identicalNeurons() : null;
    }

    /** identical_groups in JSON: {@link #identicalGroups()} for a Linear layer, left out for other kinds. */
    @JsonProperty("identical_groups")
    @JsonInclude(Include.NON_NULL)
    private List<int[]> identicalGroupsIfLinear() {
        return type.equals("linear") ? identicalGroups : null;
    }
}
