package dev.backprop.cli.experiment;

import dev.backprop.data.Dataset;
import dev.backprop.data.FashionMnist;
import dev.backprop.data.Normalizer;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data of an experiment: a subset of Fashion-MNIST (pixels scaled to [0, 1]) when its files exist, else a
 * synthetic classification set of the same kind — 10 Gaussian blobs in 32 dimensions, standardized.
 *
 * @param name "fashion-mnist" or "synthetic-blobs"
 * @param description a line for tables and reports ("Fashion-MNIST, first 4000 training and 2000 test images")
 * @param train training samples
 * @param test evaluation samples
 */
public record ExperimentData(String name, String description, Dataset train, Dataset test) {
    /** Blob noise: the classes overlap a little, so accuracy depends on training. */
    static final double BLOB_NOISE = 6.0;
    static final int BLOB_DIMS = 32;
    static final int BLOB_CLASSES = 10;

    /**
     * Loads {@code trainN} training and {@code testN} test samples.
     *
     * @param source "auto", "fashion-mnist" or "synthetic"
     * @throws IOException when Fashion-MNIST was asked for and cannot be read
     */
    public static ExperimentData load(String source, Path dir, int trainN, int testN, long seed) throws IOException {
        boolean fashion = switch (source) {
            case "auto" -> Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
                    || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"));
            case "fashion-mnist" -> true;
            case "synthetic" -> false;
            default -> throw new IllegalArgumentException("unknown data '" + source
                    + "'; valid: auto|fashion-mnist|synthetic");
        };
        if (fashion) {
            TrainTest tt = FashionMnist.load(dir);
            Dataset train = tt.train().subset(trainN);
            Dataset test = tt.test().subset(testN);
            return new ExperimentData("fashion-mnist", String.format("Fashion-MNIST: first %d training and %d test"
                    + " images, pixels in [0, 1]", train.size(), test.size()), train, test);
        }
        TrainTest tt = Synthetic.blobs(trainN, testN, BLOB_CLASSES, BLOB_DIMS, BLOB_NOISE, seed);
        Normalizer norm = Normalizer.fit("standard", tt.train());
        return new ExperimentData("synthetic-blobs", String.format("synthetic: %d Gaussian blobs in %d dimensions"
                + " (noise %.1f), %d training and %d test samples, standardized", BLOB_CLASSES, BLOB_DIMS, BLOB_NOISE,
                trainN, testN), norm.apply(tt.train()), norm.apply(tt.test()));
    }

    public int features() {
        return train.featureCount();
    }

    public int classes() {
        return train.classCount();
    }

    /** A copy of {@code d} with one more feature, always 0, appended to every sample. */
    static Dataset withZeroFeature(Dataset d) {
        int f = d.featureCount();
        float[] x = new float[d.size() * (f + 1)];
        for (int r = 0; r < d.size(); r++) {
            d.copyFeatures(r, x, r * (f + 1));
        }
        return Dataset.classification(x, f + 1, d.labels().clone(), d.classCount());
    }
}
