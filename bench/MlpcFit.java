// Spark's MultilayerPerceptronClassifier on Fashion-MNIST, for bench/spark-vs-mlpc (not a test): fits
// 784-256-128-10 with MLPC's defaults (sigmoid hidden layers, softmax output, L-BFGS, maxIter 100, tol 1e-6,
// blockSize 128) on local[2] with 2 partitions, and prints one JSON object: test accuracy, fit seconds, iterations.
// Run by bench/spark-vs-mlpc with the backprop-spark classpath (source-file mode of the java launcher):
//   java -cp "$(cat backprop-spark/target/classpath.txt)" bench/MlpcFit.java [MAX_ITER]
// The data are read with backprop-core's IDX reader and scaled to [0, 1], as `backprop train` reads them.
import dev.backprop.data.Dataset;
import dev.backprop.data.FashionMnist;
import dev.backprop.data.TrainTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

public class MlpcFit {
    static final StructType SCHEMA = new StructType(new StructField[] {
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty())});

    /** The samples as compact arrays (broadcast once), as backprop spark train hands driver-side data to Spark. */
    record Samples(int n, int f, float[] x, int[] y) implements java.io.Serializable {
        static Samples of(Dataset d) {
            float[] x = new float[d.size() * d.featureCount()];
            int[] y = new int[d.size()];
            for (int i = 0; i < d.size(); i++) {
                for (int j = 0; j < d.featureCount(); j++) {
                    x[i * d.featureCount() + j] = d.feature(i, j);
                }
                y[i] = d.label(i);
            }
            return new Samples(d.size(), d.featureCount(), x, y);
        }
    }

    /**
     * A DataFrame of {@code k} partitions built from a broadcast: a DataFrame parallelized from a list of rows
     * would ship its rows inside every task of every L-BFGS iteration.
     */
    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d, int k) {
        var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        var data = jsc.broadcast(Samples.of(d));
        List<Integer> parts = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            parts.add(i);
        }
        var rows = jsc.parallelize(parts, k).flatMap(i -> {
            Samples s = data.value();
            List<Row> out = new ArrayList<>();
            for (int r = (int) ((long) i * s.n() / k); r < (int) ((long) (i + 1) * s.n() / k); r++) {
                double[] v = new double[s.f()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = s.x()[r * s.f() + j];
                }
                out.add(RowFactory.create(Vectors.dense(v), (double) s.y()[r]));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, SCHEMA);
    }

    public static void main(String[] args) throws Exception {
        int maxIter = args.length > 0 ? Integer.parseInt(args[0]) : 100; // 100 is MLPC's default
        TrainTest fm = FashionMnist.load();
        SparkSession spark = SparkSession.builder().appName("mlpc-fashion-mnist").master("local[2]")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        var train = frame(spark, fm.train(), 2).cache();
        var test = frame(spark, fm.test(), 2).cache();
        train.count();
        test.count();
        MultilayerPerceptronClassifier mlpc = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {784, 256, 128, 10}).setMaxIter(maxIter).setSeed(1L);
        long t0 = System.nanoTime();
        MultilayerPerceptronClassificationModel m = mlpc.fit(train);
        double fit = (System.nanoTime() - t0) / 1e9;
        double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(m.transform(test));
        int iterations = m.summary().totalIterations();
        System.out.printf(Locale.ROOT, "{\"test_accuracy\": %.4f, \"fit_seconds\": %.1f, \"iterations\": %d,"
                + " \"max_iter\": %d}%n", acc, fit, iterations, maxIter);
        spark.stop();
    }
}
