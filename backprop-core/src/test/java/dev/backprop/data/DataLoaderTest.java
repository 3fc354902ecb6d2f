package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backprop.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    private static List<Integer> visit(DataLoader loader, int epoch) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            for (int i : b.indices()) {
                seen.add(i);
            }
        }
        return seen;
    }

    @Test
    void everyEpochVisitsEachSampleOnce() {
        DataLoader loader = DataLoader.shuffled(DatasetTest.counting(103), 10, 42);
        assertEquals(11, loader.batchCount());
        for (int e = 0; e < 3; e++) {
            List<Integer> seen = visit(loader, e);
            assertEquals(103, seen.size());
            List<Integer> sorted = new ArrayList<>(seen);
            sorted.sort(null);
            for (int i = 0; i < 103; i++) {
                assertEquals(i, sorted.get(i));
            }
        }
    }

    @Test
    void shuffleDependsOnlyOnSeedAndEpoch() {
        Dataset d = DatasetTest.counting(50);
        DataLoader a = DataLoader.shuffled(d, 8, 5);
        List<Integer> e0 = visit(a, 0);
        List<Integer> e3 = visit(a, 3);
        assertFalse(e0.equals(e3), "epochs 0 and 3 should differ");
        // A fresh loader resumed at epoch 3 (nothing iterated before) sees the same order.
        DataLoader resumed = DataLoader.shuffled(d, 8, 5);
        assertEquals(e3, visit(resumed, 3));
        assertEquals(e0, visit(a, 0));
        assertFalse(e0.equals(visit(DataLoader.shuffled(d, 8, 6), 0)), "another seed should give another order");
        assertArrayEquals(DataLoader.permutation(50, 5, 3), a.order(3));
    }

    @Test
    void sequentialLoaderKeepsDatasetOrder() {
        DataLoader loader = DataLoader.sequential(DatasetTest.counting(7), 3);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), visit(loader, 0));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), visit(loader, 9));
    }

    @Test
    void dropLastSkipsTheShortBatch() {
        DataLoader loader = DataLoader.sequential(DatasetTest.counting(7), 3).withDropLast(true);
        assertEquals(2, loader.batchCount());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), visit(loader, 0));
        List<Integer> sizes = new ArrayList<>();
        for (Batch b : DataLoader.sequential(DatasetTest.counting(7), 3).epoch(0)) {
            sizes.add(b.size());
        }
        assertEquals(List.of(3, 3, 1), sizes);
    }

    @Test
    void batchesHoldTheRowsAndLabelsOfTheirIndices() {
        Dataset d = DatasetTest.counting(20);
        for (DType dtype : DType.values()) {
            for (Batch b : DataLoader.shuffled(d, 6, 1).withDType(dtype).epoch(2)) {
                assertEquals(dtype, b.features().dtype());
                assertEquals(List.of(b.size(), 2), List.of(b.features().dim(0), b.features().dim(1)));
                assertNull(b.targets());
                for (int i = 0; i < b.size(); i++) {
                    int s = b.indices()[i];
                    assertEquals(s, b.features().get(i, 0), 0);
                    assertEquals(10 * s, b.features().get(i, 1), 0);
                    assertEquals(s % 3, b.labels()[i]);
                }
            }
        }
    }

    /**
     * Batches of more than {@code 2 · PARALLEL_ELEMENTS} feature values are filled in row ranges over the threads:
     * with 1 and 2 threads, in F32 and F64, for byte pixels and for float features with targets, and for a short
     * final batch, every row holds exactly its sample (pixels b / 255f) and its label or targets.
     */
    @Test
    void batchesSplitOverThreadsHoldExactlyTheirRows() {
        int f = 784;
        int rows = 301;
        byte[] px = new byte[rows * f];
        float[] feats = new float[rows * f];
        int[] labels = new int[rows];
        float[] targets = new float[rows * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 31 + i / f * 7);
            feats[i] = (float) Math.sin(0.37 * i);
        }
        for (int r = 0; r < rows; r++) {
            labels[r] = r % 10;
            for (int j = 0; j < 3; j++) {
                targets[r * 3 + j] = r * 3 + j + 0.5f;
            }
        }
        Dataset u8 = Dataset.classificationU8(px, f, labels, 10);
        Dataset fl = Dataset.regression(feats, f, targets, 3);
        int batch = 2 * DataLoader.PARALLEL_ELEMENTS / f + 29; // above the threshold; 301 rows leave a short tail
        int saved = dev.backprop.kernel.Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                dev.backprop.kernel.Parallel.setThreads(threads);
                for (DType dtype : DType.values()) {
                    for (Batch b : DataLoader.shuffled(u8, batch, 9).withDType(dtype).epoch(1)) {
                        for (int i = 0; i < b.size(); i++) {
                            int s = b.indices()[i];
                            for (int j = 0; j < f; j++) {
                                float want = (px[s * f + j] & 0xFF) / 255f;
                                if (b.features().get(i, j) != want) {
                                    throw new AssertionError("sample " + s + " pixel " + j + " " + dtype + " with "
                                            + threads + " threads: " + b.features().get(i, j) + ", want " + want);
                                }
                            }
                            assertEquals(s % 10, b.labels()[i]);
                        }
                    }
                    for (Batch b : DataLoader.shuffled(fl, batch, 9).withDType(dtype).epoch(1)) {
                        for (int i = 0; i < b.size(); i++) {
                            int s = b.indices()[i];
                            for (int j = 0; j < f; j++) {
                                if (b.features().get(i, j) != feats[s * f + j]) {
                                    throw new AssertionError("sample " + s + " feature " + j + " " + dtype
                                            + " with " + threads + " threads");
                                }
                            }
                            for (int j = 0; j < 3; j++) {
                                assertEquals(targets[s * 3 + j], b.targets().get(i, j), 0);
                            }
                        }
                    }
                }
            }
        } finally {
            dev.backprop.kernel.Parallel.setThreads(saved);
        }
    }

    @Test
    void regressionBatchesCarryTargets() {
        Dataset d = Dataset.regression(new float[] {0, 1, 2, 3}, 1, new float[] {0, 10, 20, 30, 40, 50, 60, 70}, 2);
        for (Batch b : DataLoader.shuffled(d, 3, 4).epoch(0)) {
            assertNull(b.labels());
            for (int i = 0; i < b.size(); i++) {
                int s = b.indices()[i];
                assertEquals(20 * s, b.targets().get(i, 0), 0);
                assertEquals(20 * s + 10, b.targets().get(i, 1), 0);
            }
        }
    }

    @Test
    void fullBatchBuffersAreReused() {
        DataLoader loader = DataLoader.shuffled(DatasetTest.counting(40), 8, 3);
        List<Batch> batches = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            for (Batch b : loader.epoch(e)) {
                batches.add(b);
            }
        }
        for (Batch b : batches) {
            assertSame(batches.get(0), b);
        }
        assertTrue(Arrays.stream(batches.get(0).indices()).allMatch(i -> i >= 0 && i < 40));
    }

    @Test
    void steadyStateEpochsAllocateAlmostNothing() {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean b && b.isThreadAllocatedMemoryEnabled());
        var threads = (com.sun.management.ThreadMXBean) bean;
        byte[] px = new byte[1000 * 784];
        Dataset d = Dataset.classificationU8(px, 784, new int[1000], 10);
        DataLoader loader = DataLoader.shuffled(d, 64, 1);
        long sink = 0;
        long id = Thread.currentThread().threadId();
        // warm-up: the first epoch allocates the batch buffers; the byte conversion's vector loop allocates its
        // vectors until the JIT compiles it, so epochs run until one allocates nothing (at most 20 s)
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int e = 100; System.nanoTime() < deadline; e++) {
            long start = threads.getThreadAllocatedBytes(id);
            for (Batch b : loader.epoch(e)) {
                sink += b.labels()[0];
            }
            if (threads.getThreadAllocatedBytes(id) - start < 1024) {
                break;
            }
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int e = 1; e <= 5; e++) {
            for (Batch b : loader.epoch(e)) {
                sink += b.labels()[0];
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // One batch of features alone is 64 * 784 * 4 = 200 KB; 5 epochs of 16 batches must not allocate per batch.
        assertTrue(allocated < 16_384, "5 epochs allocated " + allocated + " bytes");
        assertEquals(0, sink);
    }
}
