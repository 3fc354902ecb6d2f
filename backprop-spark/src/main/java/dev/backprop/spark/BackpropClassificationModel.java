package dev.backprop.spark;

import dev.backprop.Model;
import dev.backprop.io.ModelFile;
import dev.backprop.nn.loss.Loss;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

/**
 * A trained Backprop network as a Spark ML {@link org.apache.spark.ml.Model}: {@code transform} adds the raw
 * outputs (logits, {@code rawPredictionCol}), the class probabilities ({@code probabilityCol}, softmax of the logits)
 * and the predicted class index ({@code predictionCol}) for each features vector.
 *
 * <pre>{@code
 * BackpropClassificationModel m = new BackpropClassifier().setLayers(new int[] {2, 32, 2}).fit(train);
 * m.transform(test).select("prediction", "probability").show();
 * m.write().overwrite().save("models/spirals");          // metadata/ plus model.json + model.safetensors
 * Model same = Model.load(Path.of("models/spirals"));      // what `backprop eval|predict|inspect` read
 * BackpropClassificationModel cli = BackpropClassificationModel.fromModel(Model.load(Path.of("runs/iris-...")));
 * }</pre>
 *
 * <p>Saved folders (by {@link #write()}, also as a stage of a saved {@code PipelineModel}) hold Spark's
 * {@code metadata/} (the uid and the column params) and the model's own files model.json and model.safetensors,
 * byte for byte what {@link Model#save} writes, so the Backprop command line reads the folder as it reads a run
 * folder. The rows are fed to the network as they come; the model's normaliser, if it has one (a model trained
 * by {@code backprop train --normalize}), is applied first.
 *
 * <p>Spark serializes instances into its tasks; files never hold that form (see {@link #write()} and docs/spark.md).
 *
 * @serial exclude
 */
public final class BackpropClassificationModel
        extends ProbabilisticClassificationModel<Vector, BackpropClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private String uid;
    private final ModelBytes files;
    private final double[] trainingLoss;
    private final double[][] validation;
    private final int classes;
    private final int features;
    private final boolean sigmoidOutputs;
    private transient volatile Model model;

    BackpropClassificationModel(String uid, ModelBytes files, Model model, double[] trainingLoss) {
        this(Uids.pass(uid), files, model, trainingLoss, new double[0][]);
    }

    BackpropClassificationModel(String uid, ModelBytes files, Model model, double[] trainingLoss,
                                double[][] validation) {
        this(Uids.pass(uid), files, model, trainingLoss, validation);
    }

    private BackpropClassificationModel(Uids.Token token, ModelBytes files, Model model, double[] trainingLoss,
                                        double[][] validation) {
        super();
        uid();
        Uids.done();
        this.files = Objects.requireNonNull(files, "files");
        this.model = model != null ? model : files.toModel();
        if (this.model.classNames().isEmpty()) {
            throw new IllegalArgumentException("a regression model (loss " + this.model.loss().name()
                    + ") cannot be a classification model");
        }
        this.trainingLoss = trainingLoss.clone();
        this.validation = new double[validation.length][];
        for (int i = 0; i < validation.length; i++) {
            this.validation[i] = validation[i].clone();
        }
        this.classes = this.model.classNames().size();
        this.features = this.model.inputFeatures();
        this.sigmoidOutputs = this.model.loss() instanceof Loss.BceWithLogits;
    }

    /**
     * A Spark model around a Backprop model, for instance one trained by {@code backprop train} and read with
     * {@link Model#load}; it scores a DataFrame whose features vectors have the model's inputs in its order.
     *
     * @param model a classification model
     * @return the Spark model, with a new uid and Spark's default column names
     * @throws IllegalArgumentException for a regression model
     */
    public static BackpropClassificationModel fromModel(Model model) {
        return new BackpropClassificationModel(Identifiable$.MODULE$.randomUID("backpropClassifier"),
                ModelBytes.of(model), model, new double[0]);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.pending();
        }
        return uid;
    }

    /**
     * The Backprop model: architecture, weights, class and feature names; save it with {@link Model#save}.
     *
     * @return the model (immutable, thread-safe)
     */
    public Model toModel() {
        Model m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = files.toModel();
                    model = m;
                }
            }
        }
        return m;
    }

    /**
     * The mean training loss of each epoch, as measured during training (empty for a model not trained here).
     *
     * @return one value per epoch
     */
    public double[] trainingLossHistory() {
        return trainingLoss.clone();
    }

    /**
     * The loss and accuracy on the validation rows after each epoch (see
     * {@link BackpropClassifier#setValidationIndicatorCol}); empty without validation rows.
     *
     * @return per epoch {@code {loss, accuracy}}
     */
    public double[][] validationHistory() {
        double[][] out = new double[validation.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = validation[i].clone();
        }
        return out;
    }

    /**
     * The class names in output order: the label column's values when it came from a {@code StringIndexer},
     * else "0", "1", ...
     *
     * @return the names
     */
    public List<String> classNames() {
        return toModel().classNames();
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public int numFeatures() {
        return features;
    }

    /**
     * The network's outputs (logits) for one features vector.
     *
     * @param features the vector, of {@link #numFeatures()} values
     * @return the logits, one per class
     */
    @Override
    public Vector predictRaw(Vector features) {
        if (features.size() != this.features) {
            throw new IllegalArgumentException("a features vector has " + features.size()
                    + " values, but the model takes " + this.features);
        }
        double[] v = features.toArray();
        float[] row = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            row[i] = (float) v[i];
        }
        float[] out = toModel().outputs(new float[][] {row})[0];
        double[] d = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            d[i] = out[i];
        }
        return Vectors.dense(d);
    }

    /**
     * Turns logits into probabilities in place: softmax (cross-entropy models) or the sigmoid of each output (binary
     * cross-entropy models).
     *
     * @param rawPrediction the logits, a dense vector
     * @return the same vector, now holding the probabilities
     */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        if (!(rawPrediction instanceof DenseVector dv)) {
            throw new IllegalArgumentException("raw predictions must be a dense vector");
        }
        double[] z = dv.values();
        if (sigmoidOutputs) {
            for (int i = 0; i < z.length; i++) {
                z[i] = 1 / (1 + Math.exp(-z[i]));
            }
            return dv;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double x : z) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(z[i] - max);
            sum += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= sum;
        }
        return dv;
    }

    @Override
    public BackpropClassificationModel copy(ParamMap extra) {
        BackpropClassificationModel copy = new BackpropClassificationModel(uid(), files, model, trainingLoss,
                validation);
        return copyValues(copy, extra).setParent(parent());
    }

    /**
     * A writer of this model's folder: Spark's metadata/ plus model.json and model.safetensors.
     *
     * @return the writer
     */
    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /**
     * The reader of folders written by {@link #write()} (what {@code PipelineModel.load} calls for this stage).
     *
     * @return the reader
     */
    public static MLReader<BackpropClassificationModel> read() {
        return new Reader();
    }

    /**
     * Reads a folder written by {@link #write()}.
     *
     * @param path the folder (any Hadoop file system path)
     * @return the model
     */
    public static BackpropClassificationModel load(String path) {
        return read().load(path);
    }

    /**
     * Spark's hook for training summaries (this model has none); declared here only because Java sees the two
     * inherited Scala declarations as a clash.
     *
     * @return the superclass's result
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public String toString() {
        return "BackpropClassificationModel: uid=" + uid() + ", " + toModel();
    }

    private static final class Writer extends MLWriter {
        private final BackpropClassificationModel instance;

        Writer(BackpropClassificationModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path);
            try {
                FileSystem fs = dir.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                write(fs, new org.apache.hadoop.fs.Path(dir, ModelFile.WEIGHTS), instance.files.weights);
                write(fs, new org.apache.hadoop.fs.Path(dir, ModelFile.ARCHITECTURE), instance.files.architecture);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the model files into " + path + ": "
                        + e.getMessage(), e);
            }
        }

        private static void write(FileSystem fs, org.apache.hadoop.fs.Path file, byte[] bytes) throws IOException {
            try (OutputStream out = fs.create(file, true)) {
                out.write(bytes);
            }
        }
    }

    private static final class Reader extends MLReader<BackpropClassificationModel> {
        @Override
        public BackpropClassificationModel load(String path) {
            DefaultParamsReader.Metadata md = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    BackpropClassificationModel.class.getName());
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path);
            ModelBytes files;
            try {
                FileSystem fs = dir.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                files = new ModelBytes(read(fs, new org.apache.hadoop.fs.Path(dir, ModelFile.ARCHITECTURE)),
                        read(fs, new org.apache.hadoop.fs.Path(dir, ModelFile.WEIGHTS)));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the model files in " + path + ": "
                        + e.getMessage(), e);
            }
            BackpropClassificationModel m = new BackpropClassificationModel(md.uid(), files, null, new double[0]);
            md.getAndSetParams(m, scala.Option.empty());
            return m;
        }

        private static byte[] read(FileSystem fs, org.apache.hadoop.fs.Path file) throws IOException {
            try (InputStream in = fs.open(file)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            }
        }
    }
}
