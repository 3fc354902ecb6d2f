package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.Synthetic;
import dev.backprop.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A task that fails and is retried gives the same result: the first attempt of one partition's task in one round
 * throws (the shared session allows one retry per task, {@code local[2,2]}), and the final weights equal those of
 * an undisturbed run bit for bit.
 */
class FaultToleranceTest {
    @Test
    void aRetriedTaskGivesBitIdenticalWeights() {
        org.apache.spark.sql.Dataset<Row> frame = TestData.frame(Synthetic.moons(200, 0, 0.1, 3).train(), 2);
        BackpropClassifier bp = new BackpropClassifier().setLayers(new int[] {2, 16, 2}).setBatchSize(16)
                .setMaxEpochs(3).setSyncEvery(2).setDropout(0.1).setSeed(4);
        Map<String, Tensor> undisturbed = bp.fit(frame).toModel().stateDict();
        AtomicInteger injected = new AtomicInteger();
        DataParallel.faults = (partition, round) -> {
            if (partition == 1 && round == 3) {
                injected.incrementAndGet();
                return true;
            }
            return false;
        };
        Map<String, Tensor> retried;
        try {
            retried = bp.fit(frame).toModel().stateDict();
        } finally {
            DataParallel.faults = null;
        }
        assertEquals(1, injected.get(), "one first attempt failed");
        assertEquals(undisturbed.keySet(), retried.keySet());
        for (String k : undisturbed.keySet()) {
            Tensor a = undisturbed.get(k);
            Tensor b = retried.get(k);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(Float.floatToIntBits((float) a.getFlat(i)), Float.floatToIntBits((float) b.getFlat(i)),
                        k + "[" + i + "]");
            }
        }
        assertTrue(undisturbed.get("0.weight").size() > 0);
    }
}
