package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.tensor.Tensor;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Early stopping on Spark follows Keras's rule on the validation rows' loss: training ends after {@code patience}
 * epochs in a row without a lower loss, and with restoreBest the model has the best epoch's weights. The expected
 * stop and best epoch are worked out here from a full run's validation history; the best epoch's weights are those
 * of a run of exactly that many epochs (training is deterministic).
 */
class EarlyStoppingTest {
    static final int MAX_EPOCHS = 10;
    static final int PATIENCE = 2;

    @Test
    void itStopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBestWeights() {
        TrainTest moons = Synthetic.moons(80, 200, 0.35, 9);
        org.apache.spark.sql.Dataset<Row> frame = TestData.frame(moons.train(), 2)
                .withColumn("isVal", functions.lit(false))
                .union(TestData.frame(moons.test(), 2).withColumn("isVal", functions.lit(true)));
        BackpropClassifier bp = new BackpropClassifier().setLayers(new int[] {2, 64, 64, 2}).setBatchSize(8)
                .setLearningRate(0.3).setMomentum(0.9).setMaxEpochs(MAX_EPOCHS).setSyncEvery(2).setSeed(3)
                .setValidationIndicatorCol("isVal");
        double[][] history = bp.fit(frame).validationHistory();
        assertEquals(MAX_EPOCHS, history.length);
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int bad = 0;
        int stop = MAX_EPOCHS;
        for (int e = 1; e <= MAX_EPOCHS; e++) {
            if (history[e - 1][0] < best) {
                best = history[e - 1][0];
                bestEpoch = e;
                bad = 0;
            } else if (++bad >= PATIENCE && e < MAX_EPOCHS) {
                stop = e;
                break;
            }
        }
        assertTrue(stop < MAX_EPOCHS, "the validation loss must stall in this setting for the test to say anything: "
                + java.util.Arrays.deepToString(history));

        BackpropClassificationModel stopped = bp.copy(new org.apache.spark.ml.param.ParamMap())
                .setEarlyStop(PATIENCE).setRestoreBest(true).fit(frame);
        assertEquals(stop, stopped.trainingLossHistory().length, "epochs run");
        Map<String, Tensor> restored = stopped.toModel().stateDict();
        Map<String, Tensor> atBest = bp.copy(new org.apache.spark.ml.param.ParamMap()).setMaxEpochs(bestEpoch)
                .fit(frame).toModel().stateDict();
        Map<String, Tensor> last = bp.copy(new org.apache.spark.ml.param.ParamMap()).setMaxEpochs(stop)
                .fit(frame).toModel().stateDict();
        boolean differsFromLast = false;
        for (String k : atBest.keySet()) {
            for (int i = 0; i < atBest.get(k).size(); i++) {
                assertEquals(Float.floatToIntBits((float) atBest.get(k).getFlat(i)),
                        Float.floatToIntBits((float) restored.get(k).getFlat(i)), k + "[" + i + "]");
                differsFromLast |= atBest.get(k).getFlat(i) != last.get(k).getFlat(i);
            }
        }
        assertTrue(bestEpoch < stop && differsFromLast, "the best epoch's weights are not the last epoch's");
    }
}
