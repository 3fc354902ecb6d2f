package dev.backprop.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.data.Normalizer;
import dev.backprop.nn.LayerSpec;
import dev.backprop.nn.Module;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A saved model: its architecture as JSON ({@value #ARCHITECTURE}) and its weights as safetensors
 * ({@value #WEIGHTS}), side by side in one folder.
 *
 * <p>The weights use PyTorch's {@code nn.Sequential} names ({@code 0.weight}, {@code 0.bias}, {@code 2.running_mean}),
 * so {@code model.load_state_dict(...)} of a PyTorch Sequential of the same layers reads them, and a PyTorch state dict
 * saved as safetensors loads here. model.json also records what is needed to use the model on new data: the input
 * feature count, the class names and the input normalisation fitted on the training data.
 *
 * <p>Reading is strict: an unknown layer type, a missing or unexpected tensor, or a tensor of the wrong shape is
 * rejected with a message naming the file and the tensor. Both files are written atomically. Never Java
 * serialization.
 */
public final class ModelFile {
    /** The name of the architecture and information file in a model folder. */
    public static final String ARCHITECTURE = "model.json";
    /** The name of the weights file in a model folder. */
    public static final String WEIGHTS = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    /**
     * What a model needs besides its layers to be used on new data.
     *
     * @param inputFeatures number of input features
     * @param featureNames the input columns' names in order (the training CSV's header, pixel0..783 for images), or
     *     empty when unknown (model files written before names were recorded)
     * @param classNames class names in output order (empty for regression)
     * @param loss the loss it was trained with (stored by its name: "cross_entropy", "mse", "bce_with_logits")
     * @param normalizer the input normalisation fitted on the training data
     * @param dtype element type of the weights
     */
    public record Info(int inputFeatures, List<String> featureNames, List<String> classNames, Loss loss,
                       Normalizer normalizer, DType dtype) {
        /**
         * Validates the sizes and copies the lists.
         *
         * @throws IllegalArgumentException if {@code inputFeatures} &lt; 1, or there are feature names but not
         *     {@code inputFeatures} of them
         * @throws NullPointerException if a list, the loss, the normalizer or the dtype is null
         */
        public Info {
            if (inputFeatures < 1) {
                throw new IllegalArgumentException("a model needs at least one input feature, got " + inputFeatures);
            }
            featureNames = List.copyOf(featureNames);
            classNames = List.copyOf(classNames);
            java.util.Objects.requireNonNull(loss, "loss");
            java.util.Objects.requireNonNull(normalizer, "normalizer");
            java.util.Objects.requireNonNull(dtype, "dtype");
            if (!featureNames.isEmpty() && featureNames.size() != inputFeatures) {
                throw new IllegalArgumentException(featureNames.size() + " feature names for " + inputFeatures
                        + " input features");
            }
        }

        /**
         * Whether the model is a classifier.
         *
         * @return true when there are class names
         */
        public boolean isClassification() {
            return !classNames.isEmpty();
        }
    }

    /**
     * A loaded model and its information.
     *
     * @param model the network, with the saved weights, in training mode as built
     * @param info what model.json records besides the layers
     */
    public record Loaded(Sequential model, Info info) {
    }

    /**
     * Writes model.json and model.safetensors into {@code dir} (created if needed), each atomically; the widths are
     * checked first, so nothing is written for a model that does not match its information.
     *
     * @param dir the model folder
     * @param model the network; every layer needs a {@link LayerSpec}
     * @param info the information recorded beside the layers
     * @throws IllegalArgumentException when the model's input or output width does not match {@code info}
     * @throws UnsupportedOperationException if a layer has no {@link LayerSpec}
     * @throws IOException if a file cannot be written
     */
    public static void save(Path dir, Sequential model, Info info) throws IOException {
        requireFits(model, info, "cannot save " + model.describe());
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "backprop-model");
        root.put("version", 1);
        root.put("dtype", info.dtype().label());
        root.put("input_features", info.inputFeatures());
        root.put("loss", info.loss().name());
        ArrayNode features = root.putArray("features");
        info.featureNames().forEach(features::add);
        ArrayNode classes = root.putArray("classes");
        info.classNames().forEach(classes::add);
        ObjectNode norm = root.putObject("normalizer");
        norm.put("kind", info.normalizer().kind());
        norm.set("parameters", JSON.valueToTree(info.normalizer().parameters()));
        root.set("layers", JSON.readTree(LayerSpec.toJson(model.specs())));
        Safetensors.write(dir.resolve(WEIGHTS), model.stateDict(), Map.of("format", "pt"));
        AtomicFiles.write(dir.resolve(ARCHITECTURE), JSON.writeValueAsBytes(root));
    }

    /**
     * Writes {@code model}'s state dict (any module tree, including one without a {@code LayerSpec}) to a safetensors
     * file, atomically; {@link #loadWeights} reads it back into a module of the same structure.
     *
     * @param model the module
     * @param safetensors the file to write
     * @throws IOException if the file cannot be written
     */
    public static void saveWeights(Module model, Path safetensors) throws IOException {
        Safetensors.write(safetensors, model.stateDict(), Map.of("format", "pt"));
    }

    /**
     * Reads a model folder (or the path of its model.json): builds the layers, checks the widths against the
     * information and loads the weights, converted to the recorded dtype. A file without "loss" reads as
     * cross-entropy, one without "normalizer" as no normalisation.
     *
     * @param dirOrJson the folder, or a file in it
     * @return the model and its information
     * @throws NoSuchFileException naming the missing file
     * @throws IOException naming the file and what is wrong with it
     */
    public static Loaded load(Path dirOrJson) throws IOException {
        if (!Files.exists(dirOrJson)) {
            throw new NoSuchFileException(dirOrJson.toString(), null, "no such model folder or file");
        }
        Path dir = Files.isDirectory(dirOrJson) ? dirOrJson : dirOrJson.toAbsolutePath().getParent();
        Path arch = dir.resolve(ARCHITECTURE);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(arch)) {
            throw new NoSuchFileException(arch.toString(), null, "no model here: expected " + ARCHITECTURE
                    + " and " + WEIGHTS + " (a run folder written by 'backprop train')");
        }
        JsonNode root;
        try {
            root = JSON.readTree(TextFiles.readUtf8(arch));
        } catch (JsonProcessingException e) {
            throw new IOException(arch + ": invalid JSON" + TextFiles.location(e) + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !"backprop-model".equals(root.path("format").asText())) {
            throw new IOException(arch + ": not a Backprop model file (missing \"format\": \"backprop-model\")");
        }
        DType dtype;
        List<LayerSpec> specs;
        Normalizer normalizer;
        try {
            dtype = DType.parse(require(root, "dtype", arch).asText());
            specs = LayerSpec.listFromJson(require(root, "layers", arch).toString());
            JsonNode n = root.path("normalizer");
            normalizer = n.isMissingNode() ? Normalizer.none()
                    : Normalizer.of(n.path("kind").asText("none"), JSON.treeToValue(n.path("parameters"), double[][].class));
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new IOException(arch + ": " + e.getMessage(), e);
        }
        List<String> classes = new ArrayList<>();
        root.path("classes").forEach(c -> classes.add(c.asText()));
        List<String> features = new ArrayList<>();
        root.path("features").forEach(c -> features.add(c.asText()));
        long declared = parameterBytes(specs, arch);
        long held = Files.size(weights);
        if (declared > held) {
            throw new IOException(arch + ": the layers declare " + declared / Float.BYTES + " parameters, at least "
                    + declared + " bytes, but " + weights.getFileName() + " holds only " + held + " bytes");
        }
        Info info;
        Sequential model;
        try {
            info = new Info(require(root, "input_features", arch).asInt(), features, classes,
                    Loss.parse(root.path("loss").asText("cross_entropy")), normalizer, dtype);
            model = Sequential.fromSpecs(specs, dtype, 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(arch + ": " + e.getMessage(), e);
        }
        if (info.loss() instanceof Loss.CrossEntropy && classes.isEmpty()) {
            throw new IOException(arch + ": missing field \"classes\": a cross_entropy model lists its class names");
        }
        String problem = mismatch(model, info);
        if (problem != null) {
            throw new IOException(arch + ": " + problem);
        }
        Map<String, Tensor> state = Safetensors.read(weights);
        try {
            model.loadStateDict(convert(state, dtype));
        } catch (IllegalArgumentException e) {
            throw new IOException(weights + ": " + e.getMessage(), e);
        }
        return new Loaded(model, info);
    }

    /**
     * Loads weights from a safetensors file into {@code model}, any module tree (strict names and shapes; any float
     * dtype is converted to the model's, that of its first parameter).
     *
     * @param model the module to load into
     * @param safetensors the file to read
     * @throws IOException if the file cannot be read or is malformed, or its names or shapes do not match the model's
     */
    public static void loadWeights(Module model, Path safetensors) throws IOException {
        DType dtype = model.parameters().isEmpty() ? DType.F32 : model.parameters().get(0).value().dtype();
        try {
            model.loadStateDict(convert(Safetensors.read(safetensors), dtype));
        } catch (IllegalArgumentException e) {
            throw new IOException(safetensors + ": " + e.getMessage(), e);
        }
    }

    /**
     * The input width of {@code model}: that of its first Linear layer.
     *
     * @param model the network
     * @return the first Linear's input features, or -1 when the network has no Linear layer
     */
    public static int inputWidth(Sequential model) {
        dev.backprop.nn.Linear l = firstLinear(model);
        return l == null ? -1 : l.in();
    }

    private static dev.backprop.nn.Linear firstLinear(Sequential model) {
        for (dev.backprop.nn.Module m : model.leaves().values()) {
            if (m instanceof dev.backprop.nn.Linear l) {
                return l;
            }
        }
        return null;
    }

    /**
     * Checks that {@code info} fits {@code model}: the input width of its first Linear layer and, for a classifier,
     * one class name per output.
     *
     * @param model the network
     * @param info what the model file records besides the layers
     * @param what the start of the error message ("cannot save Sequential(3 layers)")
     * @throws IllegalArgumentException saying what does not fit
     */
    public static void requireFits(Sequential model, Info info, String what) {
        String problem = mismatch(model, info);
        if (problem != null) {
            throw new IllegalArgumentException(what + ": " + problem);
        }
    }

    /** Why {@code info} does not fit {@code model} (input width, class count), or null when it does. */
    private static String mismatch(Sequential model, Info info) {
        dev.backprop.nn.Linear l = firstLinear(model);
        if (l != null && l.in() != info.inputFeatures()) {
            return "input_features is " + info.inputFeatures() + " but the first layer, " + l.describe()
                    + ", takes " + l.in();
        }
        int out = model.outFeatures(info.inputFeatures());
        if (info.isClassification() && out != info.classNames().size()) {
            return info.classNames().size() + " class names " + info.classNames() + " for " + out
                    + " outputs of the last layer";
        }
        return null;
    }

    /**
     * The fewest bytes of weights (as F32) the layers need, checked before any layer is built, so that a model.json
     * of a few bytes cannot make the loader allocate a network of gigabytes; a tensor beyond
     * {@code Integer.MAX_VALUE - 8} elements is an error.
     */
    private static long parameterBytes(List<LayerSpec> specs, Path arch) throws IOException {
        long n = 0;
        for (LayerSpec spec : specs) {
            if (spec == null) {
                throw new IOException(arch + ": \"layers\" holds a null layer");
            }
            n += switch (spec) {
                case LayerSpec.Linear l -> tensor(arch, (long) Math.max(l.in(), 0) * Math.max(l.out(), 0))
                        + (l.bias() ? Math.max(l.out(), 0) : 0);
                case LayerSpec.PReLU p -> Math.max(p.numParameters(), 0);
                case LayerSpec.BatchNorm1d b -> 4L * Math.max(b.features(), 0); // weight, bias, running mean, var
                case LayerSpec.Sequence q -> parameterBytes(q.layers() == null ? List.of() : q.layers(), arch)
                        / Float.BYTES;
                case LayerSpec.Activation a -> 0;
                case LayerSpec.Dropout d -> 0;
            };
        }
        return n * Float.BYTES;
    }

    private static long tensor(Path arch, long elements) throws IOException {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IOException(arch + ": a layer of " + elements + " weights is more than one tensor can hold ("
                    + (Integer.MAX_VALUE - 8) + ")");
        }
        return elements;
    }

    private static Map<String, Tensor> convert(Map<String, Tensor> state, DType dtype) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.to(dtype)));
        return out;
    }

    private static JsonNode require(JsonNode root, String field, Path file) throws IOException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new IOException(file + ": missing field \"" + field + "\"");
        }
        return n;
    }
}
