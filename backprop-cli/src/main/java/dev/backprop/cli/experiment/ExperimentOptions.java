package dev.backprop.cli.experiment;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Settings shared by the experiments.
 *
 * @param seed seed of initialization, data order and synthetic data
 * @param data "auto" (Fashion-MNIST when its files exist, else synthetic), "fashion-mnist" or "synthetic"
 * @param dataDir folder of the Fashion-MNIST IDX files
 * @param samples training samples (a subset of Fashion-MNIST, or the synthetic set's size); 0 for the experiment's
 *     default
 * @param epochs training epochs; 0 for the experiment's default
 * @param progress where progress lines go (stderr under --json)
 */
public record ExperimentOptions(long seed, String data, Path dataDir, int samples, int epochs, PrintWriter progress) {

    /** {@code samples} when set, else {@code fallback}. */
    public int samplesOr(int fallback) {
        return samples > 0 ? samples : fallback;
    }

    /** Test samples: 2000, or half the training samples (at least 500) when fewer are asked for. */
    public int testSamples() {
        return samples > 0 ? Math.min(2000, Math.max(500, samples / 2)) : 2000;
    }

    /** {@code epochs} when set, else {@code fallback}. */
    public int epochsOr(int fallback) {
        return epochs > 0 ? epochs : fallback;
    }

    /** Prints one progress line. */
    public void say(String format, Object... args) {
        progress.printf(java.util.Locale.ROOT, format + "%n", args);
        progress.flush();
    }
}
