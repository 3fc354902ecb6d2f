package dev.backprop.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The HTML of the server's pages. The index is rendered here (and re-fetched by its script every few seconds);
 * the run and compare pages are shells that their scripts fill from the JSON API. Every text from a run folder is
 * escaped.
 */
final class Pages {
    private Pages() {
    }

    private static String head(String title, String... scripts) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/uPlot.min.css\">"
                + "<link rel=\"stylesheet\" href=\"/assets/app.css\">");
        for (String s : scripts) {
            b.append("<script src=\"/assets/").append(s).append("\" defer></script>");
        }
        return b.append("</head>\n").toString();
    }

    private static final String NAV = "<nav><a href=\"/\">runs</a></nav>\n";

    static String index(List<ObjectNode> rows) {
        StringBuilder b = new StringBuilder(head("Backprop runs", "index.js"));
        b.append("<body class=\"index\">").append(NAV).append("<h1>Runs</h1>\n")
                .append("<p class=\"hint\">Tick two or more runs to <button id=\"compare\" disabled>compare</button>"
                        + " them. The list refreshes by itself.</p>\n");
        b.append(table(rows));
        return b.append("</body></html>\n").toString();
    }

    /** The runs table: its own element, so the index script can replace it with a fresh copy. */
    static String table(List<ObjectNode> rows) {
        StringBuilder b = new StringBuilder("<table id=\"runs\" data-rows=\"" + rows.size() + "\">\n<thead><tr>"
                + "<th></th><th>run</th><th>data</th><th>layers</th><th>optimizer</th><th>status</th>"
                + "<th>epochs</th><th>best accuracy</th><th>findings</th><th>started</th></tr></thead>\n<tbody>\n");
        if (rows.isEmpty()) {
            b.append("<tr><td colspan=\"10\" class=\"empty\">No runs yet: <code>backprop train</code> writes its run "
                    + "folder here.</td></tr>\n");
        }
        for (ObjectNode r : rows) {
            String name = r.path("name").asText();
            String status = r.path("status").asText();
            b.append("<tr data-run=\"").append(esc(name)).append("\" class=\"status-").append(esc(status))
                    .append("\"><td><input type=\"checkbox\" value=\"").append(esc(name))
                    .append("\" aria-label=\"select ").append(esc(name)).append("\"></td>")
                    .append("<td><a href=\"/runs/").append(esc(path(name))).append("\">").append(esc(name))
                    .append("</a>");
            if (r.path("report").asBoolean() && !status.equals("running")) {
                b.append(" <a class=\"small\" href=\"/runs/").append(esc(path(name))).append("/report.html\">report</a>");
            }
            b.append("</td>");
            if (status.equals("error")) {
                b.append("<td colspan=\"3\" class=\"error\">").append(esc(r.path("error").asText())).append("</td>")
                        .append("<td><span class=\"badge error\">error</span></td><td></td><td></td><td></td><td></td>");
            } else {
                b.append(td(r.path("data").asText())).append(td(r.path("layers").asText()
                                + (r.path("activation").asText().isEmpty() ? "" : " " + r.path("activation").asText())))
                        .append(td(r.path("optimizer").asText()))
                        .append("<td><span class=\"badge ").append(esc(status)).append("\">").append(esc(status))
                        .append("</span></td>")
                        .append(td(r.path("epochs").asText()))
                        .append(td(fmt(r.path("best_accuracy"))))
                        .append(td(r.path("findings").asText()))
                        .append(td(r.path("started").asText().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z")));
            }
            b.append("</tr>\n");
        }
        return b.append("</tbody></table>\n").toString();
    }

    static String run(String name) {
        return head("Run " + name, "uPlot.iife.min.js", "common.js", "run.js")
                + "<body class=\"run\" data-run=\"" + esc(name) + "\">" + NAV
                + "<h1>" + esc(name) + " <span id=\"status\" class=\"badge\"></span> <span id=\"links\"></span></h1>\n"
                + "<p id=\"error\" class=\"error\" hidden></p>\n"
                + "<p id=\"summary\" class=\"hint\"></p>\n"
                + "<section id=\"findings\"><h2>Findings</h2><ul id=\"finding-list\"><li class=\"hint\">none so far"
                + "</li></ul></section>\n"
                + "<section><h2>Loss and accuracy per epoch</h2><div class=\"charts\" id=\"epoch-charts\"></div>"
                + "</section>\n"
                + "<section><h2>Gradients, updates and units per logged step</h2>"
                + "<div class=\"charts\" id=\"step-charts\"><p class=\"hint\" id=\"no-steps\">No logged steps yet"
                + " (training logs every --log-every steps).</p></div></section>\n"
                + "<section><h2>Configuration</h2><table id=\"config\"></table></section>\n"
                + "</body></html>\n";
    }

    static String compare(List<String> names) {
        StringBuilder runs = new StringBuilder();
        for (String n : names) {
            runs.append("<li><a href=\"/runs/").append(esc(path(n))).append("\">").append(esc(n)).append("</a></li>");
        }
        return head("Compare runs", "uPlot.iife.min.js", "common.js", "compare.js")
                + "<body class=\"compare\">" + NAV + "<h1>Compare runs</h1><ul id=\"run-list\">" + runs + "</ul>\n"
                + "<p id=\"error\" class=\"error\" hidden></p>\n"
                + "<section><h2>Settings that differ</h2><table id=\"differ\"></table></section>\n"
                + "<section><h2>Curves</h2><div class=\"charts\" id=\"compare-charts\"></div></section>\n"
                + "</body></html>\n";
    }

    static String error(int status, String message) {
        return head("Error " + status) + "<body>" + NAV + "<h1>" + status + "</h1><p class=\"error\">" + esc(message)
                + "</p></body></html>\n";
    }

    private static String td(String s) {
        return "<td>" + esc(s) + "</td>";
    }

    private static String fmt(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "";
    }

    /** A run name as one URL path segment. */
    static String path(String name) {
        StringBuilder b = new StringBuilder();
        for (byte c : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || "-_.~".indexOf(u) >= 0) {
                b.append((char) u);
            } else {
                b.append('%').append(String.format("%02X", u));
            }
        }
        return b.toString();
    }

    /** HTML-escapes text for an element or a quoted attribute (the report's escaping). */
    static String esc(String s) {
        return dev.backprop.cli.report.ReportWriter.escape(s);
    }
}
