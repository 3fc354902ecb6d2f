package dev.backprop.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backprop.io.AtomicFiles;
import dev.backprop.io.Safetensors;
import dev.backprop.io.TextFiles;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: the model's state, the optimizer's state and the trainer's progress, in a folder.
 *
 * <p>Layout: {@code model-eN.safetensors}, {@code optimizer-eN.safetensors} and {@code trainer.json}, which names
 * the two files of the last completed epoch N. Each file is written to a temporary file and renamed; trainer.json is
 * written last, so it is the commit point: a crash at any moment leaves the previous checkpoint readable, and files of
 * older epochs are removed only after the new trainer.json is in place. Never Java serialization.
 *
 * @param epoch last completed epoch (from 1)
 * @param step global step after that epoch
 * @param epochs metrics of every completed epoch
 * @param bestLoss best monitored loss so far (for early stopping)
 * @param bestEpoch epoch of {@code bestLoss}
 * @param badEpochs epochs since the best one
 * @param model the model's state dict
 * @param optimizer the optimizer's state
 * @param rng the model's random-generator state ({@code Module.rngState()}: dropout masks drawn)
 */
public record Checkpoint(int epoch, long step, List<EpochMetrics> epochs, double bestLoss, int bestEpoch,
                         int badEpochs, Map<String, Tensor> model, Map<String, Tensor> optimizer,
                         Map<String, Long> rng) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String INDEX = "trainer.json";

    /**
     * Test seam for crash tests: {@code -Dbackprop.test.checkpointPauseMs=N} pauses N ms after each weight file of a
     * checkpoint, before trainer.json commits it, so that a test can kill the process inside a checkpoint write.
     * 0 in normal use.
     */
    private static final long PAUSE_MS = Long.getLong("backprop.test.checkpointPauseMs", 0);

    /** The names of the files a checkpoint writes, which a later checkpoint may delete. */
    private static final java.util.regex.Pattern OLD_FILE =
            java.util.regex.Pattern.compile("(model|optimizer)-e[0-9]+\\.safetensors");

    /** The progress fields of trainer.json. */
    record Index(int format, int epoch, long step, String model, String optimizer, List<EpochMetrics> epochs,
                 Double bestLoss, int bestEpoch, int badEpochs, Map<String, Long> rng) {
    }

    /**
     * Writes this checkpoint into {@code dir} (created if needed). Once the new trainer.json is in place, the files
     * of earlier checkpoints ({@code model-eN.safetensors}, {@code optimizer-eN.safetensors}, regular files only)
     * are deleted; nothing else in the folder is touched.
     *
     * @param dir the checkpoint folder
     * @throws IOException if a file cannot be written or an old one cannot be deleted
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        String modelFile = "model-e" + epoch + ".safetensors";
        String optFile = "optimizer-e" + epoch + ".safetensors";
        Safetensors.write(dir.resolve(modelFile), model);
        pause();
        Safetensors.write(dir.resolve(optFile), optimizer);
        pause();
        Index index = new Index(1, epoch, step, modelFile, optFile, epochs,
                Double.isFinite(bestLoss) ? bestLoss : null, bestEpoch, badEpochs, rng);
        AtomicFiles.write(dir.resolve(INDEX), JSON.writeValueAsBytes(index));
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (OLD_FILE.matcher(name).matches() && !name.equals(modelFile) && !name.equals(optFile)
                        && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void pause() {
        if (PAUSE_MS > 0) {
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads the checkpoint in {@code dir}.
     *
     * @param dir the checkpoint folder
     * @return the checkpoint named by its trainer.json
     * @throws NoSuchFileException naming the folder when it holds no checkpoint
     * @throws IOException naming the file when a file is malformed
     */
    public static Checkpoint load(Path dir) throws IOException {
        Path indexFile = dir.resolve(INDEX);
        if (Files.isSymbolicLink(indexFile)) {
            throw new IOException(indexFile + ": is a symbolic link; a checkpoint's files must be its own");
        }
        if (!Files.isRegularFile(indexFile)) {
            throw new NoSuchFileException(dir.toString(), null, "no checkpoint here (missing " + INDEX + ")");
        }
        Index index;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(TextFiles.readUtf8(indexFile));
            if (tree == null || !tree.isObject()) {
                throw new IOException(indexFile + ": not a valid checkpoint index: expected a JSON object");
            }
            // epochs written before the training accuracy was measured: NaN (not measured), not Jackson's 0
            for (com.fasterxml.jackson.databind.JsonNode e : tree.path("epochs")) {
                if (e instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("trainAccuracy")) {
                    o.put("trainAccuracy", "NaN");
                }
            }
            index = JSON.treeToValue(tree, Index.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(indexFile + ": not a valid checkpoint index" + TextFiles.location(e) + ": "
                    + e.getOriginalMessage(), e);
        }
        validate(indexFile, index);
        return new Checkpoint(index.epoch(), index.step(), new ArrayList<>(index.epochs()),
                index.bestLoss() == null ? Double.POSITIVE_INFINITY : index.bestLoss(), index.bestEpoch(),
                index.badEpochs(), Safetensors.read(dir.resolve(index.model())),
                Safetensors.read(dir.resolve(index.optimizer())), index.rng() == null ? Map.of() : index.rng());
    }

    /**
     * Checks a trainer.json before anything it names is read: the weight files are checkpoint files inside the
     * folder (a name like {@code model-e3.safetensors}, no path, no link), the counters are in range and consistent.
     */
    private static void validate(Path indexFile, Index index) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String[] f : new String[][] {{"model", index.model()}, {"optimizer", index.optimizer()}}) {
            if (f[1] == null || !OLD_FILE.matcher(f[1]).matches()) {
                problems.add("\"" + f[0] + "\" must name a checkpoint file in the same folder (like "
                        + f[0] + "-e3.safetensors), got " + (f[1] == null ? "nothing" : "'" + f[1] + "'"));
            } else if (Files.isSymbolicLink(indexFile.resolveSibling(f[1]))) {
                problems.add("\"" + f[0] + "\": " + f[1] + " is a symbolic link");
            }
        }
        if (index.epoch() < 1) {
            problems.add("\"epoch\" must be at least 1, got " + index.epoch());
        }
        if (index.step() < 0) {
            problems.add("\"step\" must be >= 0, got " + index.step());
        }
        if (index.epochs() == null || index.epochs().size() != index.epoch()) {
            problems.add("\"epochs\" must list " + index.epoch() + " epochs, got "
                    + (index.epochs() == null ? "none" : index.epochs().size()));
        }
        if (index.bestEpoch() < 0 || index.bestEpoch() > index.epoch()) {
            problems.add("\"bestEpoch\" must be in [0, " + index.epoch() + "], got " + index.bestEpoch());
        }
        if (index.badEpochs() < 0 || index.badEpochs() > index.epoch()) {
            problems.add("\"badEpochs\" must be in [0, " + index.epoch() + "], got " + index.badEpochs());
        }
        if (!problems.isEmpty()) {
            throw new IOException(indexFile + ": " + String.join("; ", problems));
        }
    }
}
