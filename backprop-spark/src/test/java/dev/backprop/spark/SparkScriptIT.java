package dev.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./backprop spark train} through the launcher script, as a user runs it: the script puts this module's jar
 * and Spark's (target/classpath.txt) on the classpath of this command only, and the run folder it leaves is read by
 * the plain {@code ./backprop eval}. Run by failsafe after the module is packaged, so nothing is rebuilt.
 */
class SparkScriptIT {
    @TempDir
    Path tmp;

    record Exit(int code, String out, String err) {
    }

    private Exit backprop(String... args) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent(); // failsafe runs in the module's folder
        List<String> cmd = new ArrayList<>(List.of(root.resolve("backprop").toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        Exit e = new Exit(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertFalse(e.err().contains("backprop: building"), "the script rebuilt a jar that was just packaged:\n"
                + e.err());
        return e;
    }

    @Test
    void sparkTrainThroughTheLauncherLeavesARunFolderThatEvalReads() throws Exception {
        Path run = tmp.resolve("run");
        Exit t = backprop("spark", "train", "--master", "local[1]", "--data", "spirals", "--samples", "200",
                "--epochs", "2", "--layers", "2-8-2", "--out", run.toString(), "--json");
        assertEquals(0, t.code(), t.err());
        JsonNode summary = new ObjectMapper().readTree(t.out());
        assertEquals("local[1]", summary.path("master").asText(), t.out());
        assertEquals(2, summary.path("epochs").size());
        for (String f : List.of("config.json", "spark.json", "metrics.jsonl", "model.json", "model.safetensors",
                "report.html")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " in the run folder");
        }
        Exit e = backprop("eval", "--model", run.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(summary.path("test_accuracy").asDouble(),
                new ObjectMapper().readTree(e.out()).path("accuracy").asDouble(), 1e-12,
                "eval of the Spark-trained model scores the test split as training did");
    }
}
