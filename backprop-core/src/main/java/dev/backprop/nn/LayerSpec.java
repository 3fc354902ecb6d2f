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

    /**
     * The specs as a JSON array.
     *
     * @param specs the layer specs
     * @return a JSON array of objects, each with its "type"
     */
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
     * @param json the JSON array
     * @return the specs
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
     *
     * @param dtype the dtype of the parameters and buffers
     * @param seed the seed of the initializers (and of a dropout mask generator)
     * @return the new module
     */
    Module build(DType dtype, long seed);

    /**
     * {@code dev.backprop.nn.Linear}: y = x·Wᵀ + b with W of shape [out, in].
     *
     * @param in the number of input features, &gt; 0
     * @param out the number of output features, &gt; 0
     * @param bias whether the layer has the bias b
     */
    record Linear(int in, int out, boolean bias) implements LayerSpec {
        /**
         * Checks the sizes.
         *
         * @throws IllegalArgumentException if {@code in} or {@code out} is not positive
         */
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
     *
     * @param kind the nonlinearity, not {@link ActivationKind#PRELU}
     * @param param its parameter, finite
     */
    record Activation(ActivationKind kind, double param) implements LayerSpec {
        /**
         * Checks the kind and the parameter.
         *
         * @throws IllegalArgumentException for {@link ActivationKind#PRELU} (see {@link LayerSpec.PReLU}) or a
         *     non-finite parameter
         */
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

    /**
     * {@code dev.backprop.nn.PReLU} with one shared slope (numParameters = 1) or one per feature; slopes start at 0.25.
     *
     * @param numParameters the number of slopes α, 1 or the number of features (checked when built)
     */
    record PReLU(int numParameters) implements LayerSpec {
        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.PReLU(numParameters, 0.25, dtype);
        }
    }

    /**
     * {@code dev.backprop.nn.Dropout} with drop probability p; its mask generator is seeded from the build seed.
     *
     * @param p the probability of zeroing an element, in [0, 1] (checked when built)
     */
    record Dropout(double p) implements LayerSpec {
        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.Dropout(p, seed);
        }
    }

    /**
     * {@code dev.backprop.nn.BatchNorm1d} (values checked when built).
     *
     * @param features the number of features C, &gt; 0
     * @param eps ε added to the variance, &gt; 0
     * @param momentum the running statistics' update rate, in [0, 1]
     */
    record BatchNorm1d(int features, double eps, double momentum) implements LayerSpec {
        @Override
        public Module build(DType dtype, long seed) {
            return new dev.backprop.nn.BatchNorm1d(features, eps, momentum, dtype);
        }
    }

    /**
     * A {@link dev.backprop.nn.Sequential} of layers (what {@code Sequential.spec()} returns).
     *
     * @param layers the layers' specs in order (copied)
     */
    record Sequence(List<LayerSpec> layers) implements LayerSpec {
        /** Copies the list. */
        public Sequence {
            layers = List.copyOf(layers);
        }

        @Override
        public Module build(DType dtype, long seed) {
            return dev.backprop.nn.Sequential.fromSpecs(layers, dtype, seed);
        }
    }
}
