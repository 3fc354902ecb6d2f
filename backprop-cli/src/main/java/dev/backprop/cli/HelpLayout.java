package dev.backprop.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lays out the help of every command so that text wraps at word boundaries: a line breaks at a space, or after a
 * '|', ',' or '/' in a list of choices ({@code relu|leaky-relu|...}), never inside a word or a file name such as
 * {@code model.safetensors}. picocli's own wrapping cuts long tokens at the column edge; this replaces its
 * description and option-list sections, and abbreviates the synopsis to {@code [OPTIONS]} (the options follow,
 * one per line). The width is picocli's usage width: the terminal's when it can tell, else 80 columns.
 */
final class HelpLayout {
    /** Where the descriptions of the options start. */
    private static final int DESCRIPTION_COLUMN = 30;

    private HelpLayout() {
    }

    /** Installs the layout on {@code cl} and all its subcommands. */
    static void install(CommandLine cl) {
        cl.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION, HelpLayout::description);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::options);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST,
                HelpLayout::parameters);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commands);
        cl.getSubcommands().values().forEach(HelpLayout::install);
    }

    private static String description(Help help) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : paragraphs(help.commandSpec())) {
            for (String line : wrap(interpolate(help, paragraph), help.commandSpec().usageMessage().width())) {
                out.append(line).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /**
     * A command's description as paragraphs: the lines of its {@code description}, joined where a line does not end
     * a sentence (ends without '.', ':' or '!'), since those were broken only to keep the source short.
     */
    static List<String> paragraphs(CommandLine.Model.CommandSpec spec) {
        List<String> out = new ArrayList<>();
        StringBuilder p = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (String line : spec.usageMessage().description()) {
            lines.addAll(List.of(line.split("%n", -1))); // picocli's line break
        }
        for (String line : lines) {
            if (line.isBlank()) {
                if (!p.isEmpty()) {
                    out.add(p.toString());
                    p.setLength(0);
                }
                continue;
            }
            p.append(p.isEmpty() ? "" : " ").append(line.strip());
            if (line.strip().matches(".*[.:!]$")) {
                out.add(p.toString());
                p.setLength(0);
            }
        }
        if (!p.isEmpty()) {
            out.add(p.toString());
        }
        return out;
    }

    /** The subcommands, each with the first sentence of its description. */
    private static String commands(Help help) {
        StringBuilder out = new StringBuilder();
        int width = help.commandSpec().usageMessage().width();
        int column = 14;
        for (java.util.Map.Entry<String, CommandLine> e : help.commandSpec().subcommands().entrySet()) {
            String[] header = e.getValue().getCommandSpec().usageMessage().header();
            List<String> ps = header.length > 0 ? List.of(String.join(" ", header))
                    : paragraphs(e.getValue().getCommandSpec());
            String first = ps.isEmpty() ? "" : ps.getFirst();
            int end = first.indexOf(". ");
            first = end < 0 ? first : first.substring(0, end + 1);
            List<String> lines = wrap(first, width - column);
            out.append(String.format("  %-" + (column - 2) + "s", e.getKey()));
            for (int i = 0; i < lines.size(); i++) {
                out.append(i == 0 ? "" : " ".repeat(column)).append(lines.get(i)).append(System.lineSeparator());
            }
            if (lines.isEmpty()) {
                out.append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /** The positional parameters, laid out as the options are. */
    private static String parameters(Help help) {
        StringBuilder out = new StringBuilder();
        int width = Math.max(help.commandSpec().usageMessage().width(), DESCRIPTION_COLUMN + 20);
        for (CommandLine.Model.PositionalParamSpec p : help.commandSpec().positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String text = String.join(" ", p.description());
            entry(out, "      " + p.paramLabel(), wrap(text, width - DESCRIPTION_COLUMN));
        }
        return out.toString();
    }

    /** One entry: {@code names} in the left column, the wrapped description from {@link #DESCRIPTION_COLUMN}. */
    private static void entry(StringBuilder out, String names, List<String> lines) {
        String indent = " ".repeat(DESCRIPTION_COLUMN);
        if (names.length() + 2 <= DESCRIPTION_COLUMN) {
            out.append(String.format("%-" + DESCRIPTION_COLUMN + "s", names));
        } else {
            out.append(names).append(System.lineSeparator()).append(lines.isEmpty() ? "" : indent);
        }
        for (int i = 0; i < lines.size(); i++) {
            out.append(i == 0 ? "" : indent).append(lines.get(i)).append(System.lineSeparator());
        }
        if (lines.isEmpty()) {
            out.append(System.lineSeparator());
        }
    }

    private static String interpolate(Help help, String text) {
        return text.replace("${COMMAND-NAME}", help.commandSpec().name())
                .replace("${COMMAND-FULL-NAME}", help.commandSpec().qualifiedName());
    }

    private static String options(Help help) {
        StringBuilder out = new StringBuilder();
        Help.IOptionRenderer renderer = help.createDefaultOptionRenderer();
        Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
        int width = Math.max(help.commandSpec().usageMessage().width(), DESCRIPTION_COLUMN + 20);
        for (OptionSpec o : help.commandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            CommandLine.Help.Ansi.Text[][] rows = renderer.render(o, labels, help.colorScheme());
            String names = (plain(rows[0][1]) + plain(rows[0][2]) + " " + plain(rows[0][3])).stripTrailing();
            names = ("  " + (plain(rows[0][1]).isEmpty() ? "    " : "") + names.strip()).stripTrailing();
            StringBuilder text = new StringBuilder();
            for (CommandLine.Help.Ansi.Text[] row : rows) {
                String d = plain(row[4]).strip();
                if (!d.isEmpty()) {
                    text.append(text.isEmpty() ? "" : " ").append(d);
                }
            }
            entry(out, names, wrap(text.toString(), width - DESCRIPTION_COLUMN));
        }
        return out.toString();
    }

    private static String plain(CommandLine.Help.Ansi.Text t) {
        return t == null ? "" : t.plainString();
    }

    /**
     * {@code text} in lines of at most {@code width} characters, broken at spaces, or after '|', ',' or '/' inside
     * a long token; a word longer than a whole line stays whole on a line of its own.
     */
    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            for (String piece : pieces(word, width)) {
                boolean glue = piece.startsWith("\u0000"); // continues the previous piece of the same token
                String p = glue ? piece.substring(1) : piece;
                int need = line.isEmpty() ? p.length() : line.length() + (glue ? 0 : 1) + p.length();
                if (need > width && !line.isEmpty()) {
                    out.add(line.toString());
                    line.setLength(0);
                }
                if (!line.isEmpty() && !glue) {
                    line.append(' ');
                }
                line.append(p);
            }
        }
        if (!line.isEmpty()) {
            out.add(line.toString());
        }
        return out;
    }

    /**
     * A token as it may be broken: whole when it fits a line, else split after each '|', ',' or '/' (the pieces
     * after the first marked with a leading NUL, which {@link #wrap} joins without a space).
     */
    private static List<String> pieces(String word, int width) {
        if (word.length() <= width) {
            return List.of(word);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if ((c == '|' || c == ',' || c == '/') && i + 1 < word.length()) {
                out.add((start == 0 ? "" : "\u0000") + word.substring(start, i + 1));
                start = i + 1;
            }
        }
        out.add((start == 0 ? "" : "\u0000") + word.substring(start));
        return out;
    }
}
