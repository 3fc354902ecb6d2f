package dev.backprop.kernel;

import java.util.concurrent.TimeUnit;

/**
 * Compiles the matrix-product kernels before training needs them: a background thread runs the three products of a
 * linear layer's step (forward {@code x·Wᵀ}, input gradient {@code g·W}, weight gradient {@code gᵀ·x}) at the
 * network's shapes on scratch arrays, so that the JIT has the hot paths compiled by the time the data has loaded.
 * It computes nothing that is kept and touches no random state, so results stay bit-identical with or without it.
 */
public final class Warmup implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    private Warmup(int[] sizes, int batch, long maxNanos) {
        thread = new Thread(() -> run(sizes, batch, maxNanos), "backprop-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts warming up for a network of these layer widths.
     *
     * @param sizes the layer widths, input first (e.g. 784, 256, 128, 10)
     * @param batch the mini-batch size
     * @param maxMillis the longest the warm-up runs when not closed earlier
     * @return the running warm-up; {@link #close()} stops it and waits for it
     */
    public static Warmup start(int[] sizes, int batch, long maxMillis) {
        Warmup w = new Warmup(sizes.clone(), Math.max(1, Math.min(batch, 1024)),
                TimeUnit.MILLISECONDS.toNanos(maxMillis));
        w.thread.start();
        return w;
    }

    private void run(int[] sizes, int batch, long maxNanos) {
        long end = System.nanoTime() + maxNanos;
        int widest = 1;
        for (int s : sizes) {
            widest = Math.max(widest, s);
        }
        float[] x = filled(batch * widest);
        float[] w = filled(widest * widest);
        float[] y = new float[Math.max(batch, widest) * widest];
        while (!stop && System.nanoTime() < end) {
            for (int i = 0; i + 1 < sizes.length && !stop; i++) {
                int in = sizes[i];
                int out = sizes[i + 1];
                Gemm.sgemm(false, true, batch, out, in, x, 0, in, w, 0, in, y, 0, out, false);
                Gemm.sgemm(false, false, batch, in, out, x, 0, out, w, 0, in, y, 0, in, false);
                Gemm.sgemm(true, false, out, in, batch, x, 0, out, x, 0, in, y, 0, in, false);
            }
        }
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = ((i * 7919) % 97 - 48) / 97f;
        }
        return a;
    }

    /** Stops the warm-up and waits until its thread has finished its current product. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
