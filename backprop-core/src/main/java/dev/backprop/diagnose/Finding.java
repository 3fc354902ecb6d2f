package dev.backprop.diagnose;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * A problem seen during training, in plain words with a remedy. An entry of findings.json and of the
 * {@code "findings"} of {@code train --json} ({@link MetricsJson}): {"kind", "layer" (index, or null for the whole
 * network), "path", "layer_name", "step", "message"}.
 *
 * @param kind what went wrong
 * @param layer the layer's index among the model's leaf layers (its index in a Sequential), or -1 when the finding
 *     concerns the whole network
 * @param path the layer's path in the model ("3", "block1.fc2"), or "" for the whole network
 * @param layerName the layer's description ("Linear(64->64)"), or "" for the whole network
 * @param step the first (logged) step at which it was seen
 * @param message one sentence: what was measured and what to try
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Finding(Kind kind,
                      @JsonSerialize(using = LayerIndex.Writer.class) @JsonDeserialize(using = LayerIndex.Reader.class)
                      int layer,
                      String path, String layerName, long step, String message) {

    /** A null path, layer name or message is "". */
    public Finding {
        path = path == null ? "" : path;
        layerName = layerName == null ? "" : layerName;
        message = message == null ? "" : message;
    }

    /** The kinds of finding; {@link #label()} is the name used in JSON. */
    public enum Kind {
        /** The first layer's weight gradient is a tiny fraction of the last layer's (lecture §2). */
        VANISHING_GRADIENT("vanishing-gradient"),
        /** The global gradient norm blew up (lecture §2.1, the "mirror problem"). */
        EXPLODING_GRADIENT("exploding-gradient"),
        /** Most sigmoid/tanh pre-activations sit where the derivative is nearly 0 (lecture §2.1, Figure 1.3). */
        SATURATION("saturation"),
        /**
         * Most of a ReLU-family layer's units are dead on the batch: a ReLU's output, or the input of the other
         * ReLU-family activations (leaky ReLU, PReLU, ELU, GELU, SiLU), is ≤ 0 for every sample, so the unit passes
         * no gradient (ReLU) or only the small negative-side one (lecture §2.1).
         */
        DEAD_UNITS("dead-units"),
        /** Neurons of a layer have identical incoming weights and stay identical (lecture §3). */
        SYMMETRY("symmetry"),
        /** The loss grew far above its early level without becoming NaN: the learning rate is the usual cause. */
        EXPLODING_LOSS("exploding-loss"),
        /**
         * The model fits the training data ever better and the held-out data worse: the training loss falls while
         * the evaluation loss rises for several epochs, or the gap between them is large and growing (lecture §2:
         * what regularization is for).
         */
        OVERFITTING("overfitting"),
        /** A NaN or infinity appeared in the loss, an activation or a gradient. */
        DIVERGENCE("divergence");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * The kind's name in JSON and messages.
         *
         * @return the label, such as "vanishing-gradient"
         */
        @JsonValue
        public String label() {
            return label;
        }
    }

    /**
     * The finding in plain words.
     *
     * @return {@link #message()}
     */
    @Override
    public String toString() {
        return message;
    }
}
