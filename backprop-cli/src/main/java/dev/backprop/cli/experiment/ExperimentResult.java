package dev.backprop.cli.experiment;

import java.util.List;
import java.util.Map;

/**
 * What an experiment produced.
 *
 * @param name the experiment's name ("vanishing")
 * @param title a heading for the report
 * @param intro what the experiment shows and which part of the lecture it illustrates
 * @param json the JSON-ready results (the "--json" object without the fields the command adds)
 * @param tables tables printed to the terminal and placed in the report, in order
 * @param figures charts, in order
 * @param notes what the numbers show, in plain sentences, computed from this run
 */
public record ExperimentResult(String name, String title, String intro, Map<String, Object> json, List<Table> tables,
                               List<Figure> figures, List<String> notes) {
    public ExperimentResult {
        tables = List.copyOf(tables);
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
    }
}
