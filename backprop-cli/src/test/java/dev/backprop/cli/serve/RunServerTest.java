package dev.backprop.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.Resumed;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP layer of {@code backprop serve} over raw sockets: what it serves, what it refuses (path traversal in
 * every encoding, symbolic links out of the runs folder, methods other than GET and HEAD, foreign Host headers),
 * malformed run folders, and metrics.jsonl read incrementally while it grows.
 */
class RunServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "SECRET-outside-the-runs-folder";

    @TempDir
    Path tmp;
    Path runs;
    RunServer server;
    URI url;

    @BeforeEach
    void start() throws IOException {
        runs = Files.createDirectories(tmp.resolve("runs"));
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(tmp.resolve("report.html"), SECRET);
        server = RunServer.start(runs, "127.0.0.1", 0);
        url = server.url();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A run folder as 'backprop train' leaves it, with the epochs' test accuracies given. */
    private Path run(String name, double lr, double... accuracies) throws IOException {
        Path d = Files.createDirectories(runs.resolve(name));
        Files.writeString(d.resolve("config.json"), "{\"layers\": \"2-8-2\", \"activation\": \"relu\", \"optimizer\":"
                + " {\"type\": \"sgd\", \"lr\": " + lr + "}, \"data\": \"spirals\", \"epochs\": 10}");
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < accuracies.length; i++) {
            m.append(epochLine(i + 1, accuracies[i])).append('\n');
        }
        Files.writeString(d.resolve("metrics.jsonl"), m);
        Files.writeString(d.resolve("report.html"), "<html>report of " + name + "</html>");
        return d;
    }

    private static String epochLine(int epoch, double accuracy) {
        return MetricsJson.line(new EpochMetrics(epoch, 1.0 / epoch, 0, 0.5, accuracy, 0.1, 1000, 0.05));
    }

    private JsonNode json(String target) throws IOException {
        Http.Reply r = Http.get(url, target);
        assertEquals(200, r.status(), () -> target + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode row(JsonNode list, String name) {
        for (JsonNode r : list) {
            if (r.path("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no row " + name + " in " + list);
    }

    @Test
    void servesTheRunsItsFilesAndItsAssets() throws IOException {
        run("a", 0.1, 0.5, 0.8, 0.7);
        Http.Reply index = Http.get(url, "/");
        assertEquals(200, index.status());
        assertTrue(index.body().contains("href=\"/runs/a\""), index.body());
        assertEquals("<html>report of a</html>", Http.get(url, "/runs/a/report.html").body());
        Http.Reply page = Http.get(url, "/runs/a");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("data-run=\"a\""), page.body());
        Http.Reply uplot = Http.get(url, "/assets/uPlot.iife.min.js");
        assertEquals(200, uplot.status());
        assertTrue(uplot.body().contains("uPlot"), "the chart library from its webjar");
        assertTrue(uplot.headers().contains("text/javascript"), uplot.headers());
        assertEquals(200, Http.get(url, "/assets/run.js").status());
        assertEquals(404, Http.get(url, "/assets/RunServer.class").status(), "only the listed assets");
        JsonNode a = row(json("/api/runs"), "a");
        assertEquals(3, a.path("epochs").asInt());
        assertEquals(0.8, a.path("best_accuracy").asDouble(), 0, "the largest test_accuracy of the lines written");
        assertEquals("sgd lr 0.1", a.path("optimizer").asText());
        assertEquals("2-8-2", a.path("layers").asText());
        assertEquals("running", a.path("status").asText(), "no model yet, files just written");
    }

    @Test
    void pathTraversalInEveryEncodingIsRefused() throws IOException {
        run("a", 0.1, 0.5);
        List<String> targets = List.of(
                "/runs/../secret.txt", "/runs/a/../../secret.txt", "/runs/a/../../report.html",
                "/runs/%2e%2e/secret.txt", "/runs/%2E%2E/report.html", "/runs/a/%2e%2e%2f%2e%2e%2fsecret.txt",
                "/runs/..%2fsecret.txt", "/runs/..%2Freport.html", "/runs/a/..%2f..%2freport.html",
                "/runs/%252e%252e/report.html", "/runs/a/%252e%252e%252f%252e%252e%252freport.html",
                "/runs/..%5creport.html", "/runs/a/..%5C..%5Creport.html", "/runs/a\\..\\..\\report.html",
                "/runs/%2ftmp%2fsecret.txt", "/runs/" + tmp.resolve("secret.txt").toString().replace("/", "%2f"),
                "//" + tmp.resolve("secret.txt"), "/runs/a/%00report.html", "/runs/a/report.html%00",
                "/runs/a%00/report.html", "/runs/%c0%ae%c0%ae/report.html", "/runs/a/%c0%af..%c0%afreport.html",
                "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/run.js", "/api/runs/..%2f..", "/api/runs/%2e%2e",
                "/api/runs/a%2f..%2f..%2f/metrics", "/compare?runs=..%2f..", "/api/compare?runs=%2e%2e,a",
                "/api/compare?runs=a,%252e%252e", "/runs/a/metrics.jsonl%2f..%2f..%2f..%2fsecret.txt",
                "/runs/.", "/runs/a/.", "/runs/.hidden", "/runs/a/checkpoint", "/runs/a/initial.safetensors");
        for (String t : targets) {
            Http.Reply r = Http.get(url, t);
            assertTrue(r.status() >= 400 && r.status() < 500, () -> t + " answered " + r.status());
            assertFalse(r.body().contains(SECRET), () -> t + " leaked the file outside the runs folder");
        }
        assertEquals(400, Http.get(url, "/runs/%2e%2e/report.html").status());
        assertEquals(400, Http.get(url, "/runs/%252e%252e/report.html").status(), "double encoding");
        assertEquals(400, Http.get(url, "/runs/a/%00report.html").status(), "NUL");
        assertEquals(200, Http.get(url, "/runs/a/report.html").status(), "the plain name still works");
    }

    @Test
    void symbolicLinksOutOfTheRunsFolderAreRefused() throws IOException {
        run("a", 0.1, 0.5);
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("config.json"), "{\"data\": \"" + SECRET + "\"}");
        Files.writeString(outside.resolve("metrics.jsonl"), epochLine(1, 0.5) + "\n");
        Files.writeString(outside.resolve("report.html"), SECRET);
        Files.createSymbolicLink(runs.resolve("linked"), outside);
        Path b = run("b", 0.1, 0.5);
        Files.delete(b.resolve("report.html"));
        Files.createSymbolicLink(b.resolve("report.html"), tmp.resolve("secret.txt"));
        Files.delete(b.resolve("metrics.jsonl"));
        Files.createSymbolicLink(b.resolve("metrics.jsonl"), outside.resolve("metrics.jsonl"));

        for (String t : List.of("/runs/linked", "/runs/linked/report.html", "/api/runs/linked",
                "/api/runs/linked/metrics", "/runs/linked/config.json", "/runs/b/report.html", "/api/runs/b/metrics",
                "/runs/b/metrics.jsonl")) {
            Http.Reply r = Http.get(url, t);
            assertEquals(403, r.status(), () -> t + ": " + r.body());
            assertFalse(r.body().contains(SECRET), t);
        }
        JsonNode list = json("/api/runs");
        assertEquals("error", row(list, "linked").path("status").asText());
        assertTrue(row(list, "linked").path("error").asText().contains("symbolic link"), list.toString());
        assertFalse(list.toString().contains(SECRET));
        assertEquals(1, row(list, "a").path("epochs").asInt(), "the other runs still show");
    }

    @Test
    void aMalformedRunFolderShowsItsErrorAndTheOthersStillShow() throws IOException {
        run("good", 0.1, 0.4, 0.6);
        Path badConfig = run("bad-config", 0.1, 0.5);
        Files.writeString(badConfig.resolve("config.json"), "{\"layers\": ");
        Files.createDirectories(runs.resolve("empty"));
        Path badLine = run("bad-line", 0.1, 0.5);
        Files.writeString(badLine.resolve("metrics.jsonl"), epochLine(1, 0.3) + "\n{not json\n" + epochLine(2, 0.9)
                + "\n");
        Path badFindings = run("bad-findings", 0.1, 0.5);
        Files.writeString(badFindings.resolve("findings.json"), "{\"kind\": 3}");
        Files.writeString(runs.resolve("not-a-folder.txt"), "x");

        Http.Reply index = Http.get(url, "/");
        assertEquals(200, index.status());
        assertTrue(index.body().contains("config.json: invalid JSON"), index.body());
        JsonNode list = json("/api/runs");
        assertEquals(5, list.size(), "folders only: " + list);
        assertEquals(2, row(list, "good").path("epochs").asInt());
        assertEquals(0.6, row(list, "good").path("best_accuracy").asDouble(), 0);
        assertEquals("error", row(list, "bad-config").path("status").asText());
        assertTrue(row(list, "bad-config").path("error").asText().startsWith("config.json: invalid JSON"));
        assertTrue(row(list, "empty").path("error").asText().contains("no config.json"), list.toString());
        assertEquals("error", row(list, "bad-findings").path("status").asText());
        assertTrue(row(list, "bad-findings").path("error").asText().contains("findings.json"));
        JsonNode bl = row(list, "bad-line");
        assertEquals(2, bl.path("epochs").asInt(), "the lines around a bad one still count");
        assertEquals(0.9, bl.path("best_accuracy").asDouble(), 0);
        assertTrue(bl.path("warning").asText().contains("line 2"), bl.toString());

        assertEquals(200, Http.get(url, "/runs/bad-config").status(), "its page opens, to show the error");
        JsonNode info = json("/api/runs/bad-config");
        assertTrue(info.path("error").asText().contains("config.json"), info.toString());
        JsonNode m = json("/api/runs/bad-line/metrics");
        assertEquals(2, m.path("epochs").size());
        assertTrue(m.path("errors").get(0).asText().startsWith("metrics.jsonl line 2: invalid JSON"), m.toString());
        assertEquals(404, Http.get(url, "/runs/missing").status());
    }

    @Test
    void metricsAreReadFromTheLastOffsetAndAPartialLastLineWaits() throws IOException {
        Path d = run("live", 0.1);
        Path metrics = d.resolve("metrics.jsonl");
        String l1 = epochLine(1, 0.5);
        String l2 = epochLine(2, 0.6);
        String l3 = epochLine(3, 0.7);
        append(metrics, l1 + "\n" + l2 + "\n" + l3.substring(0, 20));
        JsonNode c1 = json("/api/runs/live/metrics?since=0");
        assertEquals(List.of(1, 2), epochs(c1));
        long next = c1.path("next").asLong();
        assertEquals((l1 + "\n" + l2 + "\n").getBytes(StandardCharsets.UTF_8).length, next,
                "the offset stops before the partial line");
        assertEquals(2, c1.path("next_line").asLong());
        String file = c1.path("file").asText();
        String q = "/api/runs/live/metrics?since=" + next + "&line=2&file=" + file;
        assertEquals(List.of(), epochs(json(q)), "nothing new while the last line is partial");

        append(metrics, l3.substring(20) + "\n" + epochLine(4, 0.4) + "\n");
        JsonNode c2 = json(q);
        assertEquals(List.of(3, 4), epochs(c2), "the completed line and the next, nothing read twice");
        assertFalse(c2.path("reset").asBoolean());
        assertEquals(0.7, c2.path("epochs").get(0).path("test_accuracy").asDouble(), 0);
        assertEquals(4, c2.path("next_line").asLong());
        assertEquals(Files.size(metrics), c2.path("next").asLong());

        JsonNode mid = json("/api/runs/live/metrics?since=" + (next + 5) + "&file=" + file);
        assertTrue(mid.path("reset").asBoolean(), "an offset inside a line starts again");
        assertEquals(List.of(1, 2, 3, 4), epochs(mid));

        // a resumed run rewrites the file (atomically: a new file), cut back to its checkpoint
        Path tmpFile = d.resolve(".metrics.jsonl.tmp");
        Files.writeString(tmpFile, l1 + "\n" + l2 + "\n" + epochLine(3, 0.75) + "\n" + epochLine(4, 0.8) + "\n"
                + epochLine(5, 0.85) + "\n");
        Files.move(tmpFile, metrics, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        JsonNode replaced = json("/api/runs/live/metrics?since=" + c2.path("next").asLong() + "&line=4&file=" + file);
        assertTrue(replaced.path("reset").asBoolean(), "a replaced file is read again from its start");
        assertEquals(List.of(1, 2, 3, 4, 5), epochs(replaced));
        assertEquals(400, Http.get(url, "/api/runs/live/metrics?since=-3").status());
        assertEquals(400, Http.get(url, "/api/runs/live/metrics?since=abc").status());
    }

    @Test
    void aResumeLineReachesThePageAsAMark() throws IOException {
        Path d = run("resumed", 0.1, 0.5, 0.6);
        append(d.resolve("metrics.jsonl"), MetricsJson.line(new Resumed(2, 40, List.of("epochs 2 -> 4"))) + "\n"
                + epochLine(3, 0.7) + "\n");
        JsonNode m = json("/api/runs/resumed/metrics?since=0");
        assertEquals(List.of(1, 2, 3), epochs(m));
        assertEquals(1, m.path("resumes").size(), m.toString());
        JsonNode r = m.path("resumes").get(0);
        assertEquals(2, r.path("epoch").asInt());
        assertEquals(40, r.path("step").asLong());
        assertEquals("epochs 2 -> 4", r.path("changes").get(0).asText());
        assertEquals(0, json("/api/runs/resumed/metrics?since=" + m.path("next").asLong() + "&line="
                + m.path("next_line").asLong() + "&file=" + m.path("file").asText()).path("resumes").size(),
                "a mark is sent once");
    }

    @Test
    void theListKeepsItsOffsetAndCountsOnlyNewLines() throws IOException {
        Path d = run("grow", 0.1, 0.5);
        assertEquals(1, row(json("/api/runs"), "grow").path("epochs").asInt());
        append(d.resolve("metrics.jsonl"), epochLine(2, 0.9) + "\n" + epochLine(3, 0.2).substring(0, 30));
        JsonNode r = row(json("/api/runs"), "grow");
        assertEquals(2, r.path("epochs").asInt());
        assertEquals(0.9, r.path("best_accuracy").asDouble(), 0);
        append(d.resolve("metrics.jsonl"), epochLine(3, 0.2).substring(30) + "\n");
        assertEquals(3, row(json("/api/runs"), "grow").path("epochs").asInt());
    }

    @Test
    void statusFollowsTheRunFolder() throws IOException {
        Path fin = run("fin", 0.1, 0.5);
        Files.writeString(fin.resolve("model.json"), "{}");
        Files.write(fin.resolve("model.safetensors"), new byte[8]);
        Files.setLastModifiedTime(fin.resolve("metrics.jsonl"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 5000));
        Path div = run("div", 0.1, 0.5);
        Files.write(div.resolve("findings.json"), MetricsJson.findingsDocument(List.of(new Finding(
                Finding.Kind.DIVERGENCE, 0, "0", "Linear(2->8)", 7, "NaN in the loss"))));
        Path old = run("old", 0.1, 0.5);
        java.nio.file.attribute.FileTime long_ago = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - (RunState.STALE_SECONDS + 60) * 1000);
        for (String f : List.of("metrics.jsonl", "config.json")) {
            Files.setLastModifiedTime(old.resolve(f), long_ago);
        }
        JsonNode list = json("/api/runs");
        assertEquals("finished", row(list, "fin").path("status").asText());
        assertEquals("diverged", row(list, "div").path("status").asText());
        assertEquals(1, row(list, "div").path("findings").asInt());
        assertEquals("stopped", row(list, "old").path("status").asText());
        JsonNode info = json("/api/runs/div");
        assertEquals("divergence", info.path("finding_list").get(0).path("kind").asText());
        assertEquals(0.1, info.path("config").path("optimizer").path("lr").asDouble(), 0);
    }

    @Test
    void compareListsTheSettingsThatDiffer() throws IOException {
        run("x", 0.1, 0.5);
        run("y", 0.01, 0.6);
        JsonNode c = json("/api/compare?runs=x,y");
        assertEquals(1, c.path("differ").size(), c.toString());
        assertEquals("optimizer.lr", c.path("differ").get(0).path("key").asText());
        assertEquals(0.1, c.path("differ").get(0).path("values").get(0).asDouble(), 0);
        assertEquals(0.01, c.path("differ").get(0).path("values").get(1).asDouble(), 0);
        assertEquals(200, Http.get(url, "/compare?runs=x,y").status());
        assertEquals(404, Http.get(url, "/api/compare?runs=x,nope").status());
        assertEquals(400, Http.get(url, "/api/compare").status());
    }

    @Test
    void readOnlyAndOnlyForLoopbackHosts() throws IOException {
        run("a", 0.1, 0.5);
        for (String m : List.of("POST", "PUT", "DELETE")) {
            assertEquals(405, Http.request(url, m, "/runs/a/report.html", "127.0.0.1").status(), m);
        }
        assertEquals(200, Http.request(url, "HEAD", "/runs/a/report.html", "127.0.0.1").status());
        assertEquals(200, Http.request(url, "GET", "/", "localhost:" + url.getPort()).status());
        assertEquals(403, Http.request(url, "GET", "/runs/a/report.html", "attacker.example").status(),
                "a foreign Host (DNS rebinding) is refused");
        Http.Reply r = Http.get(url, "/runs/a/report.html");
        assertTrue(r.headers().toLowerCase(java.util.Locale.ROOT).contains("content-security-policy: default-src 'none'"),
                r.headers());
    }

    @Test
    void textFromRunFoldersIsEscaped() throws IOException {
        String name = "<img src=x onerror=alert(1)>";
        Path d = run(name, 0.1, 0.5);
        Files.writeString(d.resolve("config.json"), "{\"data\": \"<script>alert(2)</script>\", \"layers\": \"2-2\"}");
        String index = Http.get(url, "/").body();
        assertFalse(index.contains("<img src=x") || index.contains("<script>alert"), index);
        assertTrue(index.contains("&lt;img src=x onerror=alert(1)&gt;"), index);
        assertTrue(index.contains("href=\"/runs/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\""), index);
        Http.Reply page = Http.get(url, "/runs/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E");
        assertEquals(200, page.status());
        assertFalse(page.body().contains("<img src=x"), page.body());
    }

    @Test
    void aMissingRunsFolderIsAnError() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> RunServer.start(tmp.resolve("nope"), "127.0.0.1", 0));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    private static List<Integer> epochs(JsonNode chunk) {
        List<Integer> out = new ArrayList<>();
        chunk.path("epochs").forEach(e -> out.add(e.path("epoch").asInt()));
        return out;
    }

    private static void append(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardOpenOption.APPEND);
    }
}
