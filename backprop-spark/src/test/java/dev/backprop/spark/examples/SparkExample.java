package dev.backprop.spark.examples;

import dev.backprop.Model;
import dev.backprop.spark.BackpropClassificationModel;
import dev.backprop.spark.BackpropClassifier;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The README's Spark example, compiled and run by {@code SparkExampleTest}: a Pipeline with the classifier, fitted,
 * scored with Spark's evaluator, saved, and a Backprop model folder scoring a DataFrame. The part between the README
 * markers is copied into the README verbatim (the test checks that they agree).
 */
public final class SparkExample {
    /** The test accuracy of the last run. */
    public static double lastAccuracy;
    /** The predictions of the last run's model loaded from a folder, on the test rows. */
    public static Dataset<Row> lastScored;

    private SparkExample() {
    }

    /**
     * Runs the example.
     *
     * @param train rows with numeric columns a, b, c, d and a string column species
     * @param test rows of the same columns
     * @param dir where the pipeline is saved
     * @param modelDir a Backprop model folder with inputs a, b, c, d (a run folder of {@code backprop train})
     * @return the fitted pipeline
     * @throws IOException when a file cannot be written or read
     */
    public static PipelineModel run(Dataset<Row> train, Dataset<Row> test, Path dir, Path modelDir)
            throws IOException {
        // README:begin
        BackpropClassifier bp = new BackpropClassifier()
                .setLayers(new int[] {4, 32, 3})             // input features, hidden..., classes
                .setOptimizer("sgd").setLearningRate(0.05).setMomentum(0.9)
                .setBatchSize(32)                            // per partition: the global batch is 32 x partitions
                .setSyncEvery(4)                             // local steps between averaging rounds (1: exact SGD)
                .setMaxEpochs(20).setSeed(7);
        VectorAssembler assembler = new VectorAssembler()
                .setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("features");
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("species").setOutputCol("label"), assembler, bp}).fit(train);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(test));
        model.write().overwrite().save(dir.resolve("pipeline").toString()); // its classifier stage folder holds
                                                                           // model.json + model.safetensors
        Model trained = Model.load(modelDir);                // a run folder of `backprop train`, or such a stage folder
        Dataset<Row> scored = BackpropClassificationModel.fromModel(trained).transform(assembler.transform(test));
        // README:end
        lastAccuracy = accuracy;
        lastScored = scored;
        return model;
    }
}
