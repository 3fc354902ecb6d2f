package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Checks that {@link Parallel} runs every task once, on at most the set number of threads, and nests inline. */
class ParallelTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void everyTaskRunsExactlyOnce() {
        Parallel.setThreads(3);
        AtomicIntegerArray runs = new AtomicIntegerArray(1000);
        Parallel.parallelFor(1000, runs::incrementAndGet);
        for (int i = 0; i < 1000; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
    }

    @Test
    void usesAtMostTheSetNumberOfThreadsAndTheCallerTakesPart() {
        Parallel.setThreads(2);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 20; rep++) {
            Parallel.parallelFor(64, i -> {
                seen.add(Thread.currentThread());
                Thread.onSpinWait();
            });
        }
        assertTrue(seen.size() <= 2, "threads used: " + seen);
        for (Thread t : seen) {
            assertTrue(t == Thread.currentThread() || t.isDaemon(), t + " should be a daemon");
        }
    }

    @Test
    void nestedCallsRunInlineOnTheSameThread() {
        Parallel.setThreads(2);
        AtomicIntegerArray inner = new AtomicIntegerArray(4 * 8);
        Parallel.parallelFor(4, i -> {
            Thread outer = Thread.currentThread();
            assertTrue(Parallel.inTask());
            Parallel.parallelFor(8, j -> {
                assertSame(outer, Thread.currentThread());
                inner.incrementAndGet(i * 8 + j);
            });
        });
        for (int i = 0; i < 32; i++) {
            assertEquals(1, inner.get(i));
        }
        assertTrue(!Parallel.inTask());
    }

    @Test
    void aFailingTaskRethrowsInTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.parallelFor(10, i -> {
            if (i == 7) {
                throw new IllegalStateException("task 7 failed");
            }
        }));
        assertEquals("task 7 failed", e.getMessage());
        assertTrue(!Parallel.inTask());
    }

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        Parallel.setThreads(5);
        assertEquals(5, Parallel.threads());
    }
}
