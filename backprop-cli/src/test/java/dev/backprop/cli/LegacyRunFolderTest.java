package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.Model;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder written by version 0.1 (see src/test/resources/fixtures/README.md) still loads, evaluates and predicts
 * exactly as 0.1 did: the reference outputs were written by 0.1's own commands.
 */
class LegacyRunFolderTest {
    @TempDir
    Path tmp;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(LegacyRunFolderTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void evaluatesAsVersion01Did() throws Exception {
        JsonNode want = Cli.JSON.readTree(Files.readString(fixture("run-v0.1-eval.json")));
        JsonNode got = Cli.run("eval", "--model", fixture("run-v0.1").toString(), "--data",
                fixture("flowers.csv").toString(), "--label-column", "species", "--json").expect(0).json();
        for (String k : List.of("loss", "accuracy", "samples", "confusion", "classes")) {
            assertEquals(want.get(k), got.get(k), k);
        }
    }

    @Test
    void predictsTheSameBytesAsVersion01() throws Exception {
        Path out = tmp.resolve("predictions.csv");
        Cli.run("predict", "--model", fixture("run-v0.1").toString(), "--input", fixture("flowers.csv").toString(),
                "--label-column", "species", "--output", out.toString()).expect(0);
        assertEquals(Files.readString(fixture("run-v0.1-predictions.csv")), Files.readString(out));
    }

    @Test
    void loadsAsAModelWithoutFeatureNames() throws Exception {
        Model m = Model.load(fixture("run-v0.1"));
        assertEquals(List.of("setosa", "versicolor", "virginica"), m.classNames());
        assertEquals(3, m.inputFeatures());
        assertTrue(!m.hasFeatureNames() && m.featureNames().equals(List.of("x0", "x1", "x2")));
        // row 1 of flowers.csv against 0.1's probabilities, printed with 6 decimals
        String[] row = Files.readAllLines(fixture("flowers.csv")).get(1).split(",");
        float[][] p = m.predictProbabilities(new float[][] {{Float.parseFloat(row[0]), Float.parseFloat(row[1]),
                Float.parseFloat(row[2])}});
        String[] ref = Files.readAllLines(fixture("run-v0.1-predictions.csv")).get(1).split(",");
        float[] want = {Float.parseFloat(ref[1]), Float.parseFloat(ref[2]), Float.parseFloat(ref[3])};
        assertArrayEquals(want, p[0], 5e-7f);
    }

    @Test
    void inspectsAndReportsTheOldFolder() throws IOException, URISyntaxException {
        Path copy = tmp.resolve("run");
        Files.createDirectories(copy);
        try (var files = Files.walk(fixture("run-v0.1"))) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(fixture("run-v0.1").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Cli.run("inspect", copy.toString()).expect(0);
        Cli.run("report", copy.toString()).expect(0);
        assertTrue(Files.size(copy.resolve("report.html")) > 10_000);
    }
}
