package dev.backprop.cli.experiment;

import dev.backprop.cli.report.ReportWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A table of text cells with a header row, printed with aligned columns for the terminal and as an HTML table for the
 * report. The first column is left-aligned, the others right-aligned (they hold numbers).
 *
 * @param headers column titles
 * @param rows cells, each row as long as {@code headers}
 */
public record Table(List<String> headers, List<List<String>> rows) {
    public Table {
        headers = List.copyOf(headers);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> r : rows) {
            if (r.size() != headers.size()) {
                throw new IllegalArgumentException("table row has " + r.size() + " cells, the header " + headers.size());
            }
            copy.add(List.copyOf(r));
        }
        rows = List.copyOf(copy);
    }

    /** A table with these headers and no rows yet; add rows with {@link Builder#row}. */
    public static Builder builder(String... headers) {
        return new Builder(List.of(headers));
    }

    /** Aligned columns separated by two spaces, with a rule under the header. */
    public String toText() {
        int[] w = new int[headers.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = headers.get(c).length();
            for (List<String> r : rows) {
                w[c] = Math.max(w[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, w);
        int total = 0;
        for (int x : w) {
            total += x;
        }
        sb.append("-".repeat(total + 2 * (w.length - 1))).append('\n');
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        for (int c = 0; c < w.length; c++) {
            String s = cells.get(c);
            String pad = " ".repeat(w[c] - s.length());
            sb.append(c == 0 ? s + pad : pad + s);
            sb.append(c + 1 < w.length ? "  " : "\n");
        }
    }

    /** An HTML {@code <table>} with escaped cells. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        for (String h : headers) {
            sb.append("<th>").append(ReportWriter.escape(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String cell : r) {
                sb.append("<td>").append(ReportWriter.escape(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** Collects rows. */
    public static final class Builder {
        private final List<String> headers;
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(List<String> headers) {
            this.headers = headers;
        }

        public Builder row(String... cells) {
            rows.add(List.of(cells));
            return this;
        }

        public Table build() {
            return new Table(headers, rows);
        }
    }
}
