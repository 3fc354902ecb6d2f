package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark ML conventions: params as zero-argument methods, fluent setters, validation, copy, save and load. */
class ClassifierParamsTest {
    @Test
    void everyParamIsListedAndEverySetterReturnsThis() {
        BackpropClassifier bp = new BackpropClassifier();
        Set<String> names = Arrays.stream(bp.params()).map(Param::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("layers", "activation", "init", "optimizer", "learningRate", "momentum",
                "batchSize", "maxEpochs", "l1", "l2", "dropout", "batchNorm", "seed", "syncEvery", "dtype",
                "featuresCol", "labelCol", "predictionCol", "probabilityCol")), names.toString());
        assertSame(bp, bp.setLayers(new int[] {3, 8, 2}).setActivation("tanh").setInit("xavier-normal")
                .setOptimizer("adam").setLearningRate(0.01).setMomentum(0.5).setBatchSize(7).setMaxEpochs(3)
                .setL1(1e-4).setL2(1e-3).setDropout(0.1).setBatchNorm(true).setSeed(9).setSyncEvery(5)
                .setDtype("f64"));
        assertSame(bp, bp.setFeaturesCol("f").setLabelCol("y").setPredictionCol("p").setProbabilityCol("q"));
        assertArrayEquals(new int[] {3, 8, 2}, bp.getLayers());
        assertEquals("tanh", bp.getActivation());
        assertEquals(7, bp.getBatchSize());
        assertEquals(5, bp.getSyncEvery());
        assertEquals(new Regularizer.ElasticNet(1e-4, 1e-3), bp.regularizer());
        assertEquals(OptimizerSpec.Adam.lr(0.01), bp.optimizerSpec());
        assertEquals(OptimizerSpec.Sgd.lr(0.05).momentum(0.9), new BackpropClassifier().optimizerSpec());
    }

    @Test
    void invalidValuesAreRejectedWhenSet() {
        BackpropClassifier bp = new BackpropClassifier();
        assertThrows(IllegalArgumentException.class, () -> bp.setLayers(new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> bp.setActivation("swishy"));
        assertThrows(IllegalArgumentException.class, () -> bp.setOptimizer("lbfgs"));
        assertThrows(IllegalArgumentException.class, () -> bp.setInit("gaussian"));
        assertThrows(IllegalArgumentException.class, () -> bp.setBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> bp.setSyncEvery(0));
        assertThrows(IllegalArgumentException.class, () -> bp.setDropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> bp.setDtype("f16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bp.fit(TestData.frame(dev.backprop.data.Synthetic.xor(20, 0, 0.1, 1).train(), 1)));
        assertTrue(e.getMessage().contains("setLayers"), e.getMessage());
    }

    @Test
    void copyKeepsTheUidAndParamsAndSaveLoadRoundTrips(@TempDir Path tmp) throws Exception {
        BackpropClassifier bp = new BackpropClassifier().setLayers(new int[] {2, 5, 2}).setMaxEpochs(4)
                .setSyncEvery(3);
        BackpropClassifier copy = bp.copy(new ParamMap().put(bp.maxEpochs(), 6));
        assertEquals(bp.uid(), copy.uid());
        assertEquals(6, copy.getMaxEpochs());
        assertEquals(4, bp.getMaxEpochs());
        String dir = tmp.resolve("bp").toString();
        SparkTestSession.get();
        bp.write().save(dir);
        BackpropClassifier back = BackpropClassifier.load(dir);
        assertEquals(bp.uid(), back.uid());
        assertArrayEquals(new int[] {2, 5, 2}, back.getLayers());
        assertEquals(3, back.getSyncEvery());
        assertEquals(bp.getSeed(), back.getSeed());
    }
}
