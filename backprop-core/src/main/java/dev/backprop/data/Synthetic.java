package dev.backprop.data;

import dev.backprop.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Small seeded classification problems in the plane (and blobs in any dimension), for examples, tests and for
 * watching a network learn a non-linear boundary.
 *
 * <p>Every generator returns a training set and a test set drawn from the same distribution with independent
 * random streams derived from {@code seed}: the same arguments always give the same data. Sample {@code i} belongs
 * to class {@code i mod K}, so the classes are balanced (their sizes differ by at most one). {@code noise} is the
 * standard deviation of Gaussian noise added to each coordinate after the clean point is drawn; the label is that
 * of the clean point.
 */
public final class Synthetic {
    /** Turns of each spiral arm (0.75): the angle grows by {@code 2 pi * SPIRAL_TURNS} from the centre to the rim. */
    public static final double SPIRAL_TURNS = 0.75;
    /** Radius of the inner circle in {@link #circles} (0.5; the outer one has radius 1). */
    public static final double INNER_RADIUS = 0.5;
    /** Blob centres are drawn uniformly from {@code [-BLOB_BOX, BLOB_BOX]} (here 5) in every coordinate. */
    public static final double BLOB_BOX = 5;

    private static final long TRAIN_STREAM = 1;
    private static final long TEST_STREAM = 2;
    private static final long CENTRE_STREAM = 3;

    /** Draws the clean point of one sample of class {@code c} into {@code out}. */
    @FunctionalInterface
    private interface Sampler {
        void draw(int c, SplittableRandom rng, double[] out);
    }

    private Synthetic() {
    }

    /**
     * Two interleaved spirals; see {@link #spirals(int, int, int, double, long)}.
     *
     * @param nTrain the number of training samples, at least 0
     * @param nTest the number of test samples, at least 0
     * @param noise the standard deviation of the Gaussian noise per coordinate, finite and at least 0
     * @param seed the seed both sets derive from
     * @return the training and test sets, 2 features and 2 classes
     * @throws IllegalArgumentException if a count is negative or {@code noise} is negative, infinite or NaN
     */
    public static TrainTest spirals(int nTrain, int nTest, double noise, long seed) {
        return spirals(nTrain, nTest, 2, noise, seed);
    }

    /**
     * {@code classes} interleaved spiral arms: for class k, with t ~ U(0, 1), the point at radius {@code r = t} and
     * angle {@code theta = 2 pi k / K + 2 pi * SPIRAL_TURNS * t}.
     *
     * @param nTrain the number of training samples, at least 0
     * @param nTest the number of test samples, at least 0
     * @param classes the number of arms K, at least 2
     * @param noise the standard deviation of the Gaussian noise per coordinate, finite and at least 0
     * @param seed the seed both sets derive from
     * @return the training and test sets, 2 features and K classes
     * @throws IllegalArgumentException if {@code classes < 2}, a count is negative or {@code noise} is invalid
     */
    public static TrainTest spirals(int nTrain, int nTest, int classes, double noise, long seed) {
        requireAtLeast("classes", classes, 2);
        return make(nTrain, nTest, classes, 2, noise, seed, (c, rng, p) -> {
            double t = rng.nextDouble();
            double theta = 2 * Math.PI * c / classes + 2 * Math.PI * SPIRAL_TURNS * t;
            p[0] = t * Math.cos(theta);
            p[1] = t * Math.sin(theta);
        });
    }

    /**
     * Two concentric circles: class 0 on the circle of radius 1, class 1 on the circle of radius
     * {@link #INNER_RADIUS}, at a uniform angle.
     *
     * @param nTrain the number of training samples, at least 0
     * @param nTest the number of test samples, at least 0
     * @param noise the standard deviation of the Gaussian noise per coordinate, finite and at least 0
     * @param seed the seed both sets derive from
     * @return the training and test sets, 2 features and 2 classes
     * @throws IllegalArgumentException if a count is negative or {@code noise} is invalid
     */
    public static TrainTest circles(int nTrain, int nTest, double noise, long seed) {
        return make(nTrain, nTest, 2, 2, noise, seed, (c, rng, p) -> {
            double r = c == 0 ? 1 : INNER_RADIUS;
            double theta = 2 * Math.PI * rng.nextDouble();
            p[0] = r * Math.cos(theta);
            p[1] = r * Math.sin(theta);
        });
    }

    /**
     * Two interleaved half-moons, with t ~ U(0, pi): class 0 is {@code (cos t, sin t)} (the upper half of the unit
     * circle), class 1 is {@code (1 - cos t, 1/2 - sin t)} (a lower half circle centred at (1, 1/2)).
     *
     * @param nTrain the number of training samples, at least 0
     * @param nTest the number of test samples, at least 0
     * @param noise the standard deviation of the Gaussian noise per coordinate, finite and at least 0
     * @param seed the seed both sets derive from
     * @return the training and test sets, 2 features and 2 classes
     * @throws IllegalArgumentException if a count is negative or {@code noise} is invalid
     */
    public static TrainTest moons(int nTrain, int nTest, double noise, long seed) {
        return make(nTrain, nTest, 2, 2, noise, seed, (c, rng, p) -> {
            double t = Math.PI * rng.nextDouble();
            p[0] = c == 0 ? Math.cos(t) : 1 - Math.cos(t);
            p[1] = c == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
        });
    }

    /**
     * XOR of signs: points uniform in the square (-1, 1)^2, class 1 where {@code x * y < 0} (signs differ) and class
     * 0 where {@code x * y > 0}; each class fills its two quadrants evenly.
     *
     * @param nTrain the number of training samples, at least 0
     * @param nTest the number of test samples, at least 0
     * @param noise the standard deviation of the Gaussian noise per coordinate, finite and at least 0
     * @param seed the seed both sets derive from
     * @return the training and test sets, 2 features and 2 classes
     * @throws IllegalArgumentException if a count is negative or {@code noise} is invalid
     */
    public static TrainTest xor(int nTrain, int nTest, double noise, long seed) {
        return make(nTrain, nTest, 2, 2, noise, seed, (c, rng, p) -> {
            double sx = rng.nextBoolean() ? 1 : -1;
            double sy = c == 0 ? sx : -sx;
            p[0] = sx * (1 - rng.nextDouble()); // in (0, 1], never on an axis
            p[1] = sy * (1 - rng.nextDouble());
        });
    }

    /**
     * Gaussian blobs: one centre per class, drawn uniformly from {@code [-BLOB_BOX, BLOB_BOX]^dims} (the same
     * centres for train and test), and points {@code centre_k + noise * N(0, I)}.
     *
     * @param nTrain the number of training samples, at least 0
     * @param nTest the number of test samples, at least 0
     * @param classes the number of classes (blobs), at least 1
     * @param dims the number of features, at least 1
     * @param noise the standard deviation of each blob, finite and at least 0
     * @param seed the seed both sets and the centres derive from
     * @return the training and test sets
     * @throws IllegalArgumentException if {@code classes} or {@code dims} is below 1, a count is negative or
     *         {@code noise} is invalid
     */
    public static TrainTest blobs(int nTrain, int nTest, int classes, int dims, double noise, long seed) {
        requireAtLeast("classes", classes, 1);
        requireAtLeast("dims", dims, 1);
        double[][] centres = blobCentres(classes, dims, seed);
        return make(nTrain, nTest, classes, dims, noise, seed,
                (c, rng, p) -> System.arraycopy(centres[c], 0, p, 0, dims));
    }

    /**
     * The centres used by {@link #blobs} for these arguments.
     *
     * @param classes the number of classes
     * @param dims the number of coordinates
     * @param seed the seed passed to {@link #blobs}
     * @return one row of {@code dims} coordinates per class
     */
    public static double[][] blobCentres(int classes, int dims, long seed) {
        SplittableRandom rng = new SplittableRandom(DataLoader.mix(seed, CENTRE_STREAM));
        double[][] centres = new double[classes][dims];
        for (double[] centre : centres) {
            for (int j = 0; j < dims; j++) {
                centre[j] = BLOB_BOX * (2 * rng.nextDouble() - 1);
            }
        }
        return centres;
    }

    private static TrainTest make(int nTrain, int nTest, int classes, int dims, double noise, long seed,
                                  Sampler sampler) {
        requireAtLeast("nTrain", nTrain, 0);
        requireAtLeast("nTest", nTest, 0);
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise must be a finite standard deviation >= 0, got " + noise);
        }
        return new TrainTest(
                sample(nTrain, classes, dims, noise, new SplittableRandom(DataLoader.mix(seed, TRAIN_STREAM)), sampler),
                sample(nTest, classes, dims, noise, new SplittableRandom(DataLoader.mix(seed, TEST_STREAM)), sampler));
    }

    private static Dataset sample(int n, int classes, int dims, double noise, SplittableRandom rng, Sampler sampler) {
        float[] x = new float[n * dims];
        int[] labels = new int[n];
        double[] p = new double[dims];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            sampler.draw(labels[i], rng, p);
            for (int j = 0; j < dims; j++) {
                x[i * dims + j] = (float) (p[j] + noise * Tensor.gaussian(rng));
            }
        }
        return Dataset.classification(x, dims, labels, classes);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }
}
