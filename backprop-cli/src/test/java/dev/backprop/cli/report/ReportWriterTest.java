package dev.backprop.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a real tiny run (trained in-process once): its sections, its charts, and that it stands alone. */
class ReportWriterTest {
    /** Sections of every report, in page order. */
    static final List<String> SECTIONS = List.of("summary", "config", "findings", "epochs", "gradients", "updates",
            "activations", "weights", "sparsity");

    @TempDir
    static Path tmp;
    static Path run;
    static String trainOut;

    @BeforeAll
    static void train() {
        run = tmp.resolve("run");
        trainOut = main(0, "train", "--samples", "200", "--epochs", "2", "--log-every", "2", "--out", run.toString());
    }

    /** Runs the command line in-process, checks its exit code and returns stdout and stderr together. */
    static String main(int expectedCode, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, o, args);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, () -> List.of(args) + " printed:\n" + text);
        return text;
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void trainingWritesTheReportAndTheInitialWeights() {
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
        assertTrue(Files.isRegularFile(run.resolve("initial.safetensors")));
        assertTrue(trainOut.contains("report: " + run.resolve("report.html")), trainOut);
    }

    @Test
    void everySectionIsThereInOrder() throws IOException {
        String html = read(run.resolve("report.html"));
        int last = -1;
        for (String id : SECTIONS) {
            int at = html.indexOf("<section id=\"" + id + "\">");
            assertTrue(at > last, () -> "section " + id + " missing or out of order");
            last = at;
        }
    }

    @Test
    void everyChartIsOneInlineSvg() throws IOException {
        String html = read(run.resolve("report.html"));
        // loss, accuracy, confusion matrix, two gradient charts, update ratios, dead units, 3 weight histograms (no
        // zero-fraction chart: without L1 no weight is exactly zero, which a note says instead)
        assertEquals(10, count(html, "<figure class=\"chart\">"));
        assertEquals(10, count(html, "<svg "));
        Matcher m = Pattern.compile("(?s)<figure class=\"chart\">(.*?)</figure>").matcher(html);
        while (m.find()) {
            String fig = m.group(1);
            assertEquals(1, count(fig, "<svg "), fig.substring(0, Math.min(200, fig.length())));
            assertTrue(fig.contains("viewBox="), "scalable");
            assertTrue(count(fig, "<path") + count(fig, "<rect") > 5, "drawn lines, bars or cells");
        }
    }

    @Test
    void chartsShowTheRun() throws IOException {
        String html = read(run.resolve("report.html"));
        for (String title : List.of(">Loss<", ">Accuracy<", ">Weight gradient norm", ">Update ratio",
                ">Dead units (ReLU family)<", ">layer 0 (Linear(2-&gt;64))<", ">layer 2 (Linear(64-&gt;64))<",
                ">layer 4 (Linear(64-&gt;2))<", ">Confusion matrix (test set)<")) {
            assertTrue(html.contains(title), title);
        }
        assertTrue(html.contains(">layer 1 (ReLU)<") && html.contains(">layer 3 (ReLU)<"),
                "one dead-unit line per ReLU layer, named as findings name layers");
        assertFalse(html.contains(">Weights exactly zero<"), "no empty sparsity chart");
        assertTrue(html.contains("No L1: no weights are exactly zero"), "but a sentence saying why");
        assertTrue(html.contains(">start<") && html.contains(">end<"), "histograms at the start and the end");
    }

    @Test
    void configurationTableOfADefaultRunShowsTheDefaultsToo() throws IOException {
        String html = read(run.resolve("report.html"));
        String config = html.substring(html.indexOf("<section id=\"config\">"), html.indexOf("<section id=\"findings\">"));
        for (String cells : List.of("<th>layers</th><td>2-64-64-2</td>", "<th>activation</th><td>relu</td>",
                "<th>init</th><td>default (he-normal; xavier-uniform for the output layer)</td>",
                "<th>optimizer</th><td>sgd</td>", "<th>lr</th><td>0.05</td>", "<th>momentum</th><td>0.9</td>",
                "<th>nesterov</th><td>false</td>", "<th>loss</th><td>cross-entropy</td>", "<th>batch</th><td>64</td>",
                "<th>l2</th><td>0.0</td>", "<th>schedule</th><td>constant</td>", "<th>samples</th><td>200</td>",
                "<th>noise</th><td>0.05</td>", "<th>seed</th><td>42</td>", "<th>dtype</th><td>f32</td>",
                "<th>shuffle</th><td>true</td>", "<th>normalize</th><td>none</td>")) {
            assertTrue(config.contains(cells), cells + " in\n" + config);
        }
        assertFalse(config.contains("{"), "the optimizer's hyper-parameters have rows of their own: " + config);
    }

    @Test
    void configurationAndEpochTablesHoldTheRunsValues() throws IOException {
        String html = read(run.resolve("report.html"));
        String config = html.substring(html.indexOf("<section id=\"config\">"), html.indexOf("<section id=\"findings\">"));
        for (String key : List.of("data", "epochs", "batch", "activation", "optimizer", "seed", "log-every")) {
            assertTrue(config.contains("<th>" + key + "</th>"), key);
        }
        assertTrue(config.contains("<td>spirals</td>"));
        String epochs = html.substring(html.indexOf("<section id=\"epochs\">"), html.indexOf("<section id=\"gradients\">"));
        assertTrue(epochs.contains("<tr><td>1</td>") && epochs.contains("<tr><td>2</td>"), "a row per epoch");
        assertFalse(epochs.contains("<tr><td>3</td>"));
    }

    @Test
    void aHealthyRunSaysNoProblemsFound() throws IOException {
        String html = read(run.resolve("report.html"));
        assertTrue(html.contains("No problems found."));
    }

    @Test
    void theReportStandsAlone() throws IOException {
        String html = read(run.resolve("report.html"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("<link"), "no linked stylesheets");
        assertFalse(html.contains("<img"), "no images to load");
        assertFalse(html.contains("@import"), "no imported CSS");
        Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*['\"]?\\s*(https?:|//)|url\\(\\s*['\"]?\\s*(https?:|//)")
                .matcher(html);
        assertFalse(external.find(), () -> "external reference: " + html.substring(external.start(),
                Math.min(html.length(), external.start() + 80)));
        assertTrue(html.contains("<style>"), "inline CSS");
    }

    @Test
    void findingsAreListedWithTheirMessages() throws IOException {
        Path copy = copyRun("with-findings");
        Files.writeString(copy.resolve("findings.json"), """
                [{"kind": "symmetry", "layer": 2, "layer_name": "Linear(64->64)", "step": 1,
                  "message": "layer 2: all 64 neurons are identical <constant init> - use a random initializer"}]
                """);
        ReportWriter.write(copy, copy.resolve("r.html"));
        String html = read(copy.resolve("r.html"));
        String findings = html.substring(html.indexOf("<section id=\"findings\">"), html.indexOf("<section id=\"epochs\">"));
        assertTrue(findings.contains(">symmetry<"), findings);
        assertTrue(findings.contains("layer 2 (Linear(64-&gt;64)), step 1"), findings);
        assertTrue(findings.contains("all 64 neurons are identical &lt;constant init&gt; - use a random initializer"));
        assertFalse(findings.contains("No problems found"));
    }

    @Test
    void sectionsWithoutTheirDataSayWhy() throws IOException {
        Path copy = copyRun("bare");
        Files.delete(copy.resolve("findings.json"));
        Files.delete(copy.resolve("initial.safetensors"));
        List<String> epochsOnly = Files.readAllLines(copy.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"epoch\"")).toList();
        Files.write(copy.resolve("metrics.jsonl"), epochsOnly);
        ReportWriter.write(copy, copy.resolve("r.html"));
        String html = read(copy.resolve("r.html"));
        assertEquals(3, count(html, "No per-step statistics"), "gradients, updates, activations");
        assertTrue(html.contains("no initial.safetensors: start not shown"));
        assertTrue(html.contains("Diagnostics were off for this run"));
        assertEquals(count(html, "<figure class=\"chart\">"), count(html, "<svg "));
        assertFalse(html.contains(">start<"), "no start histogram");
    }

    @Test
    void aDivergedRunGetsAReportToo() throws IOException {
        Path div = tmp.resolve("diverged");
        String out = main(1, "train", "--samples", "200", "--epochs", "2", "--lr", "1e6", "--out", div.toString());
        assertTrue(out.contains("report of the failed run: " + div.resolve("report.html")), out);
        String html = read(div.resolve("report.html"));
        assertTrue(html.contains("diverged (see the findings)"));
        assertTrue(html.contains(">divergence<"), "the divergence finding is listed");
        assertTrue(html.contains("no final weights saved"));
        assertEquals(count(html, "<figure class=\"chart\">"), count(html, "<svg "));
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
