package dev.backprop.diagnose;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place where the diagnostic records become JSON and JSON becomes records again: the lines of a run
 * folder's metrics.jsonl, its findings.json, and the epochs and findings of {@code backprop train --json}.
 *
 * <p>The schema is the records themselves ({@link StepStats}, {@link LayerStats}, {@link ParamStats},
 * {@link EpochSummary}, {@link EpochSummary.Layer}, {@link Finding}, {@link EpochMetrics}): each JSON property is the
 * snake_case of a record component ({@code updateRatio} is {@code "update_ratio"}, by their {@code @JsonNaming}),
 * except where a {@code @JsonProperty} names it ({@code firstToLastRatio} is {@code "first_to_last_grad_ratio"}).
 * {@link EpochMetrics} belongs to the training loop and gets its annotations here, as a mix-in.
 * Writers and readers (the report, anything that opens a run folder) go through the same records, so a renamed
 * property changes both sides at once; MetricsJsonTest pins the names, so that files written earlier still read.
 *
 * <p>Numbers: JSON has no NaN or infinity, so every non-finite {@code double} (also inside {@code double[]}) is
 * written as {@code null}, and {@code null} or a missing property reads back as NaN. Properties that do not apply to
 * a layer (a saturated fraction for a ReLU, PReLU slopes for a Linear) are left out rather than written as null.
 * Reading ignores properties it does not know, so files written by earlier and later versions both read.
 *
 * <p>metrics.jsonl holds one object per line, told apart by its {@code "type"}: {@value #STEP} ({@link StepStats}),
 * {@value #EPOCH} ({@link EpochMetrics}), {@value #EPOCH_DIAGNOSTICS} ({@link EpochSummary}) and {@value #RESUME}
 * ({@link Resumed}, where a resumed run continued); the type is part of
 * the line, not of the record ({@link #line}, {@link #parseLine}).
 */
public final class MetricsJson {
    /** The {@code "type"} of a metrics.jsonl line holding a {@link StepStats}. */
    public static final String STEP = "step";
    /** The {@code "type"} of a metrics.jsonl line holding an {@link EpochMetrics}. */
    public static final String EPOCH = "epoch";
    /** The {@code "type"} of a metrics.jsonl line holding an {@link EpochSummary}. */
    public static final String EPOCH_DIAGNOSTICS = "epoch_diagnostics";
    /** The {@code "type"} of a metrics.jsonl line holding a {@link Resumed} mark. */
    public static final String RESUME = "resume";
    /** The name of the property that tells the lines of metrics.jsonl apart. */
    public static final String TYPE = "type";

    private static final Map<Class<?>, String> TYPES = Map.of(StepStats.class, STEP, EpochMetrics.class, EPOCH,
            EpochSummary.class, EPOCH_DIAGNOSTICS, Resumed.class, RESUME);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("backprop-metrics")
                    .addSerializer(Double.class, new FiniteOrNull())
                    .addSerializer(Double.TYPE, new FiniteOrNull())
                    .addSerializer(double[].class, new FiniteArray())
                    .addDeserializer(Double.class, new NullAsNaN())
                    .addDeserializer(Double.TYPE, new NullAsNaN())
                    .addDeserializer(double[].class, new NullAsNaNArray()))
            .addMixIn(EpochMetrics.class, EpochMetricsJson.class)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {
    }

    /**
     * The mapper configured for the metrics records (non-finite numbers as null, null and missing numbers as NaN,
     * unknown properties ignored). Shared: do not reconfigure it.
     *
     * @return the shared mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A value as a JSON number: itself when finite, else null (JSON has no NaN or infinity).
     *
     * @param v the value
     * @return {@code v}, or null when it is NaN or infinite
     */
    public static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * A record as a JSON tree, in the schema of its annotations.
     *
     * @param record a {@link StepStats}, {@link EpochSummary}, {@link EpochMetrics}, {@link Finding} or any value the
     *     mapper can write
     * @return its JSON form
     */
    public static JsonNode tree(Object record) {
        return MAPPER.valueToTree(record);
    }

    /**
     * A record as JSON-ready maps and lists (strings, numbers, booleans, null, lists, maps), for embedding into a
     * larger document such as the {@code --json} output.
     *
     * @param record the record
     * @return its JSON form as nested maps and lists
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object record) {
        return MAPPER.convertValue(record, Map.class);
    }

    /**
     * A metrics.jsonl line: {@code {"type": ..., ...the record's properties}}, without a line break.
     *
     * @param record a {@link StepStats}, {@link EpochMetrics}, {@link EpochSummary} or {@link Resumed}
     * @return the line
     * @throws IllegalArgumentException for a record of another class
     */
    public static String line(Object record) {
        String type = TYPES.get(record.getClass());
        if (type == null) {
            throw new IllegalArgumentException("not a metrics.jsonl record: " + record.getClass().getName());
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put(TYPE, type);
        n.setAll((ObjectNode) tree(record));
        return write(n);
    }

    /**
     * Reads one metrics.jsonl line back into its record.
     *
     * @param line one JSON object
     * @return a {@link StepStats}, {@link EpochMetrics}, {@link EpochSummary} or {@link Resumed}, or null for a line
     *     of another type
     *     (kept by other writers or later versions)
     * @throws JsonProcessingException when the line is not JSON or its values have the wrong JSON types
     * @throws IllegalArgumentException when the line is JSON but not an object
     */
    public static Object parseLine(String line) throws JsonProcessingException {
        JsonNode n = MAPPER.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return switch (n.path(TYPE).asText()) {
            case STEP -> MAPPER.treeToValue(n, StepStats.class);
            case EPOCH -> MAPPER.treeToValue(n, EpochMetrics.class);
            case EPOCH_DIAGNOSTICS -> MAPPER.treeToValue(n, EpochSummary.class);
            case RESUME -> MAPPER.treeToValue(n, Resumed.class);
            default -> null;
        };
    }

    /**
     * Findings as findings.json holds them: an indented JSON list.
     *
     * @param findings the findings, in order
     * @return the document, UTF-8
     */
    public static byte[] findingsDocument(List<Finding> findings) {
        try {
            return PRETTY.writeValueAsBytes(findings);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a findings.json list.
     *
     * @param json the document
     * @return the findings, in order
     * @throws JsonProcessingException when it is not JSON or an entry is malformed
     * @throws IllegalArgumentException when it is JSON but not a list
     */
    public static List<Finding> parseFindings(String json) throws JsonProcessingException {
        return findings(MAPPER.readTree(json));
    }

    /**
     * The findings of an already parsed findings.json.
     *
     * @param n the document's JSON list
     * @return the findings, in order
     * @throws JsonProcessingException when an entry is malformed
     * @throws IllegalArgumentException when {@code n} is not a list
     */
    public static List<Finding> findings(JsonNode n) throws JsonProcessingException {
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException("expected a JSON list of findings");
        }
        List<Finding> out = new ArrayList<>(n.size());
        for (JsonNode f : n) {
            out.add(MAPPER.treeToValue(f, Finding.class));
        }
        return out;
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JSON of {@link EpochMetrics}, a record of the training loop annotated here (a Jackson mix-in) so that
     * {@code dev.backprop.train} stays free of JSON: the snake_case of its components, in the order of the lines
     * that earlier versions wrote, with {@code train_accuracy} (added later; NaN when a line lacks it) beside the
     * training loss. {@code test_loss} and {@code test_accuracy} are the evaluation set's, whichever it is: the test
     * set, or the validation hold-out of {@code --val-split}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"epoch", "seconds", "train_loss", "train_accuracy", "penalty", "test_loss", "test_accuracy",
            "samples_per_second", "lr"})
    private abstract static class EpochMetricsJson {
    }

    /** Writes a finite double as a number and NaN or an infinity as null. */
    private static final class FiniteOrNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
    }

    /** Writes a double[] as a list of numbers, with null for each non-finite element. */
    private static final class FiniteArray extends JsonSerializer<double[]> {
        @Override
        public void serialize(double[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (double v : a) {
                if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
            g.writeEndArray();
        }

        @Override
        public boolean isEmpty(SerializerProvider p, double[] a) {
            return a == null || a.length == 0;
        }
    }

    /** Reads a number as a double, and null, a missing property or a non-numeric string as NaN. */
    private static final class NullAsNaN extends JsonDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return number(p, c);
        }

        @Override
        public Double getNullValue(DeserializationContext c) {
            return Double.NaN;
        }

        @Override
        public Object getAbsentValue(DeserializationContext c) {
            return Double.NaN;
        }
    }

    /** Reads a list of numbers as a double[], with NaN for each null element. */
    private static final class NullAsNaNArray extends JsonDeserializer<double[]> {
        @Override
        public double[] deserialize(JsonParser p, DeserializationContext c) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
                return (double[]) c.handleUnexpectedToken(double[].class, p);
            }
            List<Double> vs = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                vs.add(number(p, c));
            }
            return vs.stream().mapToDouble(Double::doubleValue).toArray();
        }

        @Override
        public double[] getNullValue(DeserializationContext c) {
            return new double[0];
        }

        @Override
        public Object getAbsentValue(DeserializationContext c) {
            return new double[0];
        }
    }

    /** The number at the parser's token: NaN for null, and for the strings "NaN", "Infinity", "-Infinity". */
    private static double number(JsonParser p, DeserializationContext c) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            return switch (p.getText().trim()) {
                case "NaN" -> Double.NaN;
                case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> (Double) c.handleWeirdStringValue(Double.class, p.getText(), "not a number");
            };
        }
        return (Double) c.handleUnexpectedToken(Double.class, p);
    }
}
