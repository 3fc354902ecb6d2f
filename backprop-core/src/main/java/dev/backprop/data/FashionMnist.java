package dev.backprop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28 x 28 grey-scale images of clothing in 10 classes, 60000 for
 * training and 10000 for testing, stored as four IDX files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}), each gzipped
 * ({@code .gz}) or raw.
 *
 * <p>Pixels stay bytes in memory ({@link Dataset#classificationU8}) and become floats {@code b / 255} in [0, 1]
 * per batch; each image is a row of 784 features in row-major pixel order.
 */
public final class FashionMnist {
    /**
     * Where the {@code dataset-fashion-mnist} package installs the files: {@code /usr/share/datasets/fashion-mnist}.
     */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Number of classes (10). */
    public static final int CLASSES = 10;
    /** Image side in pixels (28); each image has {@code SIDE·SIDE = 784} features. */
    public static final int SIDE = 28;
    /** The class names, indexed by label (0 = "T-shirt/top" ... 9 = "Ankle boot"). */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /**
     * Loads the training set (60000 images) and the test set (10000, the "t10k" files) from a folder. Each of the
     * four files is taken as {@code name.gz} when that exists, else as {@code name}.
     *
     * @param dir the folder holding the four IDX files
     * @return the training set as {@code train} and the test set as {@code test}, with the class names attached
     * @throws java.nio.file.NoSuchFileException listing the missing files and how to install them
     * @throws IOException if a file cannot be read or is truncated or corrupt
     * @throws IllegalArgumentException if a file is not the expected IDX file, the images are not 28 x 28, the image
     *         and label counts differ, or a label is outside [0, 10)
     */
    public static TrainTest load(Path dir) throws IOException {
        Path trainImages = find(dir, "train-images-idx3-ubyte");
        Path trainLabels = find(dir, "train-labels-idx1-ubyte");
        Path testImages = find(dir, "t10k-images-idx3-ubyte");
        Path testLabels = find(dir, "t10k-labels-idx1-ubyte");
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(trainImages, trainLabels, testImages, testLabels)) {
            if (!Files.isRegularFile(p)) {
                missing.add(p.getFileName().toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "Fashion-MNIST files missing in this directory: "
                    + String.join(", ", missing) + " (gzipped or raw). Install them with "
                    + "`apt-get install dataset-fashion-mnist` (into " + DEFAULT_DIR + "), or point --data-dir at "
                    + "a folder holding the four IDX files");
        }
        return new TrainTest(read(trainImages, trainLabels), read(testImages, testLabels));
    }

    /**
     * Loads both sets from {@link #DEFAULT_DIR}, as {@link #load(Path)} does.
     *
     * @return the training and test sets
     * @throws IOException if a file is missing, unreadable, truncated or corrupt
     */
    public static TrainTest load() throws IOException {
        return load(DEFAULT_DIR);
    }

    /** {@code dir/name.gz} when it exists, else {@code dir/name}. */
    private static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : dir.resolve(name);
    }

    private static Dataset read(Path imagesFile, Path labelsFile) throws IOException {
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile);
        if (images.rows() != SIDE || images.cols() != SIDE) {
            throw new IllegalArgumentException(imagesFile + ": images are " + images.rows() + " x " + images.cols()
                    + ", Fashion-MNIST's are " + SIDE + " x " + SIDE);
        }
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(imagesFile + " holds " + images.count() + " images but " + labelsFile
                    + " holds " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASSES) {
                throw new IllegalArgumentException(labelsFile + ": label " + labels[i] + " of sample " + i
                        + " is outside [0, " + CLASSES + ")");
            }
        }
        List<String> pixels = new java.util.ArrayList<>(images.pixelsPerImage());
        for (int j = 0; j < images.pixelsPerImage(); j++) {
            pixels.add("pixel" + j);
        }
        return Dataset.classificationU8(images.pixels(), images.pixelsPerImage(), labels, CLASSES)
                .withClassNames(CLASS_NAMES).withFeatureNames(pixels);
    }
}
