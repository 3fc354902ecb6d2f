package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.Model;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.diagnose.LayerStats;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.ParamStats;
import dev.backprop.diagnose.StepStats;
import dev.backprop.io.Safetensors;
import dev.backprop.kernel.Parallel;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.EpochMetrics;
import dev.backprop.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code setRunDir}: a Spark fit leaves a run folder that the command line reports, evaluates and predicts from;
 * its epoch lines hold the validation rows' loss and accuracy, and its step lines the diagnostics of the averaged
 * update (checked against core's diagnostics of the equivalent single-machine run).
 */
class RunDirTest {
    static final int K = 2;
    static final int B = 10;
    static final int EPOCHS = 2;
    static final long SEED = 17;
    static final int LOG_EVERY = 5;
    static final StructType SCHEMA = new StructType(new StructField[] {
        new StructField("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("isVal", DataTypes.BooleanType, false, Metadata.empty())});

    /**
     * Training rows in K partitions (partition k: rows [k·n/K, (k+1)·n/K) of {@code train}, in order), each followed
     * by its share of the validation rows, marked by the isVal column.
     */
    static org.apache.spark.sql.Dataset<Row> frame(Dataset train, Dataset val) {
        JavaRDD<Row> t = TestData.frame(train, K).javaRDD();
        JavaRDD<Row> v = TestData.frame(val, K).javaRDD();
        JavaRDD<Row> both = t.zipPartitions(v, (Iterator<Row> a, Iterator<Row> b) -> {
            List<Row> out = new ArrayList<>();
            a.forEachRemaining(r -> out.add(RowFactory.create(r.get(0), r.get(1), false)));
            b.forEachRemaining(r -> out.add(RowFactory.create(r.get(0), r.get(1), true)));
            return out.iterator();
        });
        return SparkTestSession.get().createDataFrame(both, SCHEMA);
    }

    static BackpropClassifier classifier(Path run) {
        return new BackpropClassifier().setLayers(new int[] {2, 16, 16, 3}).setBatchSize(B).setMaxEpochs(EPOCHS)
                .setSyncEvery(1).setSeed(SEED).setDtype("f64").setLearningRate(0.05).setMomentum(0.9)
                .setLogEvery(LOG_EVERY).setValidationIndicatorCol("isVal").setRunDir(run.toString());
    }

    static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = dev.backprop.cli.Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertEquals(0, code, () -> "backprop " + String.join(" ", args) + " failed: " + err.toString(
                StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Core's diagnostics of the single-machine run equal to this fit (global batch K·B, same order). */
    static List<StepStats> referenceSteps(Dataset train) {
        Sequential net = Mlp.of(2, 16, 16, 3).activation(ActivationKind.RELU).dtype(DType.F64).seed(SEED).build();
        int per = train.size() / K;
        List<Integer> order = new ArrayList<>();
        for (int e = 1; e <= EPOCHS; e++) {
            int[][] perm = new int[K][];
            for (int k = 0; k < K; k++) {
                perm[k] = DataParallel.shardPermutation(per, SEED, k, e);
            }
            for (int t = 0; t < per / B; t++) {
                for (int k = 0; k < K; k++) {
                    for (int i = 0; i < B; i++) {
                        order.add(k * per + perm[k][t * B + i]);
                    }
                }
            }
        }
        Dataset ordered = train.select(order.stream().mapToInt(Integer::intValue).toArray());
        GradientDiagnostics diag = new GradientDiagnostics(LOG_EVERY);
        Trainer.builder(net, Loss.crossEntropy(),
                        OptimizerSpec.Sgd.lr(0.05).momentum(0.9).build(net.parameters(), Regularizer.none()),
                        DataLoader.sequential(ordered, K * B).withDType(DType.F64))
                .epochs(1).listener(diag).build().fit();
        return diag.steps();
    }

    @Test
    void aFitWithARunDirLeavesARunFolderTheCommandLineReportsEvaluatesAndPredictsFrom(@TempDir Path tmp)
            throws Exception {
        TrainTest blobs = Synthetic.blobs(200, 100, 3, 2, 0.25, 3);
        Path run = tmp.resolve("run");
        int threadsBefore = Parallel.threads();
        BackpropClassificationModel fitted;
        try {
            Parallel.setThreads(3);
            fitted = classifier(run).fit(frame(blobs.train(), blobs.test()));
            // local[2,2]: the tasks ran in this JVM with spark.task.cpus = 1, so they sized the kernel pool to 1
            assertEquals(1, Parallel.threads(), "kernel threads per task = spark.task.cpus");
        } finally {
            Parallel.setThreads(threadsBefore);
        }
        for (String f : List.of("config.json", "spark.json", "initial.safetensors", "metrics.jsonl", "findings.json", "model.json",
                "model.safetensors", "report.html")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        JsonNode config = MetricsJson.mapper().readTree(run.resolve("config.json").toFile());
        assertEquals("2-16-16-3", config.get("layers").asText());
        assertEquals(B, config.get("batch").asInt());
        JsonNode spark = MetricsJson.mapper().readTree(run.resolve("spark.json").toFile());
        assertEquals(1, spark.get("sync_every").asInt());
        assertEquals(K, spark.get("partitions").asInt());
        assertEquals(K * B, spark.get("global_batch").asInt());
        Map<String, Tensor> initial = Safetensors.read(run.resolve("initial.safetensors"));
        Sequential init = classifier(tmp.resolve("unused")).initialNetwork();
        for (var e : init.stateDict().entrySet()) {
            for (int i = 0; i < e.getValue().size(); i++) {
                assertEquals(e.getValue().getFlat(i), initial.get(e.getKey()).getFlat(i), e.getKey());
            }
        }

        List<EpochMetrics> epochs = new ArrayList<>();
        List<StepStats> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Object o = MetricsJson.parseLine(line);
            if (o instanceof EpochMetrics e) {
                epochs.add(e);
            } else if (o instanceof StepStats s) {
                steps.add(s);
            }
        }
        assertEquals(EPOCHS, epochs.size());
        // the validation figures of the last epoch, against the saved model scored on the driver by core
        Model model = Model.load(run);
        Dataset val = blobs.test();
        float[][] rows = new float[val.size()][2];
        for (int i = 0; i < rows.length; i++) {
            rows[i][0] = val.feature(i, 0);
            rows[i][1] = val.feature(i, 1);
        }
        double[][] p = model.predictProbabilities(toDouble(rows));
        double nll = 0;
        int hits = 0;
        int[] predicted = model.predict(rows);
        for (int i = 0; i < rows.length; i++) {
            nll -= Math.log(p[i][val.label(i)]);
            hits += predicted[i] == val.label(i) ? 1 : 0;
        }
        EpochMetrics last = epochs.getLast();
        assertEquals(hits / (double) rows.length, last.testAccuracy(), 1e-12, "validation accuracy");
        assertEquals(nll / rows.length, last.testLoss(), 1e-9, "validation loss");
        assertTrue(last.testAccuracy() > 0.7, "it learned: " + last.testAccuracy());
        double[][] history = fitted.validationHistory();
        assertEquals(last.testAccuracy(), history[EPOCHS - 1][1]);

        // 10 rounds per epoch (100 rows per partition, batch 10, syncEvery 1): rounds 1, 5, 10, 15, 20 are logged
        assertEquals(List.of(1L, 5L, 10L, 15L, 20L), steps.stream().map(StepStats::step).toList());
        List<StepStats> want = referenceSteps(blobs.train());
        assertEquals(steps.size(), want.size());
        for (int s = 0; s < steps.size(); s++) {
            StepStats got = steps.get(s);
            StepStats ref = want.get(s);
            assertEquals(ref.step(), got.step());
            assertEquals(ref.gradNorm(), got.gradNorm(), 1e-9 * ref.gradNorm(), "global gradient norm, step "
                    + ref.step());
            assertEquals(ref.loss(), got.loss(), 1e-9, "loss of step " + ref.step());
            for (int l = 0; l < ref.layers().size(); l++) {
                LayerStats a = got.layers().get(l);
                LayerStats b = ref.layers().get(l);
                for (int q = 0; q < b.params().size(); q++) {
                    ParamStats pa = a.params().get(q);
                    ParamStats pb = b.params().get(q);
                    assertEquals(pb.name(), pa.name());
                    assertEquals(pb.gradNorm(), pa.gradNorm(), 1e-9 * pb.gradNorm(), pb.name() + " gradient");
                    if (Double.isFinite(pb.updateRatio())) {
                        assertEquals(pb.updateRatio(), pa.updateRatio(), 1e-9 * pb.updateRatio(),
                                pb.name() + " update ratio");
                    } else { // a zero bias: ratio infinite, written to metrics.jsonl as null
                        assertFalse(Double.isFinite(pa.updateRatio()), pb.name() + " update ratio");
                    }
                }
                if (b.type().equals("ReLU")) {
                    assertFalse(Double.isNaN(a.deadFraction()), "dead units measured on the probe batch, layer " + l);
                }
            }
        }

        String report = cli("report", run.toString());
        assertTrue(report.contains("report.html"), report);
        String html = Files.readString(run.resolve("report.html"));
        assertFalse(html.contains("No per-step statistics"), "the gradient sections have data");
        assertFalse(html.contains("No epoch completed"), "the epoch section has data");

        Path csv = tmp.resolve("val.csv");
        StringBuilder sb = new StringBuilder("x0,x1,label\n");
        for (int i = 0; i < rows.length; i++) {
            sb.append(rows[i][0]).append(',').append(rows[i][1]).append(',').append(val.label(i)).append('\n');
        }
        Files.writeString(csv, sb.toString());
        JsonNode eval = MetricsJson.mapper().readTree(cli("eval", "--model", run.toString(), "--data",
                csv.toString(), "--label-column", "label", "--json"));
        assertEquals(last.testAccuracy(), eval.get("accuracy").asDouble(), 1e-12, "backprop eval on the run");
        Path out = tmp.resolve("predictions.csv");
        cli("predict", "--model", run.toString(), "--input", csv.toString(), "--label-column", "label",
                "--output", out.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(rows.length + 1, lines.size());
        for (int i = 0; i < rows.length; i++) {
            assertEquals(Integer.toString(predicted[i]), lines.get(i + 1).split(",")[0], "row " + i);
        }
    }

    @Test
    void theDiagnosticsOfTheAveragedUpdateFindAVanishingGradient(@TempDir Path tmp) throws Exception {
        TrainTest spirals = Synthetic.spirals(200, 10, 0.05, 7);
        Path run = tmp.resolve("run");
        new BackpropClassifier().setLayers(new int[] {2, 64, 64, 64, 64, 64, 64, 64, 64, 2}).setActivation("sigmoid")
                .setInit("uniform:0.125").setBatchSize(20).setSyncEvery(2).setMaxEpochs(1).setLogEvery(1)
                .setRunDir(run.toString()).fit(TestData.frame(spirals.train(), K));
        List<Finding> findings = MetricsJson.parseFindings(Files.readString(run.resolve("findings.json")));
        assertTrue(findings.stream().anyMatch(f -> f.kind() == Finding.Kind.VANISHING_GRADIENT),
                () -> "findings: " + findings);
    }

    @Test
    void aRunDirThatHoldsFilesIsRefusedBeforeTraining(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackpropClassifier().setRunDir(tmp.toString()));
        assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("mine", Files.readString(tmp.resolve("notes.txt")));
    }

    private static double[][] toDouble(float[][] rows) {
        double[][] d = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            d[i] = new double[rows[i].length];
            for (int j = 0; j < d[i].length; j++) {
                d[i][j] = rows[i][j];
            }
        }
        return d;
    }
}
