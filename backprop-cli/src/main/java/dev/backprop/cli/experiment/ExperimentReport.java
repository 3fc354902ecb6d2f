package dev.backprop.cli.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backprop.cli.report.Charts;
import dev.backprop.cli.report.ReportWriter;
import dev.backprop.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link ExperimentResult} to a folder: every figure as its own SVG file (and PNG on request), result.json,
 * table.txt and a self-contained report.html (the figures inlined as SVG, no scripts, no network).
 */
public final class ExperimentReport {
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em}
            td{text-align:right;font-variant-numeric:tabular-nums}td:first-child{text-align:left}
            th{background:#f3f3f3}.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1em}figure{margin:0}figcaption{color:#555;font-size:.9em;max-width:900px}
            figure svg{max-width:100%;height:auto}pre{background:#f6f6f6;padding:.8em;overflow:auto}
            """;

    private ExperimentReport() {
    }

    /**
     * Writes the files and returns the names of those written (relative to {@code dir}).
     *
     * @param json the complete JSON object of the run (also written as result.json)
     * @param png also write every figure that has a chart as a PNG image next to its SVG file
     */
    public static List<String> write(Path dir, ExperimentResult r, Map<String, Object> json, boolean png)
            throws IOException {
        Files.createDirectories(dir);
        List<String> files = new ArrayList<>();
        for (Figure f : r.figures()) {
            AtomicFiles.write(dir.resolve(f.file()), f.document().getBytes(StandardCharsets.UTF_8));
            files.add(f.file());
            if (png && f.chart() != null) {
                String name = f.file().replaceFirst("\\.svg$", ".png");
                Charts.png(f.chart(), dir.resolve(name));
                files.add(name);
            }
        }
        AtomicFiles.write(dir.resolve("table.txt"), tablesText(r).getBytes(StandardCharsets.UTF_8));
        files.add("table.txt");
        AtomicFiles.write(dir.resolve("result.json"), PRETTY.writeValueAsBytes(json));
        files.add("result.json");
        AtomicFiles.write(dir.resolve("report.html"), html(r).getBytes(StandardCharsets.UTF_8));
        files.add("report.html");
        return files;
    }

    /** Every table as aligned text, separated by blank lines. */
    public static String tablesText(ExperimentResult r) {
        StringBuilder sb = new StringBuilder();
        for (Table t : r.tables()) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(t.toText());
        }
        return sb.toString();
    }

    /** The report page. */
    static String html(ExperimentResult r) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.append("<title>").append(ReportWriter.escape("backprop experiment " + r.name())).append("</title>\n");
        sb.append("<style>").append(STYLE).append("</style></head><body>\n");
        sb.append("<h1>").append(ReportWriter.escape(r.title())).append("</h1>\n");
        sb.append("<p>").append(ReportWriter.escape(r.intro())).append("</p>\n");
        sb.append("<h2>Results</h2>\n");
        for (Table t : r.tables()) {
            sb.append(t.toHtml());
        }
        if (!r.notes().isEmpty()) {
            sb.append("<ul>\n");
            for (String n : r.notes()) {
                sb.append("<li>").append(ReportWriter.escape(n)).append("</li>\n");
            }
            sb.append("</ul>\n");
        }
        if (!r.figures().isEmpty()) {
            sb.append("<h2>Figures</h2>\n<div class=\"figures\">\n");
        }
        for (Figure f : r.figures()) {
            sb.append("<figure id=\"").append(ReportWriter.escape(f.file().replace(".svg", ""))).append("\">\n");
            sb.append(stripProlog(f.svg())).append('\n');
            sb.append("<figcaption>").append(ReportWriter.escape(f.caption())).append("</figcaption>\n</figure>\n");
        }
        if (!r.figures().isEmpty()) {
            sb.append("</div>\n");
        }
        sb.append("<p><small>Written by <code>backprop experiment ").append(ReportWriter.escape(r.name()))
                .append("</code>; the numbers are in result.json.</small></p>\n</body></html>\n");
        return sb.toString();
    }

    /** An SVG document without its XML declaration, for inlining into HTML. */
    static String stripProlog(String svg) {
        String s = svg.strip();
        if (s.startsWith("<?xml")) {
            s = s.substring(s.indexOf("?>") + 2).strip();
        }
        return s;
    }
}
