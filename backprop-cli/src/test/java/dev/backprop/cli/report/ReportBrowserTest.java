package dev.backprop.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backprop.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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

/**
 * Opens a real report in headless Chromium, as a person would, and checks that every chart was drawn with a
 * non-zero size and visible content. Skipped only where Chromium is not installed (CI installs it).
 */
class ReportBrowserTest {
    /** Measures, once the page is laid out, how many charts show an SVG of non-zero size with drawn content. */
    static final String PROBE = """
            <script>
            (function () {
              var figures = document.querySelectorAll('figure.chart');
              var rendered = 0, texts = 0;
              figures.forEach(function (f) {
                var svg = f.querySelector('svg');
                if (!svg) return;
                var box = svg.getBoundingClientRect();
                var drawn = svg.getBBox();
                if (box.width > 100 && box.height > 50 && drawn.width > 0 && drawn.height > 0) rendered++;
                svg.querySelectorAll('text').forEach(function (t) {
                  if (t.getBoundingClientRect().width > 0) texts++;
                });
              });
              document.body.setAttribute('data-charts-total', figures.length);
              document.body.setAttribute('data-charts-rendered', rendered);
              document.body.setAttribute('data-chart-texts-rendered', texts);
            })();
            </script>
            """;

    @TempDir
    Path tmp;

    static Path chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    @Test
    void everyChartRendersInChromium() throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "chromium is not installed");
        Path run = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            assertEquals(0, Main.run(o, o, "train", "--samples", "200", "--epochs", "2", "--log-every", "2",
                    "--out", run.toString()), log::toString);
        }
        String html = Files.readString(run.resolve(ReportWriter.FILE), StandardCharsets.UTF_8);
        Path probed = tmp.resolve("probed.html");
        Files.writeString(probed, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);

        String dom = dumpDom(browser, probed, 1280);
        int total = attribute(dom, "data-charts-total");
        assertEquals(10, total, "charts in the page");
        assertEquals(total, attribute(dom, "data-charts-rendered"), "charts drawn with a non-zero size");
        assertTrue(attribute(dom, "data-chart-texts-rendered") > 10 * 5, "titles, axis labels and ticks drawn");
    }

    /** Measures the widths that matter in a narrow window: the page's, and the right edge of the configuration. */
    static final String WIDTHS = """
            <script>
            (function () {
              var config = document.querySelector('#config table').getBoundingClientRect();
              document.body.setAttribute('data-window', window.innerWidth);
              document.body.setAttribute('data-page', document.documentElement.scrollWidth);
              document.body.setAttribute('data-config-right', Math.ceil(config.right));
            })();
            </script>
            """;

    @Test
    void theConfigurationTableFitsAnEightHundredPixelWindow() throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "chromium is not installed");
        Path run = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            // long values: the optimizer as JSON, a schedule, a long file path
            Path data = tmp.resolve("a-rather-long-folder-name-for-the-measurements/of-the-flowers-of-2026");
            Files.createDirectories(data);
            Path csv = data.resolve("flowers-measured-in-the-garden-by-hand.csv");
            try (var in = ReportBrowserTest.class.getResourceAsStream("/fixtures/flowers.csv")) {
                Files.copy(in, csv);
            }
            assertEquals(0, Main.run(o, o, "train", "--data", csv.toString(), "--label-column", "species",
                    "--epochs", "1", "--optimizer", "{\"type\":\"adam\",\"beta2\":0.995}", "--schedule",
                    "warmup:20", "--out", run.toString()), log::toString);
        }
        String html = Files.readString(run.resolve(ReportWriter.FILE), StandardCharsets.UTF_8);
        Path probed = tmp.resolve("narrow.html");
        Files.writeString(probed, html.replace("</body>", WIDTHS + "</body>"), StandardCharsets.UTF_8);
        String dom = dumpDom(browser, probed, 800);
        int window = attribute(dom, "data-window");
        assertEquals(800, window);
        assertTrue(attribute(dom, "data-config-right") <= window, "configuration table inside the window: " + dom
                .substring(dom.indexOf("data-window"), dom.indexOf("data-window") + 80));
        assertTrue(attribute(dom, "data-page") <= window, "no horizontal scrolling");
    }

    /** The page's DOM after load, from {@code chromium --headless --dump-dom}, killed after 60 s at most. */
    private String dumpDom(Path browser, Path page, int width) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + tmp.resolve("profile"),
                "--window-size=" + width + ",2000", "--hide-scrollbars", "--dump-dom", page.toUri().toString()));
        Path out = tmp.resolve("dom.html");
        Path err = tmp.resolve("chromium.log");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish within 60 s: " + Files.readString(err));
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + readQuietly(err));
        return dom;
    }

    private static int attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"(\\d+)\"").matcher(dom);
        assertTrue(m.find(), () -> name + " not set: the probe script did not run; DOM starts "
                + dom.substring(0, Math.min(300, dom.length())));
        return Integer.parseInt(m.group(1));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
