package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Accuracy sanity on two spirals (1000 training, 500 test points, two partitions), measured by Spark's own
 * MulticlassClassificationEvaluator. The measurements of docs/spark.md (syncEvery against accuracy and time, and
 * Spark's MultilayerPerceptronClassifier on the same data) run only with {@code -Dbackprop.spark.measure=true}:
 * they take minutes, and times are printed, never asserted.
 */
class AccuracyTest {
    static org.apache.spark.sql.Dataset<Row> train;
    static org.apache.spark.sql.Dataset<Row> test;
    static final MulticlassClassificationEvaluator ACCURACY =
            new MulticlassClassificationEvaluator().setMetricName("accuracy");

    @BeforeAll
    static void data() {
        TrainTest spirals = Synthetic.spirals(1000, 500, 0.05, 7);
        train = TestData.frame(spirals.train(), 2).cache();
        test = TestData.frame(spirals.test(), 2).cache();
        train.count();
        test.count();
    }

    static BackpropClassifier spiralsClassifier() {
        return new BackpropClassifier().setLayers(new int[] {2, 64, 64, 2}).setBatchSize(32).setMaxEpochs(30)
                .setLearningRate(0.05).setMomentum(0.9).setSeed(1);
    }

    @Test
    void twoSpiralsAreLearned() {
        double accuracy = ACCURACY.evaluate(spiralsClassifier().fit(train).transform(test));
        assertTrue(accuracy > 0.9, "BackpropClassifier test accuracy " + accuracy);
    }

    @Test
    @EnabledIfSystemProperty(named = "backprop.spark.measure", matches = "true")
    void measureSyncEveryAndMlpc() {
        for (int h : new int[] {1, 4, 16}) {
            for (int rep = 0; rep < 2; rep++) {
                long t0 = System.nanoTime();
                BackpropClassificationModel m = spiralsClassifier().setSyncEvery(h).fit(train);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("MEASURE BackpropClassifier syncEvery %d: test accuracy %.4f, fit %.1f s%n", h,
                        ACCURACY.evaluate(m.transform(test)), s);
            }
        }
        long t0 = System.nanoTime();
        MultilayerPerceptronClassificationModel mlpc = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {2, 64, 64, 2}).setSeed(1L).fit(train);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MEASURE MultilayerPerceptronClassifier (defaults: sigmoid, l-bfgs, maxIter 100): test"
                + " accuracy %.4f, fit %.1f s%n", ACCURACY.evaluate(mlpc.transform(test)), s);
    }
}
