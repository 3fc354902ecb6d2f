package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Accuracy sanity on two spirals (1000 training, 500 test points), measured by Spark's own evaluator, beside Spark's
 * MultilayerPerceptronClassifier with the same layers and its defaults. Times are printed, never asserted.
 */
class AccuracyTest {
    @Test
    void twoSpiralsAreLearnedAndMlpcIsReportedAlongside() {
        TrainTest spirals = Synthetic.spirals(1000, 500, 0.05, 7);
        org.apache.spark.sql.Dataset<Row> train = TestData.frame(spirals.train(), 2).cache();
        org.apache.spark.sql.Dataset<Row> test = TestData.frame(spirals.test(), 2).cache();
        train.count();
        test.count();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");

        long t0 = System.nanoTime();
        BackpropClassificationModel bp = new BackpropClassifier().setLayers(new int[] {2, 64, 64, 2})
                .setBatchSize(32).setMaxEpochs(30).setLearningRate(0.05).setMomentum(0.9).setSeed(1).fit(train);
        double bpSeconds = (System.nanoTime() - t0) / 1e9;
        double bpAccuracy = accuracy.evaluate(bp.transform(test));

        t0 = System.nanoTime();
        MultilayerPerceptronClassificationModel mlpc = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {2, 64, 64, 2}).setSeed(1L).fit(train);
        double mlpcSeconds = (System.nanoTime() - t0) / 1e9;
        double mlpcAccuracy = accuracy.evaluate(mlpc.transform(test));

        System.out.printf("two spirals, local[2], 2 partitions: BackpropClassifier test accuracy %.4f in %.1f s"
                + " (30 epochs, syncEvery %d); MultilayerPerceptronClassifier (defaults) %.4f in %.1f s%n",
                bpAccuracy, bpSeconds, BackpropClassifier.DEFAULT_SYNC_EVERY, mlpcAccuracy, mlpcSeconds);
        assertTrue(bpAccuracy > 0.9, "BackpropClassifier test accuracy " + bpAccuracy);
    }
}
