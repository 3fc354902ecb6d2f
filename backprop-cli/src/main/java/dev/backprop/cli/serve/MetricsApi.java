package dev.backprop.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.diagnose.EpochSummary;
import dev.backprop.diagnose.Format;
import dev.backprop.diagnose.LayerStats;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.ParamStats;
import dev.backprop.diagnose.Resumed;
import dev.backprop.diagnose.StepStats;
import dev.backprop.train.EpochMetrics;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON a page polls for: a {@link MetricsTail.Chunk} with its records made compact for the charts.
 *
 * <pre>
 * {"file", "next", "next_line", "reset", "more", "errors": [...],
 *  "epochs": [the epoch line's properties, as MetricsJson writes them: epoch, train_loss, test_loss, test_accuracy,
 *             train_accuracy where training wrote it, lr, ...],
 *  "steps": [[step, epoch, loss, grad_norm, first_to_last_grad_ratio,
 *             [layer index, ‖∂L/∂W‖, ‖∂L/∂output‖, ‖ΔW‖/‖W‖, saturated fraction, dead fraction], ...], ...],
 *  "diagnostics": [[epoch, first_to_last_grad_ratio, max_grad_norm], ...],
 *  "resumes": [{"epoch": last epoch before the resume, "step": its global step, "changes": [phrases]}, ...],
 *  "layers": {"index": "label", ...}}
 * </pre>
 *
 * Numbers that were not measured are null.
 */
final class MetricsApi {
    private MetricsApi() {
    }

    static ObjectNode json(MetricsTail.Chunk c) {
        ObjectNode n = Json.object();
        n.put("file", c.file());
        n.put("next", c.next());
        n.put("next_line", c.nextLine());
        n.put("reset", c.reset());
        n.put("more", c.more());
        ArrayNode errors = n.putArray("errors");
        c.errors().forEach(errors::add);
        ArrayNode epochs = n.putArray("epochs");
        ArrayNode steps = n.putArray("steps");
        ArrayNode diagnostics = n.putArray("diagnostics");
        ArrayNode resumes = n.putArray("resumes");
        Map<Integer, String> layers = new TreeMap<>();
        for (Object r : c.records()) {
            switch (r) {
                case EpochMetrics e -> epochs.add(epoch(e));
                case StepStats s -> steps.add(step(s, layers));
                case EpochSummary d -> {
                    ArrayNode a = diagnostics.addArray();
                    a.add(d.epoch());
                    Json.add(a, d.firstToLastRatio());
                    Json.add(a, d.maxGradNorm());
                }
                case Resumed m -> {
                    ObjectNode o = resumes.addObject();
                    o.put("epoch", m.epoch());
                    o.put("step", m.step());
                    ArrayNode changes = o.putArray("changes");
                    m.changes().forEach(changes::add);
                }
                default -> { }
            }
        }
        ObjectNode names = n.putObject("layers");
        layers.forEach((i, label) -> names.put(Integer.toString(i), label));
        return n;
    }

    /** The epoch line as training wrote it (less its type): new properties show up without a change here. */
    private static JsonNode epoch(EpochMetrics e) {
        ObjectNode o = (ObjectNode) MetricsJson.tree(e);
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNumber() && !Double.isFinite(f.getValue().asDouble())) {
                f.setValue(o.nullNode());
            }
        }
        return o;
    }

    private static ArrayNode step(StepStats s, Map<Integer, String> layers) {
        ArrayNode a = Json.array();
        a.add(s.step());
        a.add(s.epoch());
        Json.add(a, s.loss());
        Json.add(a, s.gradNorm());
        Json.add(a, s.firstToLastRatio());
        ArrayNode ls = a.addArray();
        for (LayerStats l : s.layers()) {
            layers.putIfAbsent(l.index(), label(l));
            ArrayNode x = ls.addArray();
            x.add(l.index());
            ParamStats w = l.weight();
            Json.add(x, w == null ? Double.NaN : w.gradNorm());
            Json.add(x, l.outputGradNorm());
            Json.add(x, w == null ? Double.NaN : w.updateRatio());
            Json.add(x, l.saturatedFraction());
            Json.add(x, l.deadFraction());
        }
        return a;
    }

    /** How the charts name a layer: as the report and the findings do ("layer 1 (Linear(2->64))"). */
    static String label(LayerStats l) {
        return Format.layer(l.label(), l.layer());
    }
}
