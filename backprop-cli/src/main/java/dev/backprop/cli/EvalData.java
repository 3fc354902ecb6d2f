package dev.backprop.cli;

import dev.backprop.data.CsvReader;
import dev.backprop.data.Dataset;
import dev.backprop.data.FashionMnist;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The data flags of {@code eval}: which set to score a saved model on. Flags not given are taken from the model's
 * run folder (its config.json, when there is one), so {@code backprop eval --model RUN} scores the run's own
 * evaluation set: the validation rows a {@code --val-split} run held out (recorded in its split.json), else its test
 * set; the synthetic sets are regenerated from the same {@code --samples}, {@code --noise} and {@code --seed}.
 *
 * <p>Unlike training, nothing is fitted here: the features are rescaled with the normaliser saved in the model.
 */
final class EvalData {
    @Option(names = "--data", paramLabel = "DATA", description = "fashion-mnist|spirals|circles|moons|xor|blobs|FILE.csv (default: the run's data: its validation rows after --val-split, else its test split).")
    String data;
    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV label column (default: the run's, else the last).")
    String labelColumn;
    @Option(names = "--test", paramLabel = "FILE.csv", description = "CSV file to evaluate instead of --data.")
    String test;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist).")
    String dataDir;
    @Option(names = "--samples", paramLabel = "N", description = "Training samples of a synthetic set (its test split has N/2; default: the run's, else 1000).")
    Integer samples;
    @Option(names = "--noise", paramLabel = "X", description = "Noise of a synthetic set (default: the run's).")
    Double noise;
    @Option(names = "--seed", paramLabel = "S", description = "Seed of a synthetic set (default: the run's, else 42).")
    Long seed;

    /** A data set ready for the model: normalised with the model's normaliser. */
    record Resolved(String name, Dataset data) {
    }

    /** Loads the model of a run folder; a folder that does not exist is named as such. */
    static ModelFile.Loaded loadModel(Path dir) throws IOException {
        return ModelFile.load(requireRunFolder(dir));
    }

    /** {@code dir}, or an error naming it when it does not exist. */
    static Path requireRunFolder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no such run folder (expected "
                    + ModelFile.ARCHITECTURE + " and " + ModelFile.WEIGHTS + " written by 'backprop train')");
        }
        return dir;
    }

    /** The run's configuration when {@code modelDir} holds a config.json, else the defaults; then these flags. */
    RunConfig config(Path modelDir) throws IOException {
        Path cfg = modelDir.resolve("config.json");
        RunConfig c = Files.isRegularFile(cfg) ? RunConfig.load(cfg) : RunConfig.defaults().resolve();
        String evalFile = test != null ? test : data != null ? null : c.test;
        if (data != null && !data.equalsIgnoreCase(c.data)) {
            // The run's sample count, noise and folder were those of its own data set (config.json records them
            // resolved): another set gets its own defaults.
            c.samples = null;
            c.noise = null;
            c.dataDir = null;
        }
        if (data != null) {
            c.data = data;
        }
        c.test = evalFile;
        if (labelColumn != null) c.labelColumn = labelColumn;
        if (dataDir != null) c.dataDir = dataDir;
        if (samples != null) c.samples = samples;
        if (noise != null) c.noise = noise;
        if (seed != null) c.seed = seed;
        return c;
    }

    /** Reads the evaluation set the flags name and checks it against the model. */
    Resolved load(Path modelDir, ModelFile.Info info) throws IOException {
        RunConfig c = config(modelDir);
        String key = c.data.toLowerCase(Locale.ROOT);
        Dataset raw;
        String name;
        if (data == null && test == null && c.valSplit != null && c.valSplit > 0) {
            double fraction = c.valSplit;
            raw = validationRows(modelDir, c, key, info);
            name = c.data + " (the " + raw.size() + " validation rows --val-split " + fraction + " held out)";
        } else if (key.equals("fashion-mnist") || key.equals("fashion_mnist")) {
            TrainTest tt = FashionMnist.load(c.dataDir == null ? FashionMnist.DEFAULT_DIR : Path.of(c.dataDir));
            raw = tt.test();
            name = "fashion-mnist (test split)";
        } else if (key.matches(PreparedData.SYNTHETIC)) {
            raw = PreparedData.load(synthetic(c)).eval();
            name = key + " (test split)";
        } else if (key.endsWith(".csv") || c.test != null) {
            String file = c.test != null ? c.test : c.data;
            if (!info.isClassification()) {
                throw new UsageError("the model in " + modelDir + " has no classes (a regression model); eval scores"
                        + " classifiers");
            }
            raw = CsvReader.readClassification(Path.of(file), PreparedData.column(c.labelColumn), info.classNames(),
                    info.dtype());
            name = file;
        } else {
            throw new UsageError("unknown data set '" + c.data + "'; valid: " + PreparedData.CHOICES);
        }
        check(raw, info, name);
        return new Resolved(name, info.normalizer().apply(raw));
    }

    /**
     * The rows a {@code --val-split} run held out of its training data, read from the same source: those split.json
     * records, or, in a run folder of an earlier version without one, the rows the same split ({@code --val-split},
     * {@code --seed}) holds out. A training file that no longer has the rows the split was made of is an error.
     */
    private static Dataset validationRows(Path modelDir, RunConfig c, String key, ModelFile.Info info)
            throws IOException {
        Dataset all;
        if (key.equals("fashion-mnist") || key.equals("fashion_mnist")) {
            all = FashionMnist.load(c.dataDir == null ? FashionMnist.DEFAULT_DIR : Path.of(c.dataDir)).train();
        } else if (key.matches(PreparedData.SYNTHETIC)) {
            all = PreparedData.load(synthetic(c)).train();
        } else if (key.endsWith(".csv")) {
            all = CsvReader.readClassification(Path.of(c.data), PreparedData.column(c.labelColumn), info.classNames());
        } else {
            throw new UsageError("unknown data set '" + c.data + "'; valid: " + PreparedData.CHOICES);
        }
        RunFiles.SplitFile split = RunFiles.readSplit(modelDir);
        int[] rows;
        if (split != null) {
            if (split.sourceRows() != all.size()) {
                throw new UsageError(c.data + " has " + all.size() + " samples, but the run held its validation rows"
                        + " out of " + split.sourceRows() + " (" + modelDir.resolve(RunFiles.SPLIT) + "): the data"
                        + " changed since training; score another set with --data or --test");
            }
            rows = split.validationRows();
        } else {
            rows = all.heldOutRows(c.valSplit, c.seed);
        }
        return all.select(rows);
    }

    /** The config with no normalisation and no hold-out, so that {@link PreparedData} returns the raw test split. */
    private static RunConfig synthetic(RunConfig c) {
        c.normalize = "none";
        c.valSplit = 0.0;
        return c;
    }

    /** The feature count and the class count must be the model's. */
    static void check(Dataset d, ModelFile.Info info, String name) {
        if (d.featureCount() != info.inputFeatures()) {
            throw new UsageError("the model takes " + info.inputFeatures() + " input features, but " + name + " has "
                    + d.featureCount());
        }
        if (info.isClassification() && d.classCount() != info.classNames().size()) {
            throw new UsageError("the model has " + info.classNames().size() + " classes " + info.classNames()
                    + ", but " + name + " has " + d.classCount());
        }
    }
}
