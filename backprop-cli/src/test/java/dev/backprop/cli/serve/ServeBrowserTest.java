package dev.backprop.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backprop serve} as a person sees it: a real training run writes its run folder while headless Chromium
 * keeps the run's page open, and the loss chart must gain points without a reload; then the compare page of two
 * runs must draw a series for each. The pages say what they draw in attributes ({@code data-points},
 * {@code data-series} of each {@code figure.chart}), read in the open page through the DevTools protocol
 * ({@link Chromium}). Skipped only where Chromium is not installed (CI installs it).
 */
class ServeBrowserTest {
    @TempDir
    Path tmp;

    private static String chart(String id, String attribute) {
        return "(function(){var f=document.getElementById('" + id + "');return f?Number(f.dataset." + attribute
                + "):-1;})()";
    }

    @Test
    void theOpenRunPageGainsPointsWhileTrainingAndTheComparePageDrawsBothRuns() throws Exception {
        Path browser = Chromium.executable();
        assumeTrue(browser != null, "chromium is not installed");
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Path live = runs.resolve("live");
        Process training = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--samples", "3000", "--epochs", "1000", "--log-every", "10",
                "--threads", "1", "--out", live.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("train.log").toFile()).start();
        try (RunServer server = RunServer.start(runs, "127.0.0.1", 0)) {
            waitForEpochs(live, 1, training);
            try (Chromium page = new Chromium(browser, tmp.resolve("profile"),
                    server.url().resolve("/runs/live").toString())) {
                int points1 = page.waitFor(chart("chart-loss", "points"), v -> v.asInt() >= 1, 30).asInt();
                assertTrue(points1 >= 1, "the loss chart drew the epochs written so far: " + points1);
                assertTrue(page.waitFor(chart("chart-grad-norm", "series"), v -> v.asInt() >= 2, 10).asInt() >= 2,
                        "a gradient-norm series per Linear layer");
                assertEquals("running", page.waitFor("document.body.dataset.status",
                        v -> v.asText().equals("running"), 10).asText());
                JsonNode points2 = page.waitFor(chart("chart-loss", "points"), v -> v.asInt() >= points1 + 2, 60);
                assertTrue(points2.asInt() >= points1 + 2, "the open page's chart gained points as the run trained: "
                        + points1 + ", then " + points2);
                assertTrue(page.evaluate(chart("chart-grad-norm", "points")).asInt() > 1, "logged steps drawn");
                training.destroy();
                training.waitFor(30, TimeUnit.SECONDS);

                ByteArrayOutputStream log = new ByteArrayOutputStream();
                try (PrintStream o = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                    assertEquals(0, Main.run(o, o, "train", "--samples", "300", "--epochs", "3", "--lr", "0.01",
                            "--out", runs.resolve("small").toString()), log::toString);
                }
                page.navigate(server.url().resolve("/compare?runs=live,small").toString());
                for (String c : List.of("chart-train-loss", "chart-eval-loss", "chart-accuracy", "chart-ratio")) {
                    assertEquals(2, page.waitFor(chart(c, "series"), v -> v.asInt() == 2, 30).asInt(),
                            c + ": a series per run");
                }
                assertTrue(page.evaluate(chart("chart-train-loss", "points")).asInt() >= points2.asInt(),
                        "the live run's epochs on the compare page");
                assertTrue(page.evaluate("document.getElementById('differ').textContent").asText()
                        .contains("optimizer.lr"), "the differing learning rate is listed");
                // a resumed run: the seam is marked on its charts
                try (PrintStream o = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                    assertEquals(0, Main.run(o, o, "train", "--resume", runs.resolve("small").toString(), "--epochs",
                            "5"), log::toString);
                }
                page.navigate(server.url().resolve("/runs/small").toString());
                assertEquals(1, page.waitFor(chart("chart-loss", "marks"), v -> v.asInt() == 1, 30).asInt(),
                        "the resume is marked on the loss chart");
                assertEquals(1, page.evaluate(chart("chart-accuracy", "marks")).asInt(), "and on the accuracy chart");
                assertEquals(5, page.evaluate(chart("chart-loss", "points")).asInt(), "all five epochs drawn");
                // a page open for hours: 100,000 points into one chart buffer keep at most MAX_POINTS (+ the newest),
                // evenly spread from the first point to the last
                JsonNode bounded = page.evaluate("(function(){var b=new BP.Buffer(2);for(var i=0;i<100000;i++)"
                        + "b.push([i,2*i]);var x=b.view()[0],y=b.view()[1],gaps={};for(var j=1;j<x.length-1;j++)"
                        + "gaps[x[j]-x[j-1]]=1;return [x.length,x[0],x[x.length-1],Object.keys(gaps).length,"
                        + "y[x.length-1],BP.MAX_POINTS];})()");
                int maxPoints = bounded.get(5).asInt();
                assertTrue(bounded.get(0).asInt() <= maxPoints + 1 && bounded.get(0).asInt() > maxPoints / 2,
                        "bounded: " + bounded);
                assertEquals(0, bounded.get(1).asInt(), "the first point stays");
                assertEquals(99_999, bounded.get(2).asInt(), "the newest point is shown");
                assertEquals(1, bounded.get(3).asInt(), "one spacing between kept points: " + bounded);
                assertEquals(2 * 99_999, bounded.get(4).asInt(), "columns stay aligned");
            }
        } finally {
            training.destroyForcibly();
            training.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until metrics.jsonl holds {@code n} epoch lines (at most 120 s). */
    private void waitForEpochs(Path run, int n, Process training) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Path m = run.resolve("metrics.jsonl");
            if (Files.isRegularFile(m)) {
                long epochs = Files.readAllLines(m).stream().filter(l -> l.startsWith("{\"type\":\"epoch\"")).count();
                if (epochs >= n) {
                    return;
                }
            }
            if (!training.isAlive()) {
                fail("training ended early: " + Files.readString(tmp.resolve("train.log")));
            }
            Thread.sleep(100);
        }
        fail("no " + n + " epochs within 120 s: " + Files.readString(tmp.resolve("train.log")));
    }
}
