package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Diagnostics are on by default in {@code backprop train}: findings on stdout, in --json, findings.json, metrics.jsonl. */
class DiagnosticsCliTest {
    @TempDir
    Path tmp;

    @Test
    void deepSigmoidNetworkReportsVanishingGradientEverywhere() throws IOException {
        Path run = tmp.resolve("sigmoid");
        JsonNode j = Cli.run("train", "--samples", "200", "--epochs", "2", "--activation", "sigmoid",
                "--layers", "2-32-32-32-32-32-32-32-2", "--init", "uniform:0.2", "--out", run.toString(), "--json")
                .expect(0).json();
        JsonNode findings = j.get("findings");
        assertTrue(findings.isArray() && findings.size() > 0, j.toString());
        JsonNode f = findings.get(0);
        assertEquals("vanishing-gradient", f.get("kind").asText());
        assertEquals(List.of("kind", "layer", "path", "layer_name", "step", "message"), Cli.fields(f));
        assertTrue(f.get("message").asText().contains("try ReLU"), f.toString());
        JsonNode saved = Cli.JSON.readTree(Files.readString(run.resolve("findings.json")));
        assertEquals(findings, saved);
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"type\":\"step\"") && l.contains("first_to_last_grad_ratio")),
                "per-step diagnostics in metrics.jsonl");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"type\":\"epoch\"")));
    }

    @Test
    void healthyRunHasNoFindingsAndSaysSo() {
        Path run = tmp.resolve("relu");
        Cli.Result r = Cli.run("train", "--samples", "200", "--epochs", "2", "--out", run.toString()).expect(0);
        assertTrue(r.out().contains("diagnostics: no problems found"), r.out());
        JsonNode j = Cli.run("train", "--samples", "200", "--epochs", "2", "--out", tmp.resolve("j").toString(),
                "--json").expect(0).json();
        assertEquals(0, j.get("findings").size(), j.toString());
    }

    @Test
    void constantInitIsReportedAsSymmetry() {
        JsonNode j = Cli.run("train", "--samples", "200", "--epochs", "1", "--layers", "2-16-16-2", "--init",
                "constant:0.1", "--out", tmp.resolve("c").toString(), "--json").expect(0).json();
        boolean symmetry = false;
        for (JsonNode f : j.get("findings")) {
            symmetry |= f.get("kind").asText().equals("symmetry");
        }
        assertTrue(symmetry, j.get("findings").toString());
    }
}
