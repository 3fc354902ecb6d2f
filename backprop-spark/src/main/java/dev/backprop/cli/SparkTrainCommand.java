package dev.backprop.cli;

import dev.backprop.Model;
import dev.backprop.data.Dataset;
import dev.backprop.data.Normalizer;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.spark.BackpropClassificationModel;
import dev.backprop.spark.BackpropClassifier;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.attribute.NumericAttribute;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop spark train}: {@code backprop train}'s model, optimizer and data flags (the same {@link RunConfig}),
 * trained by {@link BackpropClassifier} on a Spark master, leaving a normal run folder.
 *
 * <p>Data: fashion-mnist, the synthetic sets and CSV files are read on the driver exactly as {@code backprop train}
 * reads them (same label column, class names, normalisation, --test and --val-split) and spread over
 * {@code --partitions} partitions; a Parquet file is read by Spark itself (on a cluster, from any file system
 * Spark reads): a vector column ({@code --features-column}, default {@code features} when there is one) or every
 * numeric column but the label, and the label column (string labels are indexed in alphabetical order, numeric
 * ones must be class indices 0, 1, ...).
 */
@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Train on Apache Spark by synchronous data-parallel SGD (docs/spark.md), with the model,",
                "optimizer and data flags of 'backprop train'. The run folder gets what 'backprop train' writes",
                "(config.json, model.json + model.safetensors, metrics.jsonl, findings.json, report.html) and",
                "spark.json (partitions, sync-every, master)."},
        footer = {"", "Examples:",
                "  backprop spark train --master local[2] --data fashion-mnist --layers 784-256-128-10 --epochs 10",
                "  backprop spark train --data iris.csv --label-column species --val-split 0.2 --sync-every 4",
                "  backprop spark train --data events.parquet --label-column kind --partitions 64"})
final class SparkTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else"
            + " local[*]): local[2], spark://host:7077, yarn, k8s://...")
    String master;
    @Option(names = "--partitions", paramLabel = "N", description = "Partitions to train on, one task each per round"
            + " (default: Spark's default parallelism, the cores).")
    Integer partitions;
    @Option(names = "--sync-every", paramLabel = "H", defaultValue = "" + BackpropClassifier.DEFAULT_SYNC_EVERY, description = "Local steps per partition"
            + " between averaging rounds (default ${DEFAULT-VALUE}; 1: synchronous SGD of the global batch).")
    int syncEvery;
    @Option(names = "--features-column", paramLabel = "NAME", description = "Parquet: the vector column of the"
            + " features (default: 'features' when present, else every numeric column but the label).")
    String featuresColumn;
    @Mixin
    TrainOptions options = new TrainOptions();
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/DATA-TIMESTAMP).")
    Path out;
    @Option(names = "--json", description = "Print one JSON object with the results on stdout; progress goes to stderr.")
    boolean json;
    @Option(names = "--force", description = "Replace the run in --out if it exists (only the files a run writes are deleted).")
    boolean force;
    @Mixin
    StandardOptions standard = new StandardOptions();

    /** The training and validation rows of a run, and what the model file needs to know about them. */
    private record Frames(String name, org.apache.spark.sql.Dataset<Row> frame, int features, int classes,
                          long trainRows, long evalRows, Normalizer normalizer, List<String> classNames,
                          List<String> featureNames, String evalName) {
    }

    static final String IS_VAL = "__backprop_is_validation";

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter msg = json ? spec.commandLine().getErr() : stdout;
        RunConfig c = options.toConfig(spec);
        unsupported(c, msg);
        if (partitions != null && partitions < 1) {
            throw new UsageError("--partitions must be at least 1, got " + partitions);
        }
        if (syncEvery < 1) {
            throw new UsageError("--sync-every must be at least 1, got " + syncEvery);
        }
        boolean parquet = c.data != null && c.data.toLowerCase(Locale.ROOT).endsWith(".parquet");
        PreparedData prepared;
        Path dir;
        int[] preparedSizes;
        boolean hadSession;
        SparkSession spark;
        // while the data loads, Spark starts and the frames are built, a background thread gets a training step's
        // code compiled at the layers' shapes (in local mode the tasks run in this JVM and use that compiled code;
        // Spark's own start fills the JIT's queue). It runs the tasks' own code (local steps, evaluation) with the
        // kernel threads of one task (spark.task.cpus, default 1), so that what it compiles is what the tasks run.
        AutoCloseable warmup = warmup(c);
        try {
            prepared = parquet ? null : PreparedData.load(c); // the data's errors come before Spark starts
            dir = out != null ? out : TrainCommand.newRunDir(prepared != null ? prepared.name()
                    : Path.of(c.data).getFileName().toString().replaceFirst("(?i)\\.parquet$", ""));
            preparedSizes = prepared == null ? null : Setup.sizes(c, prepared.train());
            RunFolders.prepare(dir, force); // before the first write: an existing run is never mixed into
            hadSession = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
            spark = session(master);
        } catch (RuntimeException | Error e) {
            if (warmup != null) {
                warmup.close();
            }
            throw e;
        }
        try {
            int k = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            Frames f = parquet ? parquet(spark, c, k) : frames(spark, prepared, k);
            int[] sizes = preparedSizes != null ? preparedSizes : sizes(c, f.features(), f.classes());
            c.resolveLayers(sizes);
            int logRounds = c.logEvery == 0 ? 0 : Math.max(1, Math.round(c.logEvery / (float) syncEvery));
            BackpropClassifier bp = classifier(c, sizes).setLogEvery(logRounds).setValidationName(f.evalName())
                    .setRunConfig(new String(c.toJson(), StandardCharsets.UTF_8)).setRunDir(dir.toString());
            if (f.evalRows() > 0) {
                bp.setValidationIndicatorCol(IS_VAL);
            }
            msg.printf(Locale.ROOT, "training on %s with Spark (%s, %d partitions): %d samples%s, %d epochs, batch %d"
                            + " per partition (global %d), %d local steps per round%n", f.name(),
                    spark.sparkContext().master(), k, f.trainRows(),
                    f.evalRows() > 0 ? " (" + f.evalRows() + " for evaluation)" : "", c.epochs, c.batch,
                    (long) c.batch * k, syncEvery);
            msg.flush();
            if (warmup != null) {
                warmup.close();
                warmup = null;
            }
            BackpropClassificationModel fitted = bp.fit(f.frame());
            // the model file as `backprop train` writes it: with the normaliser fitted on the training data
            Model.Builder mb = Model.builder(fitted.toModel().network()).classNames(f.classNames());
            if (f.featureNames() != null) {
                mb.featureNames(f.featureNames());
            }
            if (f.normalizer() != null) {
                mb.normalizer(f.normalizer());
            }
            mb.build().save(dir);
            List<EpochMetrics> epochs = epochs(dir);
            int best = bestEpoch(epochs);
            if (f.evalRows() > 0) {
                // the final weights: the best epoch's with --restore-best, else the last epoch's
                writeEvaluation(dir, fitted, f, Boolean.TRUE.equals(c.restoreBest) && best > 0
                        ? epochs.get(best - 1) : epochs.getLast());
            }
            report(stdout, msg, dir, c, spark.sparkContext().master(), k, fitted.toModel().network(), f.evalName(),
                    epochs, best);
        } finally {
            if (warmup != null) {
                warmup.close();
            }
            if (!hadSession) {
                spark.stop();
            }
        }
        return 0;
    }

    /** The classifier of these settings and layer widths (without the run folder's params). */
    private BackpropClassifier classifier(RunConfig c, int[] sizes) {
        String init = c.init == null || RunConfig.isDefaultInit(c.init) ? "default" : c.init;
        return new BackpropClassifier().setLayers(sizes).setActivation(c.activation)
                .setInit(init).setOptimizer(c.optimizer.toJson()).setBatchSize(c.batch).setMaxEpochs(c.epochs)
                .setL1(c.l1).setL2(c.l2).setDropout(c.dropout).setBatchNorm(c.batchNorm).setSeed(c.seed)
                .setDtype(c.dtype).setSyncEvery(syncEvery)
                .setSchedule(c.schedule == null ? "constant" : c.schedule)
                .setClipNorm(c.clipNorm == null ? 0 : c.clipNorm).setClipValue(c.clipValue == null ? 0 : c.clipValue)
                .setEarlyStop(c.earlyStop == null ? 0 : c.earlyStop)
                .setRestoreBest(Boolean.TRUE.equals(c.restoreBest)).setShuffle(c.shuffle == null || c.shuffle)
                .setInitialWeights(c.initFrom == null ? "" : c.initFrom);
    }

    /**
     * The warm-up of the tasks' code ({@link BackpropClassifier#warmUp}) when the layer widths are given, else null;
     * {@code -Dbackprop.warmup=false} turns it off.
     */
    private AutoCloseable warmup(RunConfig c) {
        int[] sizes = TrainCommand.warmupSizes(c);
        if (sizes == null) {
            return null;
        }
        dev.backprop.kernel.Parallel.setThreads(Math.max(1, Integer.getInteger("spark.task.cpus", 1)));
        return classifier(c, sizes).warmUp(15_000);
    }

    /** Settings of {@code backprop train} that this command does not do (yet): a usage error when not default. */
    private static void unsupported(RunConfig c, PrintWriter msg) {
        List<String> bad = new ArrayList<>();
        if (c.loss != null && c.loss.toLowerCase(Locale.ROOT).equals("mse")) {
            bad.add(c.where("loss") + " mse");
        }
        if (c.initFrom != null && !Files.isRegularFile(Path.of(c.initFrom))) {
            throw new UsageError(c.where("init-from") + " " + c.initFrom + ": no such file");
        }
        Setup.schedule(c, 1); // a bad --schedule is a usage error before Spark starts
        if (!bad.isEmpty()) {
            throw new UsageError("not available in 'backprop spark train' (yet): " + String.join(", ", bad)
                    + "; use 'backprop train' for them");
        }
        if (!c.isDefault("threads")) {
            msg.println("note: " + c.where("threads") + " is not used on Spark: each task's kernels use"
                    + " spark.task.cpus threads (--conf spark.task.cpus=N with spark-submit)");
        }
    }

    /** A Spark session on {@code master} (else spark-submit's, else local[*]); local masters bind to loopback. */
    static SparkSession session(String master) {
        String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        SparkSession.Builder b = SparkSession.builder().appName("backprop spark train")
                .config("spark.ui.showConsoleProgress", "false");
        if (m.startsWith("local")) {
            b.config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
        }
        if (master != null || System.getProperty("spark.master") == null) {
            b.master(m);
        }
        if (m.startsWith("local") && System.getProperty("spark.driver.host") == null) {
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        return b.getOrCreate();
    }

    /** Layer sizes for data of {@code in} features and {@code classes} classes: --layers, or in-64-64-classes. */
    static int[] sizes(RunConfig c, int in, int classes) {
        if (c.layers == null) {
            return new int[] {in, 64, 64, classes};
        }
        int[] s = Arrays.stream(c.layers.trim().split("-")).mapToInt(Integer::parseInt).toArray();
        String where = c.where("layers") + " " + c.layers;
        if (s[0] != in) {
            throw new UsageError(where + ": layer 1 (Linear " + s[0] + "->" + s[1] + ") takes " + s[0]
                    + " inputs, but the data has " + in + " features; start the sizes with " + in);
        }
        if (s[s.length - 1] != classes) {
            throw new UsageError(where + ": the last layer has " + s[s.length - 1] + " outputs, but the data has "
                    + classes + " classes; end the sizes with " + classes);
        }
        return s;
    }

    /** The run folder's epoch lines of metrics.jsonl, in order. */
    private static List<EpochMetrics> epochs(Path dir) throws IOException {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && MetricsJson.parseLine(line) instanceof EpochMetrics e) {
                epochs.add(e);
            }
        }
        return epochs;
    }

    /**
     * The best epoch by the fit's rule: the first of lowest evaluation loss (training loss without evaluation rows),
     * or 0 when no loss is finite.
     */
    private static int bestEpoch(List<EpochMetrics> epochs) {
        int best = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (EpochMetrics e : epochs) {
            double monitored = e.hasTest() ? e.testLoss() : e.trainLoss();
            if (monitored < bestLoss) {
                bestLoss = monitored;
                best = e.epoch();
            }
        }
        return best;
    }

    /**
     * evaluation.json for the report's confusion matrix: the fitted model's predictions on the evaluation rows,
     * counted by Spark (true class x predicted class), and the loss the fit measured on them with these weights
     * (those of epoch {@code at}); then report.html again with it.
     */
    private static void writeEvaluation(Path dir, BackpropClassificationModel fitted, Frames f, EpochMetrics at)
            throws IOException {
        int k = f.classes();
        int[][] confusion = new int[k][k];
        long hits = 0;
        long n = 0;
        for (Row r : fitted.transform(f.frame().filter(functions.col(IS_VAL))).groupBy("label", "prediction")
                .count().collectAsList()) {
            int t = (int) r.getDouble(0);
            int p = (int) r.getDouble(1);
            long count = r.getLong(2);
            confusion[t][p] += (int) count;
            hits += t == p ? count : 0;
            n += count;
        }
        RunFiles.writeEvaluation(dir, f.evalName(), new dev.backprop.train.Evaluation(at.testLoss(),
                n == 0 ? Double.NaN : hits / (double) n, confusion, (int) n), f.classNames());
        dev.backprop.cli.report.ReportWriter.write(dir);
    }

    // ------------------------------------------------------------------ data read on the driver

    /**
     * The prepared data as a DataFrame of {@code k} partitions. The samples travel once, as one broadcast of compact
     * arrays, and each partition builds its rows from its slice: a DataFrame parallelized from a list of rows would
     * carry its rows inside every task of every round (Spark ships a parallelized collection's data with the
     * partition), hundreds of megabytes per round for Fashion-MNIST.
     */
    private static Frames frames(SparkSession spark, PreparedData d, int k) {
        Dataset train = d.train();
        StructType schema = new StructType(new StructField[] {
            new StructField("features", SQLDataTypes.VectorType(), false, featuresMetadata(train.featureNames())),
            new StructField("label", DataTypes.DoubleType, false, NominalAttribute.defaultAttr().withName("label")
                    .withValues(train.classNames().toArray(String[]::new)).toMetadata()),
            new StructField(IS_VAL, DataTypes.BooleanType, false, Metadata.empty())});
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Samples[] sets = d.eval() == null ? new Samples[] {Samples.of(train)}
                : new Samples[] {Samples.of(train), Samples.of(d.eval())};
        var data = jsc.broadcast(sets);
        List<Integer> parts = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            parts.add(i);
        }
        // partition i holds rows [i·n/k, (i+1)·n/k) of the training set, then its share of the evaluation set
        JavaRDD<Row> rows = jsc.parallelize(parts, k).flatMap((Integer i) -> new Iterator<Row>() {
            private final Samples[] all = data.value();
            private int set = -1;
            private int row;
            private int to;

            @Override
            public boolean hasNext() {
                while (row >= to && set + 1 < all.length) {
                    set++;
                    row = (int) ((long) i * all[set].n() / k);
                    to = (int) ((long) (i + 1) * all[set].n() / k);
                }
                return row < to;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Samples s = all[set];
                double[] v = new double[s.f()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = s.x()[row * s.f() + j];
                }
                Row r = RowFactory.create(Vectors.dense(v), (double) s.y()[row], set == 1);
                row++;
                return r;
            }
        });
        long evalRows = d.eval() == null ? 0 : d.eval().size();
        return new Frames(d.name(), spark.createDataFrame(rows, schema), train.featureCount(), train.classCount(),
                train.size(), evalRows, d.normalizer(), train.classNames(), train.featureNames(), d.evalName());
    }

    /** Samples as compact arrays, broadcast once to the executors. */
    record Samples(int n, int f, float[] x, int[] y) implements java.io.Serializable {
        static Samples of(Dataset d) {
            int n = d.size();
            int f = d.featureCount();
            float[] x = new float[n * f];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    x[i * f + j] = d.feature(i, j);
                }
                y[i] = d.label(i);
            }
            return new Samples(n, f, x, y);
        }
    }

    private static Metadata featuresMetadata(List<String> names) {
        Attribute[] attrs = new Attribute[names.size()];
        for (int j = 0; j < attrs.length; j++) {
            attrs[j] = NumericAttribute.defaultAttr().withName(names.get(j));
        }
        return new AttributeGroup("features", attrs).toMetadata();
    }

    // ------------------------------------------------------------------ Parquet, read by Spark

    private Frames parquet(SparkSession spark, RunConfig c, int k) {
        String kind = c.normalize == null ? "none" : c.normalize.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("none") && !kind.equals("standard") && !kind.equals("minmax")) {
            throw new UsageError(c.where("normalize") + ": unknown normalisation '" + c.normalize
                    + "'; valid: none|standard|minmax");
        }
        org.apache.spark.sql.Dataset<Row> train = read(spark, c.data);
        String label = labelColumn(c, train);
        String feats = featuresColumn(train, label, c.data);
        org.apache.spark.sql.Dataset<Row> test = null;
        if (c.test != null) {
            test = read(spark, c.test);
            for (String col : new String[] {label, feats}) {
                if (!Arrays.asList(test.columns()).contains(col) && !col.equals(ASSEMBLED)) {
                    throw new UsageError(c.where("test") + " " + c.test + " has no column '" + col + "'");
                }
            }
        } else if (c.valSplit != null && c.valSplit > 0) {
            org.apache.spark.sql.Dataset<Row>[] split = train.randomSplit(new double[] {1 - c.valSplit, c.valSplit},
                    c.seed);
            train = split[0];
            test = split[1];
        }
        List<String> featureNames = null;
        if (feats.equals(ASSEMBLED)) {
            String[] cols = Arrays.stream(train.schema().fields())
                    .filter(fl -> !fl.name().equals(label) && fl.dataType() instanceof NumericType)
                    .map(StructField::name).toArray(String[]::new);
            VectorAssembler va = new VectorAssembler().setInputCols(cols).setOutputCol(ASSEMBLED)
                    .setHandleInvalid("error");
            train = va.transform(train);
            test = test == null ? null : va.transform(test);
            featureNames = List.of(cols);
        }
        StructField labelField = train.schema().apply(label);
        List<String> classNames;
        String labelOut = "__backprop_label";
        if (labelField.dataType().equals(DataTypes.StringType)) {
            StringIndexerModel si = new StringIndexer().setInputCol(label).setOutputCol(labelOut)
                    .setStringOrderType("alphabetAsc").setHandleInvalid("error").fit(train);
            classNames = List.of(si.labelsArray()[0]);
            train = si.transform(train);
            test = test == null ? null : si.transform(test);
        } else if (labelField.dataType() instanceof NumericType) {
            Row stats = train.agg(functions.min(label), functions.max(label)).first();
            if (stats.isNullAt(0)) {
                throw new UsageError(c.data + " has no rows");
            }
            double lo = ((Number) stats.get(0)).doubleValue();
            double hi = ((Number) stats.get(1)).doubleValue();
            if (lo < 0 || hi != Math.rint(hi) || hi > 1_000_000) {
                throw new UsageError(c.data + ": numeric label column '" + label + "' must hold class indices 0, 1,"
                        + " ... (found values from " + lo + " to " + hi + "); or store the labels as strings");
            }
            classNames = new ArrayList<>();
            for (int i = 0; i <= (int) hi; i++) {
                classNames.add(Integer.toString(i));
            }
            Metadata md = NominalAttribute.defaultAttr().withName(labelOut)
                    .withValues(classNames.toArray(String[]::new)).toMetadata();
            train = train.withColumn(labelOut, functions.col(label).cast("double"), md);
            test = test == null ? null : test.withColumn(labelOut, functions.col(label).cast("double"), md);
        } else {
            throw new UsageError(c.data + ": label column '" + label + "' is " + labelField.dataType().simpleString()
                    + "; expected a string or a numeric class index");
        }
        int features = vectorWidth(train, feats, c.data);
        Normalizer normalizer = null;
        if (!kind.equals("none")) {
            normalizer = fitNormalizer(train, feats, kind, features);
            var udf = functions.udf(new NormalizeVector(normalizer.kind(), normalizer.parameters()),
                    SQLDataTypes.VectorType());
            train = train.withColumn(feats, udf.apply(functions.col(feats)));
            test = test == null ? null : test.withColumn(feats, udf.apply(functions.col(feats)));
        }
        org.apache.spark.sql.Dataset<Row> tr = train.select(functions.col(feats).as("features"),
                functions.col(labelOut).as("label"), functions.lit(false).as(IS_VAL)).repartition(k);
        long trainRows = tr.count();
        long evalRows = 0;
        org.apache.spark.sql.Dataset<Row> frame = tr;
        if (test != null) {
            org.apache.spark.sql.Dataset<Row> te = test.select(functions.col(feats).as("features"),
                    functions.col(labelOut).as("label"), functions.lit(true).as(IS_VAL)).repartition(k);
            evalRows = te.count();
            JavaRDD<Row> both = tr.javaRDD().zipPartitions(te.javaRDD(), (Iterator<Row> a, Iterator<Row> b) -> {
                List<Row> all = new ArrayList<>();
                a.forEachRemaining(all::add);
                b.forEachRemaining(all::add);
                return all.iterator();
            });
            frame = spark.createDataFrame(both, tr.schema());
        }
        String name = Path.of(c.data).getFileName().toString().replaceFirst("(?i)\\.parquet$", "");
        return new Frames(name, frame, features, classNames.size(), trainRows, evalRows, normalizer, classNames,
                featureNames, c.test != null ? "test" : "validation");
    }

    private static final String ASSEMBLED = "__backprop_features";

    /**
     * The normaliser of {@code --normalize} fitted on the training rows' vectors by Spark's {@code Summarizer}
     * (one pass): standard takes the mean and the population standard deviation (Spark's variance is the sample
     * variance, times (N − 1)/N), minmax the minimum and maximum; the same parameters as {@link Normalizer#fit} on
     * those rows, stored in model.json so that {@code backprop eval|predict} apply them to raw features.
     */
    static Normalizer fitNormalizer(org.apache.spark.sql.Dataset<Row> train, String feats, String kind,
                                    int features) {
        Row r = train.select(org.apache.spark.ml.stat.Summarizer.metrics("mean", "variance", "min", "max", "count")
                .summary(functions.col(feats)).as("s")).select("s.*").first();
        long n = r.getAs("count");
        double[] a;
        double[] b;
        if (kind.equals("standard")) {
            a = ((org.apache.spark.ml.linalg.Vector) r.getAs("mean")).toArray();
            b = ((org.apache.spark.ml.linalg.Vector) r.getAs("variance")).toArray();
            for (int j = 0; j < b.length; j++) {
                b[j] = n > 1 ? Math.sqrt(b[j] * (n - 1) / n) : 0;
            }
        } else {
            a = ((org.apache.spark.ml.linalg.Vector) r.getAs("min")).toArray();
            b = ((org.apache.spark.ml.linalg.Vector) r.getAs("max")).toArray();
        }
        if (a.length != features) {
            throw new UsageError("--normalize: the training rows have no features to fit on");
        }
        return Normalizer.of(kind, new double[][] {a, b});
    }

    /** A features vector normalised by {@link Normalizer#apply(int, double)}, as model.json's normaliser does. */
    static final class NormalizeVector implements org.apache.spark.sql.api.java.UDF1<
            org.apache.spark.ml.linalg.Vector, org.apache.spark.ml.linalg.Vector> {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final double[][] parameters;
        private transient Normalizer normalizer;

        NormalizeVector(String kind, double[][] parameters) {
            this.kind = kind;
            this.parameters = parameters;
        }

        @Override
        public org.apache.spark.ml.linalg.Vector call(org.apache.spark.ml.linalg.Vector v) {
            if (v == null) {
                return null;
            }
            if (normalizer == null) {
                normalizer = Normalizer.of(kind, parameters);
            }
            double[] x = v.toArray();
            for (int j = 0; j < x.length; j++) {
                x[j] = normalizer.apply(j, x[j]);
            }
            return Vectors.dense(x);
        }
    }

    private static org.apache.spark.sql.Dataset<Row> read(SparkSession spark, String path) {
        try {
            return spark.read().parquet(path);
        } catch (RuntimeException e) {
            throw new UsageError("cannot read Parquet " + path + ": " + Main.message(e).lines().findFirst()
                    .orElse(""));
        }
    }

    /** --label-column (a name or an index, negative from the end), else "label" when present, else the last. */
    private static String labelColumn(RunConfig c, org.apache.spark.sql.Dataset<Row> d) {
        List<String> cols = Arrays.asList(d.columns());
        String spec = c.labelColumn;
        if (spec == null) {
            return cols.contains("label") ? "label" : cols.getLast();
        }
        if (cols.contains(spec)) {
            return spec;
        }
        try {
            int i = Integer.parseInt(spec.trim());
            int at = i < 0 ? cols.size() + i : i;
            if (at >= 0 && at < cols.size()) {
                return cols.get(at);
            }
        } catch (NumberFormatException ignored) {
            // a name that is not there
        }
        throw new UsageError(c.where("label-column") + " " + spec + ": " + c.data + " has no such column (columns: "
                + String.join(", ", cols) + ")");
    }

    private String featuresColumn(org.apache.spark.sql.Dataset<Row> d, String label, String file) {
        List<String> cols = Arrays.asList(d.columns());
        String want = featuresColumn != null ? featuresColumn : cols.contains("features") ? "features" : null;
        if (want != null) {
            if (!cols.contains(want)) {
                throw new UsageError("--features-column " + want + ": " + file + " has no such column (columns: "
                        + String.join(", ", cols) + ")");
            }
            if (!(d.schema().apply(want).dataType() instanceof VectorUDT)) {
                throw new UsageError(file + ": column '" + want + "' is " + d.schema().apply(want).dataType()
                        .simpleString() + ", not an ml vector; give --features-column a vector column, or leave it"
                        + " out to use the numeric columns");
            }
            return want;
        }
        List<String> bad = new ArrayList<>();
        int numeric = 0;
        for (StructField fl : d.schema().fields()) {
            if (fl.name().equals(label)) {
                continue;
            }
            if (fl.dataType() instanceof NumericType) {
                numeric++;
            } else {
                bad.add(fl.name() + " (" + fl.dataType().simpleString() + ")");
            }
        }
        if (!bad.isEmpty() || numeric == 0) {
            throw new UsageError(file + ": the features must be numeric columns or one vector column"
                    + (bad.isEmpty() ? "; there are none" : "; not numeric: " + String.join(", ", bad)));
        }
        return ASSEMBLED;
    }

    private static int vectorWidth(org.apache.spark.sql.Dataset<Row> d, String col, String file) {
        List<Row> head = d.select(col).takeAsList(1);
        Row first = head.isEmpty() ? null : head.getFirst();
        if (first == null || first.isNullAt(0)) {
            throw new UsageError(file + " has no rows, or its first features vector is null");
        }
        return ((org.apache.spark.ml.linalg.Vector) first.get(0)).size();
    }

    // ------------------------------------------------------------------ results

    private void report(PrintWriter stdout, PrintWriter msg, Path dir, RunConfig c, String sparkMaster, int k,
                        dev.backprop.nn.Sequential net, String evalName, List<EpochMetrics> epochs, int best)
            throws IOException {
        boolean stopped = epochs.size() < c.epochs;
        dev.backprop.train.TrainingResult result = new dev.backprop.train.TrainingResult(epochs, stopped, best);
        boolean restored = Boolean.TRUE.equals(c.restoreBest) && result.bestEpoch() > 0;
        List<Finding> findings = MetricsJson.parseFindings(Files.readString(dir.resolve("findings.json")));
        Path report = dir.resolve("report.html");
        double perEpoch = epochs.stream().mapToDouble(EpochMetrics::seconds).average().orElse(0);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", dir.toString());
            m.put("master", sparkMaster);
            m.put("partitions", k);
            m.put("sync_every", syncEvery);
            m.putAll(TrainCommand.summary(dir, net, result, evalName, restored));
            m.put("seconds_per_epoch", perEpoch);
            m.put("findings", findings.stream().map(MetricsJson::map).toList());
            m.put("report", Files.isRegularFile(report) ? report.toString() : null);
            stdout.println(TrainCommand.PRETTY.writeValueAsString(m));
        } else {
            EpochMetrics last = epochs.getLast();
            stdout.printf(Locale.ROOT, "done: %d epochs%s; final train loss %.4f, train accuracy %.4f%s; %.2f s per"
                            + " epoch%n", epochs.size(), stopped ? " (stopped early)" : "", last.trainLoss(),
                    last.trainAccuracy(), last.hasTest() ? String.format(Locale.ROOT, ", %s accuracy %.4f",
                            evalName, last.testAccuracy()) : "", perEpoch);
            if (result.bestEpoch() > 0) {
                EpochMetrics b = epochs.get(result.bestEpoch() - 1);
                stdout.printf(Locale.ROOT, "best epoch %d (%s loss %.4f)%s%n", result.bestEpoch(),
                        b.hasTest() ? evalName : "train", b.hasTest() ? b.testLoss() : b.trainLoss(),
                        restored ? "; the saved model is that epoch's (--restore-best)" : "");
            }
            stdout.println(findings.isEmpty() ? "diagnostics: no problems found"
                    : "diagnostics: " + findings.size() + " finding(s):");
            findings.forEach(f -> stdout.println("  - " + f.message()));
            stdout.println("run folder: " + dir);
            if (Files.isRegularFile(report)) {
                stdout.println("report: " + report);
            }
            stdout.println("next: backprop eval --model " + dir + " --data " + c.data + "   |   backprop inspect "
                    + dir);
        }
        stdout.flush();
        msg.flush();
    }
}
