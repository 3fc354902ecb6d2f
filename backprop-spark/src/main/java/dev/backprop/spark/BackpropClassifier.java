package dev.backprop.spark;

import dev.backprop.Model;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Init;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.Schedule;
import dev.backprop.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * A Spark ML {@link org.apache.spark.ml.Estimator} that trains a Backprop multi-layer perceptron on a DataFrame of
 * features vectors and class-index labels, by synchronous data-parallel SGD over the DataFrame's partitions (see
 * docs/spark.md for the algorithm), and returns a {@link BackpropClassificationModel}.
 *
 * <pre>{@code
 * BackpropClassifier bp = new BackpropClassifier()
 *         .setLayers(new int[] {4, 32, 3})          // input, hidden..., classes
 *         .setActivation("relu").setOptimizer("sgd").setLearningRate(0.05).setMomentum(0.9)
 *         .setBatchSize(32).setMaxEpochs(20).setSeed(7);
 * Pipeline p = new Pipeline().setStages(new PipelineStage[] {indexer, assembler, bp});
 * PipelineModel m = p.fit(train);
 * }</pre>
 *
 * <p>Params follow Spark ML's conventions: each is a public zero-argument method returning the {@code Param}, with a
 * fluent setter returning {@code this} and a getter. The network is
 * {@code Linear-[BatchNorm1d]-activation-[Dropout]} per hidden layer and a final Linear producing logits, trained on
 * softmax cross-entropy, exactly as {@link dev.backprop.nn.Mlp} builds it. The label column holds class indices as
 * doubles (0.0, 1.0, ...; a {@code StringIndexer}'s output); the class names and feature names of the saved model
 * come from the columns' ML attributes when they have them.
 *
 * <p>Spark serializes instances into its tasks; files never hold that form (see {@link #write()} and docs/spark.md).
 *
 * @serial exclude
 */
public final class BackpropClassifier
        extends ProbabilisticClassifier<Vector, BackpropClassifier, BackpropClassificationModel>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private String uid;
    private final IntArrayParam layers;
    private final Param<String> activation;
    private final Param<String> init;
    private final Param<String> optimizer;
    private final DoubleParam learningRate;
    private final DoubleParam momentum;
    private final IntParam batchSize;
    private final IntParam maxEpochs;
    private final DoubleParam l1;
    private final DoubleParam l2;
    private final DoubleParam dropout;
    private final BooleanParam batchNorm;
    private final LongParam seed;
    private final IntParam syncEvery;
    private final Param<String> dtype;
    private final Param<String> runDir;
    private final IntParam logEvery;
    private final Param<String> validationIndicatorCol;
    private final Param<String> runConfig;
    private final Param<String> schedule;
    private final DoubleParam clipNorm;
    private final DoubleParam clipValue;
    private final IntParam earlyStop;
    private final BooleanParam restoreBest;
    private final Param<String> validationName;
    private final BooleanParam shuffle;
    private final Param<String> initialWeights;

    /** A classifier with a random uid and the default params. */
    public BackpropClassifier() {
        this(Identifiable$.MODULE$.randomUID("backpropClassifier"));
    }

    /**
     * A classifier with the given uid (Spark's readers call this).
     *
     * @param uid the uid
     */
    public BackpropClassifier(String uid) {
        this(Uids.pass(uid));
    }

    private BackpropClassifier(Uids.Token token) {
        super();
        uid();
        Uids.done();
        layers = new IntArrayParam(this, "layers",
                "layer widths: input features, hidden layers..., classes (at least input and output)");
        activation = new Param<>(this, "activation", "hidden activation: " + ActivationKind.choices());
        init = new Param<>(this, "init", "weight initializer: default (per activation) or " + Init.CHOICES);
        optimizer = new Param<>(this, "optimizer", "optimizer of the averaged update: " + OptimizerSpec.NAMES
                + ", or an optimizer spec as JSON ({\"type\":\"adam\",\"lr\":0.001})");
        learningRate = new DoubleParam(this, "learningRate", "learning rate (> 0)", ParamValidators.gt(0));
        momentum = new DoubleParam(this, "momentum", "momentum of sgd and rmsprop (>= 0)", ParamValidators.gtEq(0));
        batchSize = new IntParam(this, "batchSize", "mini-batch size per partition (>= 1); the global batch is"
                + " batchSize x partitions", ParamValidators.gtEq(1));
        maxEpochs = new IntParam(this, "maxEpochs", "number of epochs (>= 1)", ParamValidators.gtEq(1));
        l1 = new DoubleParam(this, "l1", "L1 penalty lambda (>= 0)", ParamValidators.gtEq(0));
        l2 = new DoubleParam(this, "l2", "L2 penalty lambda (>= 0): lambda * sum(w^2)", ParamValidators.gtEq(0));
        dropout = new DoubleParam(this, "dropout", "dropout probability after each hidden activation, in [0, 1)",
                ParamValidators.inRange(0, 1, true, false));
        batchNorm = new BooleanParam(this, "batchNorm", "batch normalization before each hidden activation");
        seed = new LongParam(this, "seed", "seed of the initial weights, the shuffles and the dropout masks");
        syncEvery = new IntParam(this, "syncEvery", "local SGD steps per partition between parameter averaging"
                + " rounds (>= 1); 1 is synchronous SGD of the global batch", ParamValidators.gtEq(1));
        dtype = new Param<>(this, "dtype", "element type of weights and arithmetic: f32 or f64");
        setDefault(activation, "relu");
        setDefault(init, "default");
        setDefault(optimizer, "sgd");
        setDefault(learningRate, 0.05);
        setDefault(momentum, 0.9);
        setDefault(batchSize, 64);
        setDefault(maxEpochs, 10);
        setDefault(l1, 0.0);
        setDefault(l2, 0.0);
        setDefault(dropout, 0.0);
        setDefault(batchNorm, false);
        setDefault(seed, 42L);
        setDefault(syncEvery, DEFAULT_SYNC_EVERY);
        runDir = new Param<>(this, "runDir", "run folder for config.json, metrics.jsonl, findings.json, the model"
                + " files and report.html (\"\": none)");
        logEvery = new IntParam(this, "logEvery", "diagnostics every this many averaging rounds into metrics.jsonl"
                + " (>= 0; 0: none; needs runDir)", ParamValidators.gtEq(0));
        validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "boolean column: true marks a"
                + " validation row, scored after every epoch and not trained on (\"\": none)");
        runConfig = new Param<>(this, "runConfig", "JSON object written as the run folder's config.json (\"\": the"
                + " params)");
        schedule = new Param<>(this, "schedule", "learning-rate schedule over the averaging rounds: "
                + Schedule.CHOICES + " (as backprop train's --schedule; a bare cosine anneals over the whole run)");
        clipNorm = new DoubleParam(this, "clipNorm", "clip the round's mean gradient (and each local step's) to this"
                + " global L2 norm (>= 0; 0: none)", ParamValidators.gtEq(0));
        clipValue = new DoubleParam(this, "clipValue", "clamp the round's mean gradient (and each local step's) to"
                + " [-v, v] (>= 0; 0: none)", ParamValidators.gtEq(0));
        earlyStop = new IntParam(this, "earlyStop", "stop after this many epochs without a lower validation loss"
                + " (the training loss without validation rows); 0: never", ParamValidators.gtEq(0));
        restoreBest = new BooleanParam(this, "restoreBest", "end with the weights of the epoch of lowest validation"
                + " loss (training loss without validation rows)");
        validationName = new Param<>(this, "validationName", "what the epoch lines call the validation rows"
                + " (validation, or test for a test set)");
        shuffle = new BooleanParam(this, "shuffle", "visit each partition's rows in a new seeded order every epoch"
                + " (false: in their order)");
        initialWeights = new Param<>(this, "initialWeights", "safetensors file of weights to start from, on the"
                + " driver (a run's model.safetensors; \"\": initialize from the seed)");
        setDefault(shuffle, true);
        setDefault(initialWeights, "");
        setDefault(schedule, "constant");
        setDefault(clipNorm, 0.0);
        setDefault(clipValue, 0.0);
        setDefault(earlyStop, 0);
        setDefault(restoreBest, false);
        setDefault(validationName, "validation");
        setDefault(dtype, "f32");
        setDefault(runDir, "");
        setDefault(logEvery, DEFAULT_LOG_EVERY);
        setDefault(validationIndicatorCol, "");
        setDefault(runConfig, "");
    }

    /** The default of {@link #logEvery()}: diagnostics every 5 averaging rounds (320 local steps at syncEvery 64). */
    public static final int DEFAULT_LOG_EVERY = 5;

    /** The default of {@link #syncEvery()}; docs/spark.md gives the measurement behind it. */
    public static final int DEFAULT_SYNC_EVERY = 64;

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.pending();
        }
        return uid;
    }

    // ------------------------------------------------------------------ params

    /** {@return the layer widths param: input, hidden..., classes (required)} */
    public IntArrayParam layers() {
        return layers;
    }

    /** {@return the hidden activation param (default relu)} */
    public Param<String> activation() {
        return activation;
    }

    /** {@return the weight initializer param (default "default": He for ReLU, Xavier for tanh, ...)} */
    public Param<String> init() {
        return init;
    }

    /** {@return the optimizer param (default sgd)} */
    public Param<String> optimizer() {
        return optimizer;
    }

    /** {@return the learning rate param (default 0.05)} */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /** {@return the momentum param of sgd and rmsprop (default 0.9)} */
    public DoubleParam momentum() {
        return momentum;
    }

    /** {@return the per-partition mini-batch size param (default 64)} */
    public IntParam batchSize() {
        return batchSize;
    }

    /** {@return the epochs param (default 10)} */
    public IntParam maxEpochs() {
        return maxEpochs;
    }

    /** {@return the L1 penalty param (default 0)} */
    public DoubleParam l1() {
        return l1;
    }

    /** {@return the L2 penalty param (default 0)} */
    public DoubleParam l2() {
        return l2;
    }

    /** {@return the dropout probability param (default 0)} */
    public DoubleParam dropout() {
        return dropout;
    }

    /** {@return the batch normalization param (default false)} */
    public BooleanParam batchNorm() {
        return batchNorm;
    }

    /** {@return the seed param (default 42)} */
    public LongParam seed() {
        return seed;
    }

    /** {@return the local steps per averaging round param (default {@link #DEFAULT_SYNC_EVERY})} */
    public IntParam syncEvery() {
        return syncEvery;
    }

    /** {@return the element type param, f32 or f64 (default f32)} */
    public Param<String> dtype() {
        return dtype;
    }

    /** {@return the run folder param (default "": none)} */
    public Param<String> runDir() {
        return runDir;
    }

    /** {@return the diagnostics interval param, in averaging rounds (default {@link #DEFAULT_LOG_EVERY})} */
    public IntParam logEvery() {
        return logEvery;
    }

    /** {@return the validation indicator column param (default "": no validation rows)} */
    public Param<String> validationIndicatorCol() {
        return validationIndicatorCol;
    }

    /** {@return the config.json document param (default "": the params)} */
    public Param<String> runConfig() {
        return runConfig;
    }

    // ------------------------------------------------------------------ setters and getters

    /**
     * Sets the layer widths: input features, hidden layers..., number of classes.
     *
     * @param value at least two widths, each at least 1
     * @return this
     * @throws IllegalArgumentException for fewer than two widths or a width below 1
     */
    public BackpropClassifier setLayers(int[] value) {
        if (value == null || value.length < 2 || Arrays.stream(value).anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("layers needs at least an input and an output width, each >= 1, got "
                    + Arrays.toString(value));
        }
        return (BackpropClassifier) set(layers, value.clone());
    }

    /** {@return the layer widths} */
    public int[] getLayers() {
        return $(layers).clone();
    }

    /**
     * Sets the hidden activation.
     *
     * @param value one of {@link ActivationKind#choices()}
     * @return this
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public BackpropClassifier setActivation(String value) {
        ActivationKind kind = ActivationKind.parse(value);
        if (kind == ActivationKind.SOFTMAX) {
            throw new IllegalArgumentException("softmax is not a hidden-layer activation; the loss applies it");
        }
        return (BackpropClassifier) set(activation, value);
    }

    /** {@return the hidden activation} */
    public String getActivation() {
        return $(activation);
    }

    /**
     * Sets the weight initializer.
     *
     * @param value "default" or one of {@link Init#CHOICES} (he-normal, xavier-uniform, normal:0.01, ...)
     * @return this
     * @throws IllegalArgumentException for an unknown form, listing the valid ones
     */
    public BackpropClassifier setInit(String value) {
        if (!"default".equalsIgnoreCase(value.trim())) {
            Init.parse(value);
        }
        return (BackpropClassifier) set(init, value);
    }

    /** {@return the weight initializer} */
    public String getInit() {
        return $(init);
    }

    /**
     * Sets the optimizer of the averaged update.
     *
     * @param value sgd, adam, adamw, rmsprop (then {@link #setLearningRate} and {@link #setMomentum} apply), or an
     *     optimizer spec as JSON (used as it is)
     * @return this
     * @throws IllegalArgumentException for an unknown name or invalid JSON
     */
    public BackpropClassifier setOptimizer(String value) {
        if (value.trim().startsWith("{")) {
            OptimizerSpec.fromJson(value);
        } else {
            OptimizerSpec.named(value);
        }
        return (BackpropClassifier) set(optimizer, value);
    }

    /** {@return the optimizer} */
    public String getOptimizer() {
        return $(optimizer);
    }

    /**
     * Sets the learning rate η (of the averaged update and of the local steps).
     *
     * @param value η &gt; 0
     * @return this
     */
    public BackpropClassifier setLearningRate(double value) {
        return (BackpropClassifier) set(learningRate, value);
    }

    /** {@return the learning rate} */
    public double getLearningRate() {
        return (Double) $(learningRate);
    }

    /**
     * Sets the momentum of sgd and rmsprop (adam and adamw ignore it).
     *
     * @param value μ ≥ 0
     * @return this
     */
    public BackpropClassifier setMomentum(double value) {
        return (BackpropClassifier) set(momentum, value);
    }

    /** {@return the momentum} */
    public double getMomentum() {
        return (Double) $(momentum);
    }

    /**
     * Sets the mini-batch size of each partition's local steps; one synchronous step sees batchSize x partitions
     * samples.
     *
     * @param value at least 1
     * @return this
     */
    public BackpropClassifier setBatchSize(int value) {
        return (BackpropClassifier) set(batchSize, value);
    }

    /** {@return the per-partition batch size} */
    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    /**
     * Sets the number of epochs (passes over every partition's shard).
     *
     * @param value at least 1
     * @return this
     */
    public BackpropClassifier setMaxEpochs(int value) {
        return (BackpropClassifier) set(maxEpochs, value);
    }

    /** {@return the number of epochs} */
    public int getMaxEpochs() {
        return (Integer) $(maxEpochs);
    }

    /**
     * Sets the L1 penalty λ·Σ|w| on the weights (soft-thresholded after each averaged update, exact zeros).
     *
     * @param value λ ≥ 0
     * @return this
     */
    public BackpropClassifier setL1(double value) {
        return (BackpropClassifier) set(l1, value);
    }

    /** {@return the L1 penalty} */
    public double getL1() {
        return (Double) $(l1);
    }

    /**
     * Sets the L2 penalty λ·Σw² on the weights (its gradient 2λw is added at each averaged update).
     *
     * @param value λ ≥ 0
     * @return this
     */
    public BackpropClassifier setL2(double value) {
        return (BackpropClassifier) set(l2, value);
    }

    /** {@return the L2 penalty} */
    public double getL2() {
        return (Double) $(l2);
    }

    /**
     * Sets the dropout probability after each hidden activation.
     *
     * @param value p in [0, 1)
     * @return this
     */
    public BackpropClassifier setDropout(double value) {
        return (BackpropClassifier) set(dropout, value);
    }

    /** {@return the dropout probability} */
    public double getDropout() {
        return (Double) $(dropout);
    }

    /**
     * Turns batch normalization before each hidden activation on or off (batch statistics are each partition's;
     * running statistics are averaged over the partitions every round).
     *
     * @param value true for batch normalization
     * @return this
     */
    public BackpropClassifier setBatchNorm(boolean value) {
        return (BackpropClassifier) set(batchNorm, value);
    }

    /** {@return whether batch normalization is on} */
    public boolean getBatchNorm() {
        return (Boolean) $(batchNorm);
    }

    /**
     * Sets the seed of the initial weights, of every partition's per-epoch shuffle and of the dropout masks.
     *
     * @param value the seed
     * @return this
     */
    public BackpropClassifier setSeed(long value) {
        return (BackpropClassifier) set(seed, value);
    }

    /** {@return the seed} */
    public long getSeed() {
        return (Long) $(seed);
    }

    /**
     * Sets the number of local steps each partition takes between two averaging rounds. 1 is synchronous SGD of
     * the global batch (equal to one machine's training with batch batchSize x partitions); larger values do fewer
     * rounds (local SGD with parameter averaging) at some cost in exactness.
     *
     * @param value at least 1
     * @return this
     */
    public BackpropClassifier setSyncEvery(int value) {
        return (BackpropClassifier) set(syncEvery, value);
    }

    /** {@return the local steps per round} */
    public int getSyncEvery() {
        return (Integer) $(syncEvery);
    }

    /**
     * Sets the element type of the weights and of the arithmetic.
     *
     * @param value f32 or f64
     * @return this
     */
    public BackpropClassifier setDtype(String value) {
        DType.parse(value);
        return (BackpropClassifier) set(dtype, value);
    }

    /** {@return the element type} */
    public String getDtype() {
        return $(dtype);
    }

    /**
     * Sets the run folder. Training then writes the files of a {@code backprop train} run folder there:
     * config.json and initial.safetensors before the first round; in metrics.jsonl per epoch the training loss,
     * the validation loss and accuracy (see {@link #setValidationIndicatorCol}) and the diagnostics' epoch summary,
     * per logged round the gradient flow, update ratios, dead and saturated units; at the end findings.json,
     * model.json + model.safetensors and report.html. So {@code backprop report|eval|predict|inspect} read it.
     * The folder must be new or empty; it is checked before anything is trained or written.
     *
     * @param value a folder on the driver's file system, or "" for none
     * @return this
     * @throws IllegalArgumentException when the folder is a symbolic link, a file or not empty
     */
    public BackpropClassifier setRunDir(String value) {
        if (!value.isEmpty()) {
            RunLog.check(java.nio.file.Path.of(value));
        }
        return (BackpropClassifier) set(runDir, value);
    }

    /** {@return the run folder, "" for none} */
    public String getRunDir() {
        return $(runDir);
    }

    /**
     * Sets how often the diagnostics are logged: round 1 and every {@code value}-th averaging round (a round is
     * {@link #setSyncEvery syncEvery} local steps).
     *
     * @param value rounds, at least 1; 0 turns the diagnostics off
     * @return this
     */
    public BackpropClassifier setLogEvery(int value) {
        return (BackpropClassifier) set(logEvery, value);
    }

    /** {@return the diagnostics interval in rounds, 0 for none} */
    public int getLogEvery() {
        return (Integer) $(logEvery);
    }

    /**
     * Sets the validation indicator column (Spark's convention, as in its gradient-boosted trees): rows where this
     * boolean column is true are not trained on; after every epoch the model's loss and accuracy on them are
     * computed on the executors and logged (in the run folder's metrics.jsonl and in
     * {@link BackpropClassificationModel#validationHistory()}).
     *
     * @param value a boolean column, or "" for none
     * @return this
     */
    public BackpropClassifier setValidationIndicatorCol(String value) {
        return (BackpropClassifier) set(validationIndicatorCol, value);
    }

    /** {@return the validation indicator column, "" for none} */
    public String getValidationIndicatorCol() {
        return $(validationIndicatorCol);
    }

    /**
     * Sets what the run folder's config.json holds: by default the params (with the partitions and the master);
     * {@code backprop spark train} passes its own configuration, so that {@code backprop train --config} runs it
     * again.
     *
     * @param value a JSON object, or "" for the params
     * @return this
     * @throws IllegalArgumentException when the value is not a JSON object
     */
    public BackpropClassifier setRunConfig(String value) {
        if (!value.isEmpty()) {
            try {
                if (!MetricsJson.mapper().readTree(value).isObject()) {
                    throw new IllegalArgumentException("runConfig must be a JSON object, got: " + value);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("runConfig is not JSON: " + e.getOriginalMessage(), e);
            }
        }
        return (BackpropClassifier) set(runConfig, value);
    }

    /** {@return the config.json document, "" for the params} */
    public String getRunConfig() {
        return $(runConfig);
    }

    /** {@return the schedule param} */
    public Param<String> schedule() {
        return schedule;
    }

    /**
     * Sets the learning-rate schedule, in the forms of {@code backprop train --schedule}: constant,
     * step:EVERY:GAMMA, exp:GAMMA, cosine[:TOTAL], warmup:STEPS[,SCHEDULE]. Its steps are the averaging rounds
     * (with syncEvery 1, the steps of the global batch); a bare "cosine" anneals over all rounds of the run. The
     * local steps of a round run at the base local rate scaled as the schedule scales the optimizer's.
     *
     * @param value the schedule
     * @return this
     * @throws IllegalArgumentException for a form that is not one of these
     */
    public BackpropClassifier setSchedule(String value) {
        Schedule.parse(value, 1);
        return (BackpropClassifier) set(schedule, value);
    }

    /** {@return the learning-rate schedule} */
    public String getSchedule() {
        return $(schedule);
    }

    /** {@return the clipNorm param} */
    public DoubleParam clipNorm() {
        return clipNorm;
    }

    /**
     * Sets gradient clipping by global norm: before the optimizer applies a round's update, the mean gradient of its
     * local steps, ĝ/H, is scaled down to this L2 norm when larger (PyTorch's {@code clip_grad_norm_}); with
     * syncEvery 1 that is exactly a single machine's clipping of the global batch's gradient. With syncEvery &gt; 1
     * each local step's gradient is clipped too.
     *
     * @param value the largest norm, or 0 for none
     * @return this
     */
    public BackpropClassifier setClipNorm(double value) {
        return (BackpropClassifier) set(clipNorm, value);
    }

    /** {@return the clipping norm, 0 for none} */
    public double getClipNorm() {
        return (Double) $(clipNorm);
    }

    /** {@return the clipValue param} */
    public DoubleParam clipValue() {
        return clipValue;
    }

    /**
     * Sets gradient clipping by value: every element of the round's mean gradient (and, with syncEvery &gt; 1, of
     * each local step's) is clamped to [−value, value] (PyTorch's {@code clip_grad_value_}); applied before the
     * clipping by norm.
     *
     * @param value the bound, or 0 for none
     * @return this
     */
    public BackpropClassifier setClipValue(double value) {
        return (BackpropClassifier) set(clipValue, value);
    }

    /** {@return the clipping bound, 0 for none} */
    public double getClipValue() {
        return (Double) $(clipValue);
    }

    /** {@return the earlyStop param} */
    public IntParam earlyStop() {
        return earlyStop;
    }

    /**
     * Sets early stopping: training ends after this many epochs in a row without a lower loss on the validation
     * rows ({@link #setValidationIndicatorCol}; the training loss when there are none), as Keras's
     * {@code EarlyStopping(patience)}.
     *
     * @param value the patience in epochs, or 0 to run all {@link #setMaxEpochs maxEpochs}
     * @return this
     */
    public BackpropClassifier setEarlyStop(int value) {
        return (BackpropClassifier) set(earlyStop, value);
    }

    /** {@return the early-stopping patience, 0 for none} */
    public int getEarlyStop() {
        return (Integer) $(earlyStop);
    }

    /** {@return the restoreBest param} */
    public BooleanParam restoreBest() {
        return restoreBest;
    }

    /**
     * Sets whether the fitted model has the weights of the best epoch (lowest validation loss, else training loss)
     * rather than the last one's, as Keras's {@code restore_best_weights}.
     *
     * @param value true to restore the best epoch's weights
     * @return this
     */
    public BackpropClassifier setRestoreBest(boolean value) {
        return (BackpropClassifier) set(restoreBest, value);
    }

    /** {@return whether the best epoch's weights are restored} */
    public boolean getRestoreBest() {
        return (Boolean) $(restoreBest);
    }

    /** {@return the validationName param} */
    public Param<String> validationName() {
        return validationName;
    }

    /**
     * Sets what the epoch lines printed during training call the validation rows: "validation" (the default), or
     * "test" when they are a test set.
     *
     * @param value the name
     * @return this
     */
    public BackpropClassifier setValidationName(String value) {
        return (BackpropClassifier) set(validationName, value);
    }

    /** {@return what the epoch lines call the validation rows} */
    public String getValidationName() {
        return $(validationName);
    }

    /** {@return the shuffle param} */
    public BooleanParam shuffle() {
        return shuffle;
    }

    /**
     * Sets whether each partition visits its rows in a new seeded order every epoch (the default, as
     * {@code backprop train}), or in their order ({@code --no-shuffle}).
     *
     * @param value false to keep the rows' order
     * @return this
     */
    public BackpropClassifier setShuffle(boolean value) {
        return (BackpropClassifier) set(shuffle, value);
    }

    /** {@return whether the rows are shuffled every epoch} */
    public boolean getShuffle() {
        return (Boolean) $(shuffle);
    }

    /** {@return the initialWeights param} */
    public Param<String> initialWeights() {
        return initialWeights;
    }

    /**
     * Sets the weights training starts from instead of the seeded initialization ({@code backprop train
     * --init-from}): a safetensors file on the driver whose tensors match the network's names and shapes (a run's
     * model.safetensors or initial.safetensors, or a Spark model's); read when the fit starts, a mismatch is an error
     * naming the tensor.
     *
     * @param value the file, or "" for the seeded initialization
     * @return this
     * @throws IllegalArgumentException when the file does not exist
     */
    public BackpropClassifier setInitialWeights(String value) {
        if (!value.isEmpty() && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(value))) {
            throw new IllegalArgumentException("initialWeights " + value + " is not a file");
        }
        return (BackpropClassifier) set(initialWeights, value);
    }

    /** {@return the initial weights file, "" for the seeded initialization} */
    public String getInitialWeights() {
        return $(initialWeights);
    }

    // ------------------------------------------------------------------ training

    /**
     * The optimizer spec of the averaged update, from {@link #optimizer()}, {@link #learningRate()} and
     * {@link #momentum()}.
     *
     * @return the spec
     */
    public OptimizerSpec optimizerSpec() {
        String o = getOptimizer().trim();
        if (o.startsWith("{")) {
            return OptimizerSpec.fromJson(o);
        }
        double lr = getLearningRate();
        return switch (o.toLowerCase(Locale.ROOT)) {
            case "sgd" -> OptimizerSpec.Sgd.lr(lr).momentum(getMomentum());
            case "rmsprop" -> OptimizerSpec.RMSProp.lr(lr).momentum(getMomentum());
            default -> OptimizerSpec.named(o).withLr(lr);
        };
    }

    /**
     * The regularizer of {@link #l1()} and {@link #l2()}: none, L1, L2 or elastic net.
     *
     * @return the regularizer
     */
    public Regularizer regularizer() {
        double a = getL1();
        double b = getL2();
        if (a > 0 && b > 0) {
            return new Regularizer.ElasticNet(a, b);
        }
        if (a > 0) {
            return new Regularizer.L1(a);
        }
        return b > 0 ? new Regularizer.L2(b) : Regularizer.none();
    }

    /**
     * The network training starts from: {@link dev.backprop.nn.Mlp} with these params, initialized from the seed.
     *
     * @return a new network
     */
    public Sequential initialNetwork() {
        return netConfig().build(getSeed());
    }

    NetConfig netConfig() {
        if (!isDefined(layers)) {
            throw new IllegalArgumentException("BackpropClassifier needs setLayers(new int[] {inputs, hidden..., "
                    + "classes})");
        }
        OptimizerSpec spec = optimizerSpec();
        return new NetConfig(getLayers(), getActivation(), getInit(), getDropout(), getBatchNorm(),
                DType.parse(getDtype()), getSeed(), getBatchSize(), getSyncEvery(), spec.lr(), getClipNorm(),
                getClipValue(), getShuffle());
    }

    /**
     * Starts compiling this classifier's training code in the background, on made-up data: a thread runs the local
     * steps and the evaluation pass the tasks will run, with these params, until the returned handle is closed (or
     * {@code maxMillis} have passed). Useful in local mode, where the tasks run in this JVM: started before the
     * SparkSession and closed before {@code fit}, it spares the first epochs the uncompiled vector code (the JIT is
     * busy with Spark's own start). Results do not change: it uses its own fixed seed and no run state.
     *
     * @param maxMillis the longest it runs
     * @return the handle; close it before {@code fit} (it stops and waits for the thread)
     * @throws IllegalArgumentException when the layers are not set
     */
    public AutoCloseable warmUp(long maxMillis) {
        return DataParallel.warmUp(netConfig(), maxMillis);
    }

    /**
     * Trains on {@code dataset} (called by {@code fit}).
     *
     * @param dataset rows with the features vector and label columns
     * @return the trained model
     */
    @Override
    public BackpropClassificationModel train(Dataset<?> dataset) {
        NetConfig cfg = netConfig();
        int[] ls = cfg.layers();
        int classes = ls[ls.length - 1];
        String ind = getValidationIndicatorCol();
        Dataset<?> trainRows = dataset;
        Dataset<?> valRows = null;
        if (!ind.isEmpty()) {
            if (!Arrays.asList(dataset.columns()).contains(ind)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + ind + "' is not a column of the"
                        + " DataFrame (columns: " + String.join(", ", dataset.columns()) + ")");
            }
            org.apache.spark.sql.Column isVal = functions.coalesce(functions.col(ind).cast("boolean"),
                    functions.lit(false));
            trainRows = dataset.filter(functions.not(isVal));
            valRows = dataset.filter(isVal);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        var shards = DataParallel.shards(select(trainRows).toJavaRDD(), ls[0], classes);
        var valShards = valRows == null ? null : DataParallel.shards(select(valRows).toJavaRDD(), ls[0], classes);
        Sequential master = cfg.build(getSeed());
        if (!getInitialWeights().isEmpty()) {
            try {
                dev.backprop.io.ModelFile.loadWeights(master, java.nio.file.Path.of(getInitialWeights()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("initialWeights " + e.getMessage(), e);
            }
        }
        List<String> classNames = classNames(dataset.schema().apply(getLabelCol()), classes);
        List<String> fn = featureNames(dataset.schema().apply(getFeaturesCol()), ls[0]);
        RunLog log = null;
        List<DataParallel.EpochStats> history;
        DataParallel.Result result = null;
        Model model = null;
        Throwable failure = null;
        try {
            if (!getRunDir().isEmpty()) {
                log = RunLog.start(java.nio.file.Path.of(getRunDir()), configJson(),
                        sparkJson(shards.getNumPartitions(), jsc.master()), master, getLogEvery(), regularizer(),
                        getValidationName(), line -> System.err.println(line));
                int per = Math.max(1, (RunLog.PROBE_ROWS + shards.getNumPartitions() - 1)
                        / shards.getNumPartitions());
                List<Shard> heads = shards.map(sh -> sh.head(per)).collect();
                Shard probe = Shard.concat(heads, ls[0]);
                log.probe(probe.x, probe.y, ls[0], cfg.dtype());
            }
            result = DataParallel.fit(jsc, shards, cfg, master, optimizerSpec(), regularizer(), getMaxEpochs(),
                    new DataParallel.Training(getSchedule(), getClipNorm(), getClipValue(), getEarlyStop(),
                            getRestoreBest()), valShards, log);
            history = result.epochs();
            Model.Builder b = Model.builder(master).classNames(classNames);
            if (fn != null) {
                b.featureNames(fn);
            }
            model = b.build();
        } catch (java.io.IOException e) {
            failure = e;
            throw new java.io.UncheckedIOException(getRunDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            shards.unpersist(false);
            if (valShards != null) {
                valShards.unpersist(false);
            }
            if (log != null) {
                try {
                    log.finish(model, failure, result);
                } catch (java.io.IOException e) {
                    if (failure == null) {
                        throw new java.io.UncheckedIOException(getRunDir() + ": " + e.getMessage(), e);
                    }
                    failure.addSuppressed(e);
                }
            }
        }
        double[] loss = history.stream().mapToDouble(DataParallel.EpochStats::trainLoss).toArray();
        double[][] val = valShards == null ? new double[0][] : history.stream()
                .map(h -> new double[] {h.valLoss(), h.valAccuracy()}).toArray(double[][]::new);
        return new BackpropClassificationModel(uid(), ModelBytes.of(model), model, loss, val);
    }

    private Dataset<Row> select(Dataset<?> d) {
        return d.select(functions.col(getFeaturesCol()), functions.col(getLabelCol()).cast("double"));
    }

    /**
     * config.json of a run folder: {@link #runConfig()}, or the params under the keys of {@code backprop train}'s
     * configuration (so {@code backprop eval|predict} and {@code backprop train --config} read it; the batch is the
     * per-partition batch, log-every counts local steps).
     */
    private byte[] configJson() throws java.io.IOException {
        var mapper = MetricsJson.mapper();
        if (!getRunConfig().isEmpty()) {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(mapper.readTree(getRunConfig()));
        }
        var root = mapper.createObjectNode();
        root.put("layers", Arrays.stream(getLayers()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining("-")));
        String act = getActivation().trim().toLowerCase(Locale.ROOT).replace('_', '-');
        root.put("activation", switch (act) {
            case "identity", "none" -> "linear";
            case "leakyrelu" -> "leaky-relu";
            default -> act;
        });
        root.put("init", getInit());
        root.put("loss", "cross-entropy");
        root.put("dropout", getDropout());
        root.put("batch-norm", getBatchNorm());
        root.set("optimizer", mapper.readTree(optimizerSpec().toJson()));
        root.put("l2", getL2());
        root.put("l1", getL1());
        root.put("batch", getBatchSize());
        root.put("epochs", getMaxEpochs());
        root.put("seed", getSeed());
        root.put("dtype", getDtype().toLowerCase(Locale.ROOT));
        root.put("log-every", getLogEvery() * getSyncEvery());
        root.put("schedule", getSchedule());
        root.put("clip-norm", getClipNorm());
        root.put("clip-value", getClipValue());
        root.put("early-stop", getEarlyStop());
        root.put("restore-best", getRestoreBest());
        root.put("shuffle", getShuffle());
        if (!getInitialWeights().isEmpty()) {
            root.put("init-from", getInitialWeights());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** spark.json of a run folder: what config.json cannot say (the partitions, syncEvery, the Spark master). */
    private byte[] sparkJson(int partitions, String master) throws java.io.IOException {
        var mapper = MetricsJson.mapper();
        var root = mapper.createObjectNode();
        root.put("master", master);
        root.put("partitions", partitions);
        root.put("batch_per_partition", getBatchSize());
        root.put("global_batch", (long) getBatchSize() * partitions);
        root.put("sync_every", getSyncEvery());
        root.put("log_every_rounds", getLogEvery());
        root.put("features_col", getFeaturesCol());
        root.put("label_col", getLabelCol());
        root.put("validation_indicator_col", getValidationIndicatorCol());
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static List<String> classNames(StructField label, int classes) {
        List<String> names = new ArrayList<>();
        try {
            Attribute a = Attribute.fromStructField(label);
            if (a instanceof NominalAttribute n && n.values().isDefined() && n.values().get().length == classes) {
                names.addAll(Arrays.asList(n.values().get()));
                return names;
            }
        } catch (RuntimeException ignored) {
            // no usable metadata: numbered classes
        }
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    private static List<String> featureNames(StructField features, int count) {
        try {
            AttributeGroup g = AttributeGroup.fromStructField(features);
            if (g.attributes().isEmpty() || g.attributes().get().length != count) {
                return null;
            }
            List<String> names = new ArrayList<>();
            for (Attribute a : g.attributes().get()) {
                if (a.name().isEmpty()) {
                    return null;
                }
                names.add(a.name().get());
            }
            return names.stream().distinct().count() == names.size() ? names : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public BackpropClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * The reader of saved classifiers (params only).
     *
     * @return the reader
     */
    public static MLReader<BackpropClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Reads a classifier saved with {@code write().save(path)}.
     *
     * @param path the folder
     * @return the classifier
     */
    public static BackpropClassifier load(String path) {
        return read().load(path);
    }
}
