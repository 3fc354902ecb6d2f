package dev.backprop.cli.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.diagnose.MetricsJson;
import java.io.UncheckedIOException;

/** JSON helpers of the server, on {@link MetricsJson#mapper()}: a number that is not finite is written as null. */
final class Json {
    private Json() {
    }

    static ObjectNode object() {
        return MetricsJson.mapper().createObjectNode();
    }

    static ArrayNode array() {
        return MetricsJson.mapper().createArrayNode();
    }

    /** Puts {@code v}, or null when it is NaN or infinite (JSON has neither). */
    static void put(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    /** Adds {@code v}, or null when it is NaN or infinite. */
    static void add(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }

    static byte[] bytes(Object value) {
        try {
            return MetricsJson.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
