package dev.backprop.diagnose;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;

/** JSON of {@link Finding#layer()}: a layer index, with -1 (the whole network) written as null and read from null. */
final class LayerIndex {
    private LayerIndex() {
    }

    /** Writes an index ≥ 0 as a number and -1 as null. */
    static final class Writer extends JsonSerializer<Integer> {
        @Override
        public void serialize(Integer v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (v < 0) {
                g.writeNull();
            } else {
                g.writeNumber(v);
            }
        }
    }

    /** Reads a number as the index, and null or a missing property as -1. */
    static final class Reader extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return p.getValueAsInt(-1);
        }

        @Override
        public Integer getNullValue(DeserializationContext c) {
            return -1;
        }

        @Override
        public Object getAbsentValue(DeserializationContext c) {
            return -1;
        }
    }
}
