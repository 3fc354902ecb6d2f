package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backprop serve}: its usage errors, and the command as a process serving a run folder. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        assertTrue(Cli.run("serve", "--help").expect(0).out().contains("Usage: backprop serve"));
        Cli.Result missing = Cli.run("serve", "--port", "0", tmp.resolve("nope").toString()).expect(2).noStackTrace();
        assertTrue(missing.err().contains("RUNS_DIR " + tmp.resolve("nope")), missing.err());
        Cli.Result port = Cli.run("serve", "--port", "70000", tmp.toString()).expect(2).noStackTrace();
        assertTrue(port.err().contains("--port must be between 0 and 65535"), port.err());
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result busy = Cli.run("serve", "--port", Integer.toString(taken.getLocalPort()), tmp.toString())
                    .expect(2).noStackTrace();
            assertTrue(busy.err().contains("--port " + taken.getLocalPort() + ": cannot listen there"), busy.err());
        }
        Cli.Result host = Cli.run("serve", "--host", "no-such-host.invalid", "--port", "0", tmp.toString())
                .expect(2).noStackTrace();
        assertTrue(host.err().contains("--host no-such-host.invalid"), host.err());
    }

    @Test
    void servesARunFolderAsAProcessAndPrintsItsUrl() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Cli.run("train", "--samples", "200", "--epochs", "2", "--out", runs.resolve("one").toString()).expect(0);
        Process p = new ProcessBuilder(java("serve", "--port", "0", runs.toString()))
                .redirectError(tmp.resolve("serve.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("serving the runs in "), "first line: " + line);
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/) ").matcher(line);
            assertTrue(m.find(), line);
            URI url = URI.create(m.group(1));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("/api/runs"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            JsonNode list = Cli.JSON.readTree(r.body());
            assertEquals(1, list.size());
            assertEquals("one", list.get(0).path("name").asText());
            assertEquals("finished", list.get(0).path("status").asText());
            assertEquals(2, list.get(0).path("epochs").asInt());
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** findings.json is rewritten at each finding, so that serve shows findings while the run trains. */
    @Test
    void findingsAreWrittenWhileTheRunTrains() throws Exception {
        Path run = tmp.resolve("vanishing");
        Process p = new ProcessBuilder(java("train", "--layers", "2-64-64-64-64-64-64-64-64-2", "--activation",
                "sigmoid", "--init", "uniform:0.125", "--epochs", "100000", "--log-every", "5", "--threads", "1",
                "--out", run.toString())).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Path findings = run.resolve("findings.json");
            while (!Files.isRegularFile(findings) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(100);
            }
            if (!Files.isRegularFile(findings)) {
                fail("no findings.json while training: " + Files.readString(tmp.resolve("log")));
            }
            assertTrue(p.isAlive(), "still training");
            assertFalse(Files.exists(run.resolve("model.json")), "written before the end of the run");
            List<Finding> f = MetricsJson.parseFindings(Files.readString(findings));
            assertEquals(Finding.Kind.VANISHING_GRADIENT, f.getFirst().kind(), f.toString());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
