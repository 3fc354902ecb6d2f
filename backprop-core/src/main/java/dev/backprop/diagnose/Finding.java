package dev.backprop.diagnose;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A problem seen during training, in plain words with a remedy.
 *
 * @param kind what went wrong
 * @param layer the layer's index among the model's leaf layers (its index in a Sequential), or -1 when the finding
 *     concerns the whole network
 * @param path the layer's path in the model ("3", "block1.fc2"), or "" for the whole network
 * @param layerName the layer's description ("Linear(64->64)"), or "" for the whole network
 * @param step the first (logged) step at which it was seen
 * @param message one sentence: what was measured and what to try
 */
public record Finding(Kind kind, int layer, String path, String layerName, long step, String message) {

    /** The kinds of finding; {@link #label()} is the name used in JSON. */
    public enum Kind {
        /** The first layer's weight gradient is a tiny fraction of the last layer's (lecture §2). */
        VANISHING_GRADIENT("vanishing-gradient"),
        /** The global gradient norm blew up (lecture §2.1, the "mirror problem"). */
        EXPLODING_GRADIENT("exploding-gradient"),
        /** Most sigmoid/tanh pre-activations sit where the derivative is nearly 0 (lecture §2.1, Figure 1.3). */
        SATURATION("saturation"),
        /** Most ReLU units output 0 for every sample, so they pass no gradient. */
        DEAD_UNITS("dead-units"),
        /** Neurons of a layer have identical incoming weights and stay identical (lecture §3). */
        SYMMETRY("symmetry"),
        /** A NaN or infinity appeared in the loss, an activation or a gradient. */
        DIVERGENCE("divergence");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A JSON-ready map: {"kind", "layer" (index, or null for the whole network), "path", "layer_name", "step",
     * "message"}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.label());
        m.put("layer", layer < 0 ? null : layer);
        m.put("path", path);
        m.put("layer_name", layerName);
        m.put("step", step);
        m.put("message", message);
        return m;
    }

    @Override
    public String toString() {
        return message;
    }
}
