package dev.backprop.train;

import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the code of a training step before training needs it: a background thread trains a throwaway network of
 * the same widths and activation on a few rows of made-up data (forward, backward and an SGD update, the same
 * kernels at the same shapes as the real run), so that the JIT has the hot paths compiled by the time the data has
 * loaded. Its network has its own fixed seed and it draws nothing from {@link dev.backprop.nn.init.Init}: the real
 * run's results are bit-identical with or without it. Meant to run while nothing else uses the kernels' thread pool
 * (e.g. while the data loads), and to be closed before training starts.
 */
public final class Warmup implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    /** Warm-up epochs completed (for the tests: a warm-up that fails would warm nothing up). */
    private volatile int epochs;
    /** What ended the warm-up early, or null. */
    private volatile Throwable failure;

    private Warmup(int[] sizes, ActivationKind activation, int batch, long maxNanos) {
        thread = new Thread(() -> {
            try {
                run(sizes, activation, batch, maxNanos);
            } catch (RuntimeException | Error e) {
                failure = e; // the real run is unaffected; the tests look here
            }
        }, "backprop-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts warming up for a network of these layer widths.
     *
     * @param sizes the layer widths, input first (e.g. 784, 256, 128, 10)
     * @param activation the hidden layers' activation
     * @param batch the mini-batch size
     * @param maxMillis the longest the warm-up runs when not closed earlier
     * @return the running warm-up; {@link #close()} stops it and waits for it
     */
    public static Warmup start(int[] sizes, ActivationKind activation, int batch, long maxMillis) {
        Warmup w = new Warmup(sizes.clone(), activation, Math.max(1, Math.min(batch, 1024)),
                TimeUnit.MILLISECONDS.toNanos(maxMillis));
        w.thread.start();
        return w;
    }

    private void run(int[] sizes, ActivationKind activation, int batch, long maxNanos) {
        long end = System.nanoTime() + maxNanos;
        int in = sizes[0];
        int classes = sizes[sizes.length - 1];
        int rows = 4 * batch;
        float[] x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7919) % 97) / 97f;
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % classes;
        }
        Dataset data = Dataset.classification(x, in, labels, classes);
        Sequential net = Mlp.of(sizes).activation(activation).seed(0x5EEDL).build();
        Trainer trainer = Trainer.builder(net, Loss.crossEntropy(), OptimizerSpec.Sgd.lr(1e-3),
                DataLoader.sequential(data, batch)).epochs(1).build();
        while (!stop && System.nanoTime() < end) {
            trainer.runWarmupEpoch();
            epochs++;
        }
    }

    /** {@return the warm-up epochs completed so far} */
    int epochs() {
        return epochs;
    }

    /** {@return what ended the warm-up early, or null} */
    Throwable failure() {
        return failure;
    }

    /** Stops the warm-up and waits until its thread has finished its current step. */
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
