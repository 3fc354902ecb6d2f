package dev.backprop.spark;

import dev.backprop.Model;
import dev.backprop.io.ModelFile;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A model as the bytes of its two files, model.json and model.safetensors: what a {@link BackpropClassificationModel}
 * carries to the executors (inside Spark's own task serialization) and writes into its saved folder. No Java
 * serialization of the network itself: the bytes are exactly the files {@link Model#save} writes.
 */
final class ModelBytes implements Serializable {
    private static final long serialVersionUID = 1L;

    final byte[] architecture;
    final byte[] weights;

    ModelBytes(byte[] architecture, byte[] weights) {
        this.architecture = architecture.clone();
        this.weights = weights.clone();
    }

    /** The files of {@code model}, written to a temporary folder and read back. */
    static ModelBytes of(Model model) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("backprop-spark-model");
            model.save(dir);
            return new ModelBytes(Files.readAllBytes(dir.resolve(ModelFile.ARCHITECTURE)),
                    Files.readAllBytes(dir.resolve(ModelFile.WEIGHTS)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model's files: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The model these files describe (parsed through {@link Model#load}, so the same checks apply). */
    Model toModel() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("backprop-spark-model");
            Files.write(dir.resolve(ModelFile.ARCHITECTURE), architecture);
            Files.write(dir.resolve(ModelFile.WEIGHTS), weights);
            return Model.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the model's files: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
