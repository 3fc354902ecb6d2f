package dev.backprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.init.Init;
import org.junit.jupiter.api.Test;

class WarmupTest {
    @Test
    void aWarmUpTouchesNoRandomStateAndStopsWhenClosedOrAtItsLimit() throws InterruptedException {
        Init.manualSeed(5);
        long expected = Init.nextSeed();
        Init.manualSeed(5);
        try (Warmup w = Warmup.start(new int[] {32, 16, 4}, ActivationKind.TANH, 8, 60_000)) {
            // it keeps training epoch after epoch until closed (a warm-up that fails on its first pass compiles
            // nothing)
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (w.epochs() < 5 && w.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (w.failure() != null) {
                throw new AssertionError("the warm-up failed", w.failure());
            }
            assertTrue(w.epochs() >= 5, "warm-up epochs run: " + w.epochs());
        }
        assertEquals(expected, Init.nextSeed(), "the seed stream is untouched");
        Warmup limited = Warmup.start(new int[] {8, 4}, ActivationKind.RELU, 4, 50);
        long t0 = System.nanoTime();
        limited.close();
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "close returns");
    }
}
