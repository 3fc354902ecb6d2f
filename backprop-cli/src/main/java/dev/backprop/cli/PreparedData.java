package dev.backprop.cli;

import dev.backprop.data.CsvReader;
import dev.backprop.data.Dataset;
import dev.backprop.data.FashionMnist;
import dev.backprop.data.Normalizer;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The data of a run, resolved from {@code --data}: a training set, an optional evaluation set (the test set, or the
 * validation hold-out with {@code --val-split}), and the input normalisation fitted on the training data.
 *
 * @param name short name of the data ("spirals", "fashion-mnist", the CSV file's name)
 * @param train training set, normalised
 * @param eval evaluation set, normalised, or null
 * @param normalizer the normalisation applied to both (to be applied to new data too)
 * @param split with {@code --val-split}: which rows of the training data were held out; else null
 */
record PreparedData(String name, Dataset train, Dataset eval, Normalizer normalizer, Split split) {

    /**
     * The rows {@code --val-split} held out of the training data as the validation set.
     *
     * @param fraction the --val-split fraction
     * @param seed the seed of the split (--seed)
     * @param sourceRows how many samples the training data had before the split
     * @param validationRows the held-out rows' indices in it (data rows from 0, header excluded), ascending
     */
    record Split(double fraction, long seed, int sourceRows, int[] validationRows) {
    }

    /** What the evaluation set is called: "validation" (a --val-split hold-out) or "test". */
    String evalName() {
        return split != null ? "validation" : "test";
    }

    static final String SYNTHETIC = "spirals|circles|moons|xor|blobs";
    static final String CHOICES = "fashion-mnist|" + SYNTHETIC + "|FILE.csv";
    /** Training samples of a synthetic set when --samples is not given (its test set has half as many). */
    static final int DEFAULT_SAMPLES = 1000;

    static boolean isFashionMnist(String key) {
        return key.equals("fashion-mnist") || key.equals("fashion_mnist");
    }

    /** Loads and prepares the data a configuration names. */
    static PreparedData load(RunConfig c) throws IOException {
        String data = c.data == null ? "spirals" : c.data;
        String key = data.toLowerCase(Locale.ROOT);
        TrainTest tt;
        String name;
        if (isFashionMnist(key)) {
            Path dir = c.dataDir == null ? FashionMnist.DEFAULT_DIR : Path.of(c.dataDir);
            tt = FashionMnist.load(dir);
            name = "fashion-mnist";
        } else if (key.matches(SYNTHETIC)) {
            int n = c.samples == null ? DEFAULT_SAMPLES : c.samples;
            int nTest = Math.max(1, n / 2);
            double noise = c.noise == null ? defaultNoise(key) : c.noise;
            tt = switch (key) {
                case "spirals" -> Synthetic.spirals(n, nTest, noise, c.seed);
                case "circles" -> Synthetic.circles(n, nTest, noise, c.seed);
                case "moons" -> Synthetic.moons(n, nTest, noise, c.seed);
                case "xor" -> Synthetic.xor(n, nTest, noise, c.seed);
                default -> Synthetic.blobs(n, nTest, 3, 2, noise, c.seed);
            };
            name = key;
        } else if (key.endsWith(".csv")) {
            CsvReader.Column col = column(c.labelColumn);
            // An F64 run keeps the file's values in double: it sees exactly what PyTorch's float64 would.
            DType dtype = Setup.dtype(c);
            Dataset train = CsvReader.readClassification(Path.of(data), col, null, dtype);
            Dataset test = c.test == null ? null
                    : CsvReader.readClassification(Path.of(c.test), col, train.classNames(), dtype);
            return finish(Path.of(data).getFileName().toString().replaceFirst("(?i)\\.csv$", ""), train, test, c);
        } else {
            throw new UsageError(c.inFile("data") + "unknown data set '" + data + "'; valid: " + CHOICES);
        }
        return finish(name, tt.train(), tt.test(), c);
    }

    private static PreparedData finish(String name, Dataset train, Dataset test, RunConfig c) {
        Dataset eval = test;
        Split rows = null;
        if (c.valSplit != null && c.valSplit > 0) {
            rows = new Split(c.valSplit, c.seed, train.size(), train.heldOutRows(c.valSplit, c.seed));
            TrainTest split = train.split(c.valSplit, c.seed);
            if (split.train().size() == 0 || split.test().size() == 0) {
                throw new UsageError(c.where("val-split") + " " + c.valSplit + " of " + train.size() + " samples leaves "
                        + split.train().size() + " for training and " + split.test().size()
                        + " for validation; both need at least one");
            }
            train = split.train();
            eval = split.test();
        }
        if (train.size() == 0) {
            throw new UsageError(name + " has no training samples");
        }
        String kind = c.normalize == null ? "none" : c.normalize.toLowerCase(Locale.ROOT);
        if (!List.of("none", "standard", "minmax").contains(kind)) {
            throw new UsageError("unknown " + c.where("normalize") + " '" + c.normalize + "'; valid: none|standard|minmax");
        }
        Normalizer norm = kind.equals("none") ? Normalizer.none() : Normalizer.fit(kind, train);
        return new PreparedData(name, norm.apply(train), eval == null ? null : norm.apply(eval), norm, rows);
    }

    /** The noise of a synthetic set when --noise is not given. */
    static double defaultNoise(String set) {
        return switch (set) {
            case "spirals" -> 0.05;
            case "blobs" -> 0.8;
            default -> 0.1;
        };
    }

    static CsvReader.Column column(String spec) {
        if (spec == null) {
            return CsvReader.Column.at(-1);
        }
        try {
            return CsvReader.Column.at(Integer.parseInt(spec.trim()));
        } catch (NumberFormatException e) {
            return CsvReader.Column.named(spec);
        }
    }
}
