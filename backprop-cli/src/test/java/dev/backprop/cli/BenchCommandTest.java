package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.kernel.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs {@code backprop bench gemm} in-process with tiny repetitions and checks what it prints. */
class BenchCommandTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out));
        int code = cmd.execute(args);
        assertEquals(0, code, "exit code of " + List.of(args));
        return out.toString();
    }

    @Test
    void jsonHasThreadsAndOneResultPerShape() throws Exception {
        String text = run("bench", "gemm", "--threads", "1", "--reps", "1", "--rep-ms", "1", "--json");
        JsonNode root = new ObjectMapper().readTree(text);
        assertEquals(Set.of("threads", "results"), Set.copyOf(List.copyOf(iterable(root))));
        assertEquals(1, root.get("threads").asInt());
        JsonNode results = root.get("results");
        assertEquals(BenchCommand.SHAPES.size(), results.size());
        for (JsonNode r : results) {
            assertEquals(Set.of("m", "n", "k", "form", "gflops"), Set.copyOf(List.copyOf(iterable(r))));
            assertTrue(r.get("m").asInt() > 0 && r.get("n").asInt() > 0 && r.get("k").asInt() > 0);
            assertTrue(Set.of("NN", "NT", "TN").contains(r.get("form").asText()), r.toString());
            assertTrue(r.get("gflops").isNumber() && r.get("gflops").asDouble() > 0, r.toString());
        }
        assertTrue(results.findValuesAsText("form").containsAll(List.of("NN", "NT", "TN")));
    }

    @Test
    void tableNamesEveryShape() {
        String text = run("bench", "gemm", "--threads", "2", "--reps", "1", "--rep-ms", "1");
        assertTrue(text.contains("2 thread(s)"), text);
        for (BenchCommand.Shape s : BenchCommand.SHAPES) {
            assertTrue(text.contains(s.name()), s.name() + " missing from\n" + text);
        }
    }

    /**
     * The FLOP count of one epoch of the benchmark MLP, by hand: per sample 2·(784·256 + 256·128 + 128·10) for the
     * forward pass, as much for the weight gradients, and 2·(256·128 + 128·10) for the input gradients of the last two
     * layers (the first layer's input needs none): 60.4 GFLOP over 60,000 samples, as issue 11 states.
     */
    @Test
    void mlpEpochFlopCountIsTheClosedForm() {
        double forward = 2.0 * (784 * 256 + 256 * 128 + 128 * 10);
        double inputGrads = 2.0 * (256 * 128 + 128 * 10);
        assertEquals(60_000 * (2 * forward + inputGrads), MlpBench.flopPerEpoch(60_000), 1e-3);
        assertEquals(60.4e9, MlpBench.flopPerEpoch(60_000), 0.05e9);
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
