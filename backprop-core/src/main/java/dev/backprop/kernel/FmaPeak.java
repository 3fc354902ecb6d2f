package dev.backprop.kernel;

import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A short measurement of this machine's F32 fused multiply-add peak as the JVM reaches it: each thread runs
 * independent chains of vector {@code fma} on registers only (no memory traffic), so the figure is the ceiling any
 * kernel of this library can approach. Benchmarks divide what they achieve by it.
 */
public final class FmaPeak {
    private FmaPeak() {
    }

    /**
     * Measures the F32 FMA peak with {@code threads} threads running at once, the best of a few rounds of about
     * {@code millis} each (after one warm-up round).
     *
     * @param threads the number of threads, &ge; 1
     * @param millis the approximate length of one round in milliseconds, &ge; 1
     * @return the peak in GFLOP/s (a multiply-add counts as two operations), or NaN without the Vector API
     * @throws IllegalArgumentException if an argument is below 1
     */
    public static double gflops(int threads, int millis) {
        if (threads < 1 || millis < 1) {
            throw new IllegalArgumentException("threads and millis must be at least 1, got " + threads + ", " + millis);
        }
        if (!Gemm.VECTORIZED) {
            return Double.NaN;
        }
        // let the JIT compile the loop (interpreted, the Vector API is a thousand times slower), then calibrate the
        // iterations of one round on one thread
        // (for at least 1 s, since the optimizing compile lands in the background while the interpreted or first-tier
        // code keeps running, and then until five calls in a row are no faster than the best; at most 10 s)
        double bestRate = 0;
        int stale = 0;
        long start = System.nanoTime();
        long deadline = start + 10_000_000_000L;
        while ((stale < 5 || System.nanoTime() - start < 1_000_000_000L) && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            Lanes.sink(Lanes.chains(4096));
            double rate = 1.0 / Math.max(1, System.nanoTime() - t0);
            if (rate > bestRate * 1.05) {
                bestRate = rate;
                stale = 0;
            } else {
                stale++;
            }
        }
        long iters = 1 << 16;
        while (true) {
            long t0 = System.nanoTime();
            Lanes.sink(Lanes.chains(iters));
            long t = System.nanoTime() - t0;
            if (t > millis * 250_000L) {
                iters = Math.max(1, iters * millis * 1_000_000L / t);
                break;
            }
            iters *= 2;
        }
        double best = 0;
        for (int round = 0; round < 4; round++) {
            double g = round(threads, iters);
            if (round > 0) { // round 0 is a warm-up
                best = Math.max(best, g);
            }
        }
        return best;
    }

    private static double round(int threads, long iters) {
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                Lanes.sink(Lanes.chains(iters));
            }, "fma-peak-" + i);
            ts[i].start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return threads * Lanes.FLOP_PER_ITER * (double) iters / seconds / 1e9;
    }

    /** The Vector API loop, apart so that a JVM without the module never loads it. */
    private static final class Lanes {
        private static final VectorSpecies<Float> F =
                FloatVector.SPECIES_PREFERRED;
        /**
         * 12 chains of one fma (two operations) per lane, each {@code c = a·b + c} with the chain's value as the
         * addend: x86's {@code vfmadd231ps} accumulates into its destination in place, so nothing is copied. (The
         * form {@code c = c·a + b} made the JIT copy b into a fresh register before every fma and spill chains on
         * AVX2's 16 registers, which read a Zen 3 core's peak as 56-67 GFLOP/s instead of about 90.)
         */
        static final double FLOP_PER_ITER = 12.0 * 2 * F.length();
        private static volatile float sinkValue;

        static float chains(long iters) {
            FloatVector a = FloatVector.broadcast(F, 0.999f);
            FloatVector b = FloatVector.broadcast(F, 1e-7f);
            FloatVector c0 = b;
            FloatVector c1 = b.add(1f);
            FloatVector c2 = b.add(2f);
            FloatVector c3 = b.add(3f);
            FloatVector c4 = b.add(4f);
            FloatVector c5 = b.add(5f);
            FloatVector c6 = b.add(6f);
            FloatVector c7 = b.add(7f);
            FloatVector c8 = b.add(8f);
            FloatVector c9 = b.add(9f);
            FloatVector c10 = b.add(10f);
            FloatVector c11 = b.add(11f);
            for (long i = 0; i < iters; i++) {
                c0 = a.fma(b, c0);
                c1 = a.fma(b, c1);
                c2 = a.fma(b, c2);
                c3 = a.fma(b, c3);
                c4 = a.fma(b, c4);
                c5 = a.fma(b, c5);
                c6 = a.fma(b, c6);
                c7 = a.fma(b, c7);
                c8 = a.fma(b, c8);
                c9 = a.fma(b, c9);
                c10 = a.fma(b, c10);
                c11 = a.fma(b, c11);
            }
            return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                    .reduceLanes(VectorOperators.ADD);
        }

        static void sink(float v) {
            sinkValue = v;
        }
    }
}
