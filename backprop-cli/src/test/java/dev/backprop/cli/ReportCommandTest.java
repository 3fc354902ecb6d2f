package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backprop report}: where it writes, and the errors for missing or malformed run-folder files. */
class ReportCommandTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void train() {
        run = tmp.resolve("run");
        Cli.run("train", "--samples", "200", "--epochs", "1", "--out", run.toString()).expect(0);
    }

    @Test
    void writesTheReportWhereAsked() throws IOException {
        Path out = tmp.resolve("elsewhere/report of run.html");
        Cli.Result r = Cli.run("report", run.toString(), "--out", out.toString()).expect(0);
        assertTrue(r.out().contains("report: " + out), r.out());
        assertTrue(Files.readString(out).contains("<section id=\"findings\">"));
    }

    @Test
    void writesIntoTheRunFolderByDefault() throws IOException {
        Path copy = copyRun("default");
        Files.delete(copy.resolve("report.html"));
        Cli.Result r = Cli.run("report", copy.toString()).expect(0);
        assertTrue(r.out().contains("report: " + copy.resolve("report.html")), r.out());
        assertTrue(Files.isRegularFile(copy.resolve("report.html")));
    }

    @Test
    void aMissingRunFolderIsNamed() {
        Path none = tmp.resolve("no-such-run");
        Cli.Result r = Cli.run("report", none.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains("no such run folder: " + none), r.err());
    }

    @Test
    void aFolderWithoutConfigIsNotARunFolder() throws IOException {
        Path copy = copyRun("no-config");
        Files.delete(copy.resolve("config.json"));
        Cli.Result r = Cli.run("report", copy.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains("missing config.json") && r.err().contains(copy.resolve("config.json").toString()),
                r.err());
    }

    @Test
    void aMissingMetricsFileIsNamed() throws IOException {
        Path copy = copyRun("no-metrics");
        Files.delete(copy.resolve("metrics.jsonl"));
        Cli.Result r = Cli.run("report", copy.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains("missing metrics.jsonl"), r.err());
    }

    @Test
    void aMalformedMetricsLineIsNamedWithItsNumber() throws IOException {
        Path copy = copyRun("bad-metrics");
        Files.writeString(copy.resolve("metrics.jsonl"), "{\"type\":\"epoch\",\"epoch\":1}\n{\"type\":\"ep\n");
        Cli.Result r = Cli.run("report", copy.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains(copy.resolve("metrics.jsonl") + ": line 2: invalid JSON"), r.err());
    }

    @Test
    void malformedConfigAndFindingsAreNamed() throws IOException {
        Path copy = copyRun("bad-config");
        Files.writeString(copy.resolve("config.json"), "{\"data\": ");
        Cli.Result r = Cli.run("report", copy.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains(copy.resolve("config.json") + ": invalid JSON"), r.err());

        Path copy2 = copyRun("bad-findings");
        Files.writeString(copy2.resolve("findings.json"), "{\"kind\": \"symmetry\"}");
        r = Cli.run("report", copy2.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains(copy2.resolve("findings.json") + ": expected a JSON list"), r.err());
    }

    @Test
    void aTruncatedWeightsFileIsNamed() throws IOException {
        Path copy = copyRun("bad-weights");
        Files.write(copy.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Cli.Result r = Cli.run("report", copy.toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains(copy.resolve("model.safetensors").toString()), r.err());
    }

    @Test
    void helpShowsTheCommand() {
        Cli.Result r = Cli.run("--help").expect(0);
        assertTrue(r.out().contains("report"), r.out());
    }

    private static Path copyRun(String name) throws IOException {
        Path copy = tmp.resolve(name);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(run)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }
}
