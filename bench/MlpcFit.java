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

    static List<Row> rows(Dataset d) {
        List<Row> rows = new ArrayList<>(d.size());
        for (int i = 0; i < d.size(); i++) {
            double[] v = new double[d.featureCount()];
            for (int j = 0; j < v.length; j++) {
                v[j] = d.feature(i, j);
            }
            rows.add(RowFactory.create(Vectors.dense(v), (double) d.label(i)));
        }
        return rows;
    }

    public static void main(String[] args) throws Exception {
        int maxIter = args.length > 0 ? Integer.parseInt(args[0]) : 100; // 100 is MLPC's default
        TrainTest fm = FashionMnist.load();
        SparkSession spark = SparkSession.builder().appName("mlpc-fashion-mnist").master("local[2]")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        var train = spark.createDataFrame(jsc.parallelize(rows(fm.train()), 2), SCHEMA).cache();
        var test = spark.createDataFrame(jsc.parallelize(rows(fm.test()), 2), SCHEMA).cache();
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
