package dev.backprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backprop.io.AtomicFiles;
import dev.backprop.train.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Two small files of a run folder that {@code eval} and the report read back:
 * <ul>
 *   <li>{@value #SPLIT}, written with {@code --val-split}: which rows of the training data were held out as the
 *       validation set ({@code {"data", "fraction", "seed", "source_rows", "validation_rows": [...]}}, rows counted
 *       from 0 among the data rows), so that {@code eval --model RUN} scores exactly those;</li>
 *   <li>{@value #EVALUATION}, written at the end of training: the final model on the evaluation set
 *       ({@code {"set": "validation"|"test", "samples", "loss", "accuracy", "classes", "confusion"}}, confusion
 *       rows the true class, columns the predicted one), for the report's confusion matrix.</li>
 * </ul>
 */
final class RunFiles {
    /** The validation split's file in a run folder. */
    static final String SPLIT = "split.json";
    /** The final evaluation's file in a run folder. */
    static final String EVALUATION = "evaluation.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RunFiles() {
    }

    /** The content of split.json. */
    record SplitFile(String data, double fraction, long seed, int sourceRows, int[] validationRows) {
    }

    /** The content of evaluation.json. */
    record EvaluationFile(String set, int samples, Double loss, Double accuracy, List<String> classes,
                          int[][] confusion) {
    }

    /** Writes split.json (atomically). */
    static void writeSplit(Path dir, String data, PreparedData.Split s) throws IOException {
        AtomicFiles.write(dir.resolve(SPLIT), JSON.writeValueAsBytes(new SplitFile(data, s.fraction(), s.seed(),
                s.sourceRows(), s.validationRows())));
    }

    /**
     * Reads split.json of {@code dir}, or null when there is none; a malformed one, or one whose rows are not
     * ascending and inside {@code source_rows}, is an error naming the file.
     */
    static SplitFile readSplit(Path dir) throws IOException {
        Path f = dir.resolve(SPLIT);
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (Files.isSymbolicLink(f) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(f + ": not a regular file (a run folder's files are never links)");
        }
        SplitFile s;
        try {
            s = JSON.readValue(f.toFile(), SplitFile.class);
        } catch (IOException e) {
            throw new IOException(f + ": not a valid split file: " + e.getMessage(), e);
        }
        int[] rows = s.validationRows() == null ? new int[0] : s.validationRows();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= s.sourceRows() || i > 0 && rows[i] <= rows[i - 1]) {
                throw new IOException(f + ": validation_rows must be ascending row indices in [0, " + s.sourceRows()
                        + "), got " + rows[i] + " at position " + i);
            }
        }
        return s;
    }

    /** Writes evaluation.json (atomically). */
    static void writeEvaluation(Path dir, String set, Evaluation e, List<String> classes) throws IOException {
        AtomicFiles.write(dir.resolve(EVALUATION), JSON.writeValueAsBytes(new EvaluationFile(set, e.samples(),
                dev.backprop.diagnose.MetricsJson.finite(e.loss()), dev.backprop.diagnose.MetricsJson.finite(e.accuracy()),
                classes, e.confusion())));
    }
}
