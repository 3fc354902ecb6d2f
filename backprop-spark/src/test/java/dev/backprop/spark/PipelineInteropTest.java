package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.Model;
import dev.backprop.cli.Main;
import dev.backprop.data.Dataset;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier inside a Pipeline (StringIndexer, VectorAssembler), saved and loaded as a PipelineModel; its saved
 * stage is a Backprop model folder that core's Model and the command line read; and a model trained by
 * {@code backprop train} scores a DataFrame.
 */
class PipelineInteropTest {
    static final String[] COLORS = {"red", "green", "blue"};
    static final StructType RAW = new StructType(new StructField[] {
        new StructField("id", DataTypes.IntegerType, false, Metadata.empty()),
        new StructField("x0", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("x1", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("color", DataTypes.StringType, false, Metadata.empty())});

    static org.apache.spark.sql.Dataset<Row> raw(Dataset d, String[] names) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            rows.add(RowFactory.create(i, (double) d.feature(i, 0), (double) d.feature(i, 1), names[d.label(i)]));
        }
        SparkSession s = SparkTestSession.get();
        return s.createDataFrame(SparkTestSession.jsc().parallelize(rows, 2), RAW);
    }

    static void writeCsv(Path file, Dataset d, String[] names) throws IOException {
        StringBuilder sb = new StringBuilder("x0,x1,color\n");
        for (int i = 0; i < d.size(); i++) {
            sb.append((double) d.feature(i, 0)).append(',').append((double) d.feature(i, 1)).append(',')
                    .append(names[d.label(i)]).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    static int cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertEquals(0, code, () -> "backprop " + String.join(" ", args) + " failed: " + err.toString(
                StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void aPipelineFitsSavesAndLoadsAndItsStageIsAModelFolderTheCommandLineReads(@TempDir Path tmp) throws Exception {
        TrainTest blobs = Synthetic.blobs(300, 150, 3, 2, 0.25, 3);
        org.apache.spark.sql.Dataset<Row> train = raw(blobs.train(), COLORS);
        org.apache.spark.sql.Dataset<Row> test = raw(blobs.test(), COLORS);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("color").setOutputCol("label"),
            new VectorAssembler().setInputCols(new String[] {"x0", "x1"}).setOutputCol("features"),
            new BackpropClassifier().setLayers(new int[] {2, 16, 3}).setBatchSize(16).setMaxEpochs(15)
                    .setSyncEvery(2).setSeed(3)});
        PipelineModel pm = pipeline.fit(train);
        org.apache.spark.sql.Dataset<Row> scored = pm.transform(test).orderBy("id").cache();
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy);

        Path saved = tmp.resolve("pipeline");
        pm.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        List<Row> before = scored.select("prediction", "probability").collectAsList();
        List<Row> after = loaded.transform(test).orderBy("id").select("prediction", "probability").collectAsList();
        assertEquals(before, after, "the loaded pipeline predicts the same");

        Path stage;
        try (Stream<Path> s = Files.list(saved.resolve("stages"))) {
            stage = s.filter(p -> p.getFileName().toString().contains("backpropClassifier")).findFirst().orElseThrow();
        }
        assertTrue(Files.isRegularFile(stage.resolve("model.json")));
        assertTrue(Files.isRegularFile(stage.resolve("model.safetensors")));
        Model core = Model.load(stage);
        String[] labels = ((StringIndexerModel) pm.stages()[0]).labelsArray()[0];
        assertEquals(Arrays.asList(labels), core.classNames(), "class names from the StringIndexer");
        assertEquals(List.of("x0", "x1"), core.featureNames(), "feature names from the VectorAssembler");
        float[][] rows = new float[blobs.test().size()][2];
        for (int i = 0; i < rows.length; i++) {
            rows[i][0] = blobs.test().feature(i, 0);
            rows[i][1] = blobs.test().feature(i, 1);
        }
        int[] corePredictions = core.predict(rows);
        List<String> sparkNames = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            int p = (int) before.get(i).getDouble(0);
            assertEquals(corePredictions[i], p, "row " + i);
            sparkNames.add(labels[p]);
            double[] prob = ((Vector) before.get(i).get(1)).toArray();
            float[] coreProb = core.predictProbabilities(new float[][] {rows[i]})[0];
            for (int c = 0; c < prob.length; c++) {
                assertEquals(coreProb[c], prob[c], 1e-6);
            }
        }

        Path csv = tmp.resolve("test.csv");
        writeCsv(csv, blobs.test(), COLORS);
        Path out = tmp.resolve("predictions.csv");
        cli("inspect", stage.toString());
        cli("predict", "--model", stage.toString(), "--input", csv.toString(), "--output", out.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(rows.length + 1, lines.size());
        for (int i = 0; i < rows.length; i++) {
            assertEquals(sparkNames.get(i), lines.get(i + 1).split(",")[0], "CLI prediction of row " + i);
        }
    }

    @Test
    void aModelTrainedByTheCommandLineScoresADataFrameAndSavesAsASparkModel(@TempDir Path tmp) throws Exception {
        TrainTest moons = Synthetic.moons(400, 200, 0.1, 5);
        String[] names = {"left", "right"};
        Path csv = tmp.resolve("moons.csv");
        writeCsv(csv, moons.train(), names);
        Path run = tmp.resolve("run");
        cli("train", "--data", csv.toString(), "--label-column", "color", "--layers", "2-16-2", "--epochs", "5",
                "--out", run.toString());
        Model m = Model.load(run);
        BackpropClassificationModel spark = BackpropClassificationModel.fromModel(m);
        assertEquals(2, spark.numClasses());
        assertEquals(2, spark.numFeatures());
        org.apache.spark.sql.Dataset<Row> frame = TestData.frame(moons.test(), 2);
        List<Row> scored = spark.transform(frame).select("prediction", "probability").collectAsList();
        float[][] rows = new float[moons.test().size()][2];
        for (int i = 0; i < rows.length; i++) {
            rows[i][0] = moons.test().feature(i, 0);
            rows[i][1] = moons.test().feature(i, 1);
        }
        int[] want = m.predict(rows);
        float[][] wantProb = m.predictProbabilities(rows);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(want[i], (int) scored.get(i).getDouble(0), "row " + i);
            assertEquals(wantProb[i][1], ((Vector) scored.get(i).get(1)).apply(1), 1e-6);
        }

        Path saved = tmp.resolve("spark-model");
        spark.write().save(saved.toString());
        BackpropClassificationModel back = BackpropClassificationModel.load(saved.toString());
        assertEquals(spark.uid(), back.uid());
        assertEquals(scored, back.transform(frame).select("prediction", "probability").collectAsList());
        assertEquals(m.classNames(), Model.load(saved).classNames());
    }
}
