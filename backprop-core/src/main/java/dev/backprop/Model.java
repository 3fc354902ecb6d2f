package dev.backprop;

import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.data.Normalizer;
import dev.backprop.io.ModelFile;
import dev.backprop.nn.LayerSpec;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.Arena;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A trained model, ready to predict and to save: the architecture and weights of a network, the input normalisation
 * fitted at training, the feature names (input columns) and class names, the loss and the element type.
 *
 * <pre>{@code
 * Model model = Model.load(Path.of("runs/iris-20261127-120000"));   // a run folder or a model folder
 * int[] classes = model.predict(new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}});
 * String name = model.classNames().get(classes[0]);
 * }</pre>
 *
 * <p>A {@code Model} is immutable and thread-safe: it holds its own copy of the network, in evaluation mode, and a
 * prediction records no tape and changes no state, so one instance shared by many threads gives, row for row, the
 * same bits as one thread. Rows are normalised as at training, then run through the network; probabilities are the
 * softmax of the logits for a cross-entropy classifier and the element-wise sigmoid for one trained with
 * binary cross-entropy.
 *
 * <p>Files: {@link #save} writes model.json and model.safetensors (each atomically), the format of a run folder, so
 * models written by {@code backprop train} load here and models saved here load in {@code backprop eval|predict}.
 */
public final class Model {
    private final Sequential network;
    private final ModelFile.Info info;

    private Model(Sequential network, ModelFile.Info info) {
        this.network = copyOf(network, info.dtype());
        this.network.eval();
        this.info = info;
    }

    /**
     * Reads a model from a run folder of {@code backprop train}, a folder written by {@link #save}, or the path of
     * its model.json.
     *
     * @param path the folder (or its model.json)
     * @return the model
     * @throws IOException naming the file and what is wrong with it
     */
    public static Model load(Path path) throws IOException {
        ModelFile.Loaded loaded = ModelFile.load(path);
        return new Model(loaded.model(), loaded.info());
    }

    /**
     * Starts describing a model around a trained {@code network}; its weights are copied when {@link Builder#build()}
     * runs, so later training of {@code network} does not change the model.
     *
     * @param network a network whose layers all have a {@link LayerSpec} (every built-in layer does)
     * @return a builder with the defaults: no normalisation, cross-entropy, class names "0", "1", ..., feature names
     *     unknown
     */
    public static Builder builder(Sequential network) {
        return new Builder(network);
    }

    /**
     * Writes model.json and model.safetensors into {@code dir} (created if needed), each file atomically.
     *
     * @param dir the folder
     * @throws IOException when a file cannot be written
     */
    public void save(Path dir) throws IOException {
        ModelFile.save(dir, network, info);
    }

    /**
     * The most probable class of each row (the arg-max of the network's output; ties go to the lower index). A NaN
     * is never turned into a class: a row whose output holds NaN (from a NaN or infinite input) is an error.
     *
     * @param rows one row of {@link #inputFeatures()} raw (unnormalised) feature values per sample
     * @return one class index per row, into {@link #classNames()}
     * @throws IllegalArgumentException for a row of the wrong width, or a row whose output is NaN (naming it)
     * @throws IllegalStateException for a regression model
     */
    public int[] predict(float[][] rows) {
        requireClassifier("predict");
        return argMax(forward(rows));
    }

    /**
     * {@link #predict(float[][])} for double rows (exact for an F64 model).
     *
     * @param rows one row of raw feature values per sample
     * @return one class index per row
     */
    public int[] predict(double[][] rows) {
        requireClassifier("predict");
        return argMax(forward(rows));
    }

    /**
     * The class probabilities of each row: softmax of the logits (cross-entropy) or sigmoid of each output (binary
     * cross-entropy).
     *
     * @param rows one row of raw feature values per sample
     * @return {@code [rows.length][classNames().size()]} probabilities
     * @throws IllegalStateException for a regression model
     */
    public float[][] predictProbabilities(float[][] rows) {
        requireClassifier("predictProbabilities");
        return toFloats(probabilities(forward(rows)));
    }

    /**
     * {@link #predictProbabilities(float[][])} in double precision (exact for an F64 model).
     *
     * @param rows one row of raw feature values per sample
     * @return {@code [rows.length][classNames().size()]} probabilities
     */
    public double[][] predictProbabilities(double[][] rows) {
        requireClassifier("predictProbabilities");
        return toDoubles(probabilities(forward(rows)));
    }

    /**
     * The network's raw outputs for each row: logits for a classifier, the predicted values for a regression model.
     *
     * @param rows one row of raw feature values per sample
     * @return {@code [rows.length][outputs]}
     */
    public float[][] outputs(float[][] rows) {
        return toFloats(forward(rows));
    }

    /**
     * {@link #outputs(float[][])} in double precision (exact for an F64 model).
     *
     * @param rows one row of raw feature values per sample
     * @return {@code [rows.length][outputs]}
     */
    public double[][] outputs(double[][] rows) {
        return toDoubles(forward(rows));
    }

    /**
     * The number of outputs per row: classes for a classifier, predicted values for a regression model.
     *
     * @return the network's output width
     */
    public int outputCount() {
        return network.outFeatures(info.inputFeatures());
    }

    /**
     * The class names in output order (empty for a regression model).
     *
     * @return an unmodifiable list
     */
    public List<String> classNames() {
        return info.classNames();
    }

    /**
     * The input columns' names in order: those recorded at training (the CSV header; pixel0..pixel783 for
     * Fashion-MNIST), or x0, x1, ... for a model file that has none.
     *
     * @return one name per input feature
     */
    public List<String> featureNames() {
        if (!info.featureNames().isEmpty()) {
            return info.featureNames();
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < info.inputFeatures(); j++) {
            names.add("x" + j);
        }
        return List.copyOf(names);
    }

    /**
     * Whether the feature names were recorded at training (else {@link #featureNames()} are placeholders and input
     * columns can only be matched by position).
     *
     * @return true when the model file named its features
     */
    public boolean hasFeatureNames() {
        return !info.featureNames().isEmpty();
    }

    /**
     * For each of the model's features, the index of the column of that name in {@code header}: how to pick a row's
     * features out of a file whose columns come in another order or include others (a label, an id).
     *
     * @param header the column names of the input
     * @return {@code order[j]} = the header index of feature j
     * @throws IllegalArgumentException naming the features the header lacks
     */
    public int[] columnOrder(List<String> header) {
        Map<String, Integer> at = new HashMap<>();
        for (int i = header.size() - 1; i >= 0; i--) {
            at.put(header.get(i), i);
        }
        List<String> names = featureNames();
        int[] order = new int[names.size()];
        TreeSet<String> missing = new TreeSet<>();
        for (int j = 0; j < order.length; j++) {
            Integer i = at.get(names.get(j));
            if (i == null) {
                missing.add(names.get(j));
            } else {
                order[j] = i;
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the input lacks " + missing.size() + " of the model's "
                    + names.size() + " feature columns: " + abbreviate(List.copyOf(missing)));
        }
        return order;
    }

    /**
     * The number of input features a row must have.
     *
     * @return the input width
     */
    public int inputFeatures() {
        return info.inputFeatures();
    }

    /**
     * The element type of the weights (and of the arithmetic of a prediction).
     *
     * @return F32 or F64
     */
    public DType dtype() {
        return info.dtype();
    }

    /**
     * The input normalisation fitted on the training data, applied to every row before the network.
     *
     * @return the normaliser
     */
    public Normalizer normalizer() {
        return info.normalizer();
    }

    /**
     * The loss the model was trained with.
     *
     * @return the loss
     */
    public Loss loss() {
        return info.loss();
    }

    /**
     * The architecture, layer by layer.
     *
     * @return the layer specs
     */
    public List<LayerSpec> layers() {
        return network.specs();
    }

    /**
     * A new copy of the network with the model's weights, in training mode (for fine-tuning); changing it does not
     * change this model.
     *
     * @return the copy
     */
    public Sequential network() {
        Sequential copy = copyOf(network, info.dtype());
        copy.train(true);
        return copy;
    }

    /**
     * The weights and buffers by name, as copies.
     *
     * @return tensors by state-dict name
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        network.stateDict().forEach((k, t) -> out.put(k, t.copy()));
        return out;
    }

    @Override
    public String toString() {
        return "Model(" + info.inputFeatures() + " features -> " + (info.isClassification()
                ? info.classNames().size() + " classes" : outputCount() + " outputs")
                + ", " + info.dtype().label() + ", " + network.specs().size() + " layers)";
    }

    // ------------------------------------------------------------------ internals

    /** Rows per forward pass: activations of a chunk stay in the caches (one 10,000-row pass ran 3x slower). */
    static final int CHUNK = 1024;

    private Tensor probabilities(Tensor logits) {
        try (NoGrad ignored = NoGrad.enter()) {
            Variable z = Variable.constant(logits);
            return (info.loss() instanceof Loss.BceWithLogits ? Ops.sigmoid(z) : Ops.softmax(z)).value();
        }
    }

    private void requireClassifier(String what) {
        if (!info.isClassification()) {
            throw new IllegalStateException(what + "(): this is a regression model (loss " + info.loss().name()
                    + ", no classes); use outputs()");
        }
    }

    /** Writes rows {@code [from, to)} of a call's input, normalised, into the first rows of {@code x}. */
    private interface RowFill {
        void fill(int from, int to, Tensor x);
    }

    private Tensor forward(float[][] rows) {
        checkInput(rows.length, i -> rows[i] == null ? -1 : rows[i].length);
        return forward(rows.length, (from, to, x) -> fill(rows, from, to, x));
    }

    private Tensor forward(double[][] rows) {
        checkInput(rows.length, i -> rows[i] == null ? -1 : rows[i].length);
        return forward(rows.length, (from, to, x) -> fill(rows, from, to, x));
    }

    /**
     * The network's output for the {@code n} rows of a call, {@link #CHUNK} rows at a time (each row's output depends
     * on that row alone, so the chunking changes nothing): the rows are normalised into one reused chunk-sized input
     * (the whole input is never built: 31 MB for 10,000 images) and each chunk's activations reuse the previous
     * chunk's buffers.
     */
    private Tensor forward(int n, RowFill rows) {
        int chunk = Math.min(n, CHUNK);
        Tensor x = Tensor.zeros(info.dtype(), chunk, info.inputFeatures());
        try (NoGrad ignored = NoGrad.enter()) {
            if (n == chunk) {
                rows.fill(0, n, x);
                return network.apply(Variable.constant(x)).value();
            }
            Tensor out = Tensor.zeros(info.dtype(), n, outputCount());
            Arena arena = new Arena();
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                rows.fill(from, to, x);
                Tensor in = to - from == chunk ? x : x.rowSlice(0, to - from);
                try (Arena scope = arena.enter()) {
                    out.rowSlice(from, to).copyFrom(network.apply(Variable.constant(in)).value());
                }
            }
            return out;
        }
    }

    /** Normalises {@code rows[from .. to)} into the first rows of {@code x}. */
    private void fill(float[][] rows, int from, int to, Tensor x) {
        int f = info.inputFeatures();
        Normalizer norm = info.normalizer();
        if (x.dtype() == DType.F64) {
            double[] d = x.f64();
            for (int i = from; i < to; i++) {
                for (int j = 0; j < f; j++) {
                    d[(i - from) * f + j] = norm.apply(j, rows[i][j]);
                }
            }
            return;
        }
        float[] d = x.f32();
        for (int i = from; i < to; i++) {
            if (norm instanceof Normalizer.None) {
                System.arraycopy(rows[i], 0, d, (i - from) * f, f); // the identity: a float through double is itself
            } else {
                for (int j = 0; j < f; j++) {
                    d[(i - from) * f + j] = (float) norm.apply(j, rows[i][j]);
                }
            }
        }
    }

    /** {@link #fill(float[][], int, int, Tensor)} for double rows (rounded to float once, after normalising). */
    private void fill(double[][] rows, int from, int to, Tensor x) {
        int f = info.inputFeatures();
        Normalizer norm = info.normalizer();
        if (x.dtype() == DType.F64) {
            double[] d = x.f64();
            for (int i = from; i < to; i++) {
                for (int j = 0; j < f; j++) {
                    d[(i - from) * f + j] = norm.apply(j, rows[i][j]);
                }
            }
            return;
        }
        float[] d = x.f32();
        for (int i = from; i < to; i++) {
            for (int j = 0; j < f; j++) {
                d[(i - from) * f + j] = (float) norm.apply(j, rows[i][j]);
            }
        }
    }

    /** Checks the row count and every row's width before anything is computed. */
    private void checkInput(int n, java.util.function.IntUnaryOperator width) {
        int f = info.inputFeatures();
        checkRows(n, f);
        for (int i = 0; i < n; i++) {
            checkRow(i, width.applyAsInt(i), f);
        }
    }

    private static int checkRows(int n, int f) {
        if (n == 0) {
            throw new IllegalArgumentException("no rows to predict");
        }
        if ((long) n * f > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " rows of " + f + " features are too many for one call; split them");
        }
        return n;
    }

    private static void checkRow(int i, int width, int f) {
        if (width != f) {
            throw new IllegalArgumentException("row " + i + " has " + (width < 0 ? "no values (null)" : width
                    + " values") + ", but the model takes " + f + " input features");
        }
    }

    /** The arg-max of each row; a row with a NaN output has no class (see {@link #predict(float[][])}). */
    private static int[] argMax(Tensor out) {
        int n = out.dim(0);
        int k = out.dim(1);
        int[] best = new int[n];
        for (int i = 0; i < n; i++) {
            int b = 0;
            double bv = out.getFlat(i * k);
            for (int j = 0; j < k; j++) {
                double v = out.getFlat(i * k + j);
                if (Double.isNaN(v)) {
                    throw new IllegalArgumentException("row " + i + ": the network's output for class " + j
                            + " is NaN, so the row has no prediction (is every input finite? are the weights?)");
                }
                if (v > bv) {
                    b = j;
                    bv = v;
                }
            }
            best[i] = b;
        }
        return best;
    }

    private static float[][] toFloats(Tensor t) {
        int n = t.dim(0);
        int k = t.dim(1);
        float[] flat = t.toFloatArray();
        float[][] out = new float[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
        }
        return out;
    }

    private static double[][] toDoubles(Tensor t) {
        int n = t.dim(0);
        int k = t.dim(1);
        double[] flat = t.toDoubleArray();
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
        }
        return out;
    }

    private static Sequential copyOf(Sequential net, DType dtype) {
        Sequential copy = Sequential.fromSpecs(net.specs(), dtype, 0);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        net.stateDict().forEach((k, t) -> state.put(k, t.to(dtype)));
        copy.loadStateDict(state);
        return copy;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : "[" + String.join(", ", names.subList(0, 6)) + ", ... (" + (names.size() - 6) + " more)]";
    }

    /** Describes a {@link Model} around a trained network; see {@link Model#builder}. */
    public static final class Builder {
        private final Sequential network;
        private List<String> classNames;
        private List<String> featureNames = List.of();
        private Normalizer normalizer = Normalizer.none();
        private Loss loss = new Loss.CrossEntropy(dev.backprop.autograd.Reduction.MEAN);

        private Builder(Sequential network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        /**
         * The class names in output order (default "0", "1", ... for a classifier).
         *
         * @param names one name per output
         * @return this builder
         */
        public Builder classNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        /**
         * The input columns' names in order (default: unknown, matched by position).
         *
         * @param names one name per input feature
         * @return this builder
         */
        public Builder featureNames(List<String> names) {
            this.featureNames = List.copyOf(names);
            return this;
        }

        /**
         * The normalisation fitted on the training data (default none).
         *
         * @param n the normaliser
         * @return this builder
         */
        public Builder normalizer(Normalizer n) {
            this.normalizer = Objects.requireNonNull(n, "normalizer");
            return this;
        }

        /**
         * The loss the network was trained with (default cross-entropy); mse makes a regression model (no classes).
         *
         * @param l the loss
         * @return this builder
         */
        public Builder loss(Loss l) {
            this.loss = Objects.requireNonNull(l, "loss");
            return this;
        }

        /**
         * The model, with a copy of the network's current weights.
         *
         * @return the model
         * @throws IllegalArgumentException when the names do not fit the network's widths
         */
        public Model build() {
            int in = ModelFile.inputWidth(network);
            if (in < 0) {
                throw new IllegalArgumentException("a Model needs a network that starts with a Linear layer, got "
                        + network.describe());
            }
            List<Parameter> ps = network.parameters();
            DType dtype = ps.isEmpty() ? DType.F32 : ps.get(0).value().dtype();
            List<String> classes = classNames;
            if (classes == null) {
                classes = new ArrayList<>();
                if (!(loss instanceof Loss.Mse)) {
                    for (int c = 0; c < network.outFeatures(in); c++) {
                        classes.add(Integer.toString(c));
                    }
                }
            }
            ModelFile.Info info = new ModelFile.Info(in, featureNames, classes, loss, normalizer, dtype);
            ModelFile.requireFits(network, info, "cannot describe " + network.describe() + " as a Model");
            return new Model(network, info);
        }
    }
}
