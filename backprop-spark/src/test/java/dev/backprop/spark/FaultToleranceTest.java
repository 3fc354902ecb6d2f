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

    /**
     * Past {@link DataParallel#directMax} partitions the round's sums are first summed in groups on the executors
     * (one shuffle); each group in partition order, so that a retried task, or tasks finishing in another order,
     * give the same bits. Seven partitions in groups of three, one first attempt failing: bit-identical weights, and
     * the same training as the direct sum up to the rounding of a different summation tree.
     */
    @Test
    void groupedSumsAreInPartitionOrderAndARetryChangesNoBit() {
        org.apache.spark.sql.Dataset<Row> frame = TestData.frame(Synthetic.moons(350, 0, 0.1, 3).train(), 7);
        BackpropClassifier bp = new BackpropClassifier().setLayers(new int[] {2, 16, 2}).setBatchSize(8)
                .setMaxEpochs(2).setSyncEvery(2).setSeed(5);
        Map<String, Tensor> direct = bp.fit(frame).toModel().stateDict();
        int before = DataParallel.directMax;
        DataParallel.directMax = 2;
        Map<String, Tensor> grouped;
        Map<String, Tensor> retried;
        AtomicInteger injected = new AtomicInteger();
        try {
            grouped = bp.fit(frame).toModel().stateDict();
            DataParallel.faults = (partition, round) -> {
                if (partition == 4 && round == 2) {
                    injected.incrementAndGet();
                    return true;
                }
                return false;
            };
            retried = bp.fit(frame).toModel().stateDict();
        } finally {
            DataParallel.faults = null;
            DataParallel.directMax = before;
        }
        assertEquals(1, injected.get(), "one first attempt failed");
        double worst = 0;
        for (String k : grouped.keySet()) {
            Tensor a = grouped.get(k);
            Tensor b = retried.get(k);
            Tensor d = direct.get(k);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(Float.floatToIntBits((float) a.getFlat(i)), Float.floatToIntBits((float) b.getFlat(i)),
                        k + "[" + i + "]");
                worst = Math.max(worst, Math.abs(a.getFlat(i) - d.getFlat(i)) / Math.max(1e-3, Math.abs(d.getFlat(i))));
            }
        }
        assertTrue(worst < 1e-4, "grouped against direct sums: relative difference " + worst);
    }
}
