package dev.backprop.nn;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.tensor.DType;
import java.util.List;

/**
 * The architecture of a layer as plain data: what a model file's architecture JSON holds, and what
 * {@link #build} turns back into a {@link Module}. Weights are not part of a spec; {@link #build} initializes them
 * with {@code Init.defaultFor} from the seed.
 *
 * <p>JSON form (Jackson, see {@link #toJson}): one object per layer with a "type" field, e.g.
 * {@code {"type":"linear","in":784,"out":256,"bias":true}}, {@code {"type":"activation","kind":"relu","param":0.0}},
 * {@code {"type":"prelu","numParameters":256}}, {@code {"type":"dropout","p":0.2}},
 * {@code {"type":"batchnorm1d","features":256,"eps":1.0E-5,"momentum":0.1}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LayerSpec.Linear.class, name = "linear"),
    @JsonSubTypes.Type(value = LayerSpec.Activation.class, name = "activation"),
    @JsonSubTypes.Type(value = LayerSpec.PReLU.class, name = "prelu"),
    @JsonSubTypes.Type(value = LayerSpec.Dropout.class, name = "dropout"),
    @JsonSubTypes.Type(value = LayerSpec.BatchNorm1d.class, name = "batchnorm1d"),
    @JsonSubTypes.Type(value = LayerSpec.Sequence.class, name = "sequence")
})
public sealed interface LayerSpec {
    /** Jackson's type for a list of specs (keeps the "type" field when writing a list). */
    TypeReference<List<LayerSpec>> LIST = new TypeReference<>() {};

    /** The specs as a JSON array. */
    static String toJson(List<LayerSpec> specs) {
        try {
            return new ObjectMapper().writerFor(LIST).writeValueAsString(specs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write layer specs as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Specs from a JSON array written by {@link #toJson}.
     *
     * @throws IllegalArgumentException for malformed JSON, an unknown type or invalid values, with Jackson's location
     */
    static List<LayerSpec> listFromJson(String json) {
        try {
            return new ObjectMapper().readValue(json, LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid layer specs JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A new module with freshly initialized parameters; the same seed gives the same parameters. A {@link Linear}
     * built alone is initialized as if no activation followed it (Xavier-uniform, gain 1);
     * {@link dev.backprop.nn.Sequential#fromSpecs} uses the activation that follows each Linear instead.
     */
    Module build(DType dtype, long seed);

    /** {@code dev.backprop.nn.Linear}: y = x·Wᵀ + b with W of shape [out, in]. */
    record Linear(int in, int out, boolean bias) implements LayerSpec {
        public Linear {
            if (in <= 0 || out <= 0) {
                throw new IllegalArgumentException("Linear needs positive sizes, got in=" + in + ", out=" + out);
            }
        }

        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.Linear(in, out, bias, dtype, seed);
        }
    }

    /**
     * A parameter-free activation of kind {@code kind} (written by its label: sigmoid, tanh, relu, leaky_relu,
     * elu, gelu, silu, softmax, identity); {@code param} is leaky_relu's negative slope or elu's α, ignored (write 0)
     * for the others.
     */
    record Activation(ActivationKind kind, double param) implements LayerSpec {
        public Activation {
            java.util.Objects.requireNonNull(kind, "activation kind");
            if (kind == ActivationKind.PRELU) {
                throw new IllegalArgumentException("PReLU has learned slopes: use LayerSpec.PReLU");
            }
            if (!Double.isFinite(param)) {
                throw new IllegalArgumentException("invalid " + kind.label() + " parameter: " + param);
            }
        }

        @Override
        public Module build(DType dtype, long seed) {
            return kind.module(param);
        }
    }

    /** {@code dev.backprop.nn.PReLU} with one shared slope (numParameters = 1) or one per feature; slopes start at 0.25. */
    record PReLU(int numParameters) implements LayerSpec {
        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.PReLU(numParameters, 0.25, dtype);
        }
    }

    /** {@code dev.backprop.nn.Dropout} with drop probability p; its mask generator is seeded from the build seed. */
    record Dropout(double p) implements LayerSpec {
        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.Dropout(p, seed);
        }
    }

    /** {@code dev.backprop.nn.BatchNorm1d}. */
    record BatchNorm1d(int features, double eps, double momentum) implements LayerSpec {
        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.BatchNorm1d(features, eps, momentum, dtype);
        }
    }

    /** A {@link dev.backprop.nn.Sequential} of layers (what {@code Sequential.spec()} returns). */
    record Sequence(List<LayerSpec> layers) implements LayerSpec {
        public Sequence {
            layers = List.copyOf(layers);
        }

        @Override
        public Module build(DType dtype, long seed) {
            return dev.backprop.nn.Sequential.fromSpecs(layers, dtype, seed);
        }
    }
}
