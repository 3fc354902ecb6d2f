package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.Model;
import dev.backprop.cli.Main;
import dev.backprop.cli.SparkMain;
import dev.backprop.data.Dataset;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backprop spark train} end to end, in-process on the tests' shared session: a CSV file and a Parquet file
 * train into run folders that {@code backprop eval|predict|train --config} read; unsupported or ill-fitting flags
 * are usage errors naming the flag.
 */
class SparkCliTest {
    static final String[] COLORS = {"red", "green", "blue"};

    record Result(int code, String out, String err) {
    }

    static Result spark(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result backprop(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void ok(Result r, String what) {
        assertEquals(0, r.code(), () -> what + " failed: " + r.err());
    }

    static List<EpochMetrics> epochs(Path run) throws Exception {
        List<EpochMetrics> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (MetricsJson.parseLine(line) instanceof EpochMetrics e) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void aCsvFileTrainsIntoARunFolderThatTheCommandLineReads(@TempDir Path tmp) throws Exception {
        TrainTest blobs = Synthetic.blobs(300, 150, 3, 2, 0.25, 3);
        Path csv = tmp.resolve("blobs.csv");
        PipelineInteropTest.writeCsv(csv, blobs.train(), COLORS);
        Path run = tmp.resolve("run");
        Result r = spark("spark", "train", "--master", "local[2]", "--data", csv.toString(), "--label-column", "color",
                "--val-split", "0.25", "--layers", "2-16-3", "--epochs", "4", "--batch", "16", "--sync-every", "2",
                "--out", run.toString(), "--json");
        ok(r, "spark train");
        JsonNode summary = MetricsJson.mapper().readTree(r.out());
        for (String f : List.of("config.json", "spark.json", "initial.safetensors", "metrics.jsonl", "findings.json",
                "model.json", "model.safetensors", "report.html")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        List<EpochMetrics> epochs = epochs(run);
        assertEquals(4, epochs.size());
        // a --val-split hold-out is "validation" in the summary, as in backprop train's
        assertEquals(epochs.getLast().testAccuracy(), summary.get("validation_accuracy").asDouble(), 1e-12);
        assertTrue(summary.get("test_accuracy") == null, r.out());
        assertEquals(epochs.getLast().trainAccuracy(), summary.get("train_accuracy").asDouble(), 1e-12);
        assertTrue(epochs.getLast().trainAccuracy() > 0.5, "the training accuracy is recorded");
        assertEquals(2, summary.get("sync_every").asInt());
        // evaluation.json: Spark's count of the final model's predictions on the held-out rows, which must agree with
        // the accuracy the executors measured after the last epoch; and the report shows it and spark.json
        JsonNode ev = MetricsJson.mapper().readTree(run.resolve("evaluation.json").toFile());
        assertEquals("validation", ev.get("set").asText());
        assertEquals(epochs.getLast().testAccuracy(), ev.get("accuracy").asDouble(), 1e-12);
        long total = 0;
        for (JsonNode row : ev.get("confusion")) {
            for (JsonNode v : row) {
                total += v.asLong();
            }
        }
        assertEquals(ev.get("samples").asLong(), total);
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(!html.contains("No confusion matrix") && html.contains("sync every"), "report with Spark settings");

        // the model file: class names and feature names of the CSV, as `backprop train` writes them
        Model m = Model.load(run);
        assertEquals(List.of("blue", "green", "red"), m.classNames(), "CsvReader's class order");
        assertEquals(List.of("x0", "x1"), m.featureNames());
        // backprop eval of the run on a test file gives the saved model's accuracy on it
        Path test = tmp.resolve("test.csv");
        PipelineInteropTest.writeCsv(test, blobs.test(), COLORS);
        Result eval = backprop("eval", "--model", run.toString(), "--data", test.toString(), "--label-column", "color",
                "--json");
        ok(eval, "eval");
        float[][] rows = features(blobs.test());
        int[] predicted = m.predict(rows);
        int hits = 0;
        for (int i = 0; i < rows.length; i++) {
            hits += m.classNames().get(predicted[i]).equals(COLORS[blobs.test().label(i)]) ? 1 : 0;
        }
        assertEquals(hits / (double) rows.length, MetricsJson.mapper().readTree(eval.out()).get("accuracy").asDouble(),
                1e-12);
        assertTrue(hits / (double) rows.length > 0.8, "it learned: " + hits);
        ok(backprop("report", run.toString()), "report");
        // config.json is train's configuration: the same run again on one machine
        ok(backprop("train", "--config", run.resolve("config.json").toString(), "--epochs", "1", "--out",
                tmp.resolve("again").toString()), "train --config");
    }

    @Test
    void aParquetFileOfNumericColumnsAndStringLabelsTrainsWithAParquetTestSet(@TempDir Path tmp) throws Exception {
        TrainTest moons = Synthetic.moons(300, 100, 0.1, 5);
        Path train = tmp.resolve("train.parquet");
        Path test = tmp.resolve("test.parquet");
        parquet(moons.train(), train);
        parquet(moons.test(), test);
        Path run = tmp.resolve("run");
        Result r = spark("spark", "train", "--data", train.toString(), "--test", test.toString(), "--label-column",
                "kind", "--layers", "2-16-16-2", "--epochs", "6", "--batch", "16", "--sync-every", "4",
                "--partitions", "2", "--normalize", "standard", "--schedule", "cosine", "--clip-norm", "5",
                "--out", run.toString());
        ok(r, "spark train on Parquet");
        assertTrue(r.out().contains("run folder: " + run), r.out());
        Model m = Model.load(run);
        // --normalize standard: the training columns' mean and population standard deviation, computed here
        double[][] norm = m.normalizer().parameters();
        for (int j = 0; j < 2; j++) {
            double mean = 0;
            double sq = 0;
            int n = moons.train().size();
            for (int i = 0; i < n; i++) {
                mean += moons.train().feature(i, j);
            }
            mean /= n;
            for (int i = 0; i < n; i++) {
                double d = moons.train().feature(i, j) - mean;
                sq += d * d;
            }
            assertEquals(mean, norm[0][j], 1e-9, "mean of column " + j);
            assertEquals(Math.sqrt(sq / n), norm[1][j], 1e-9, "population std of column " + j);
        }
        assertEquals(List.of("a", "b"), m.featureNames(), "the numeric columns, in file order");
        assertEquals(List.of("left", "right"), m.classNames(), "string labels in alphabetical order");
        EpochMetrics last = epochs(run).getLast();
        assertEquals(last.testAccuracy(), accuracy(m, moons.test()), 1e-12,
                "validation accuracy = the model's accuracy on the --test file");
        // predict finds the columns by name, in any order
        Path csv = tmp.resolve("new.csv");
        StringBuilder sb = new StringBuilder("b,a\n");
        float[][] rows = features(moons.test());
        for (float[] row : rows) {
            sb.append(row[1]).append(',').append(row[0]).append('\n');
        }
        Files.writeString(csv, sb.toString());
        Path out = tmp.resolve("pred.csv");
        ok(backprop("predict", "--model", run.toString(), "--input", csv.toString(), "--output", out.toString()),
                "predict");
        List<String> lines = Files.readAllLines(out);
        int[] want = m.predict(rows);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(m.classNames().get(want[i]), lines.get(i + 1).split(",")[0], "row " + i);
        }
    }

    @Test
    void unsupportedOrIllFittingFlagsAreUsageErrorsNamingTheFlag(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("blobs.csv");
        PipelineInteropTest.writeCsv(csv, Synthetic.blobs(60, 10, 3, 2, 0.25, 3).train(), COLORS);
        Result loss = spark("spark", "train", "--data", csv.toString(), "--label-column", "color", "--loss",
                "mse", "--out", tmp.resolve("a").toString());
        assertEquals(2, loss.code());
        assertTrue(loss.err().contains("--loss mse"), loss.err());
        Result init = spark("spark", "train", "--data", csv.toString(), "--label-column", "color", "--init-from",
                tmp.resolve("none.safetensors").toString(), "--out", tmp.resolve("a").toString());
        assertEquals(2, init.code());
        assertTrue(init.err().contains("--init-from") && init.err().contains("none.safetensors"), init.err());
        Result schedule = spark("spark", "train", "--data", csv.toString(), "--label-column", "color", "--schedule",
                "sometimes", "--out", tmp.resolve("a").toString());
        assertEquals(2, schedule.code());
        assertTrue(schedule.err().contains("--schedule") && schedule.err().contains("sometimes"), schedule.err());
        Result layers = spark("spark", "train", "--data", csv.toString(), "--label-column", "color", "--layers",
                "3-8-3", "--out", tmp.resolve("b").toString());
        assertEquals(2, layers.code());
        assertTrue(layers.err().contains("--layers 3-8-3") && layers.err().contains("2 features"), layers.err());
        Result sync = spark("spark", "train", "--data", csv.toString(), "--sync-every", "0");
        assertEquals(2, sync.code());
        assertTrue(sync.err().contains("--sync-every"), sync.err());
        assertTrue(!Files.exists(tmp.resolve("a")) && !Files.exists(tmp.resolve("b")), "nothing written");
    }

    static void parquet(Dataset d, Path file) {
        StructType schema = new StructType(new StructField[] {
            new StructField("kind", DataTypes.StringType, false, Metadata.empty()),
            new StructField("a", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("b", DataTypes.FloatType, false, Metadata.empty())});
        List<Row> rows = new ArrayList<>();
        String[] names = {"left", "right"};
        for (int i = 0; i < d.size(); i++) {
            rows.add(RowFactory.create(names[d.label(i)], (double) d.feature(i, 0), d.feature(i, 1)));
        }
        SparkTestSession.get().createDataFrame(rows, schema).write().parquet(file.toString());
    }

    static float[][] features(Dataset d) {
        float[][] rows = new float[d.size()][d.featureCount()];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < d.featureCount(); j++) {
                rows[i][j] = d.feature(i, j);
            }
        }
        return rows;
    }

    static double accuracy(Model m, Dataset d) {
        int[] p = m.predict(features(d));
        int hits = 0;
        for (int i = 0; i < p.length; i++) {
            hits += p[i] == d.label(i) ? 1 : 0;
        }
        return hits / (double) p.length;
    }
}
