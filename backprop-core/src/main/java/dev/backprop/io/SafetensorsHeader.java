package dev.backprop.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.tensor.DType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed and checked JSON header of a safetensors file: one {@link Entry} per tensor, sorted by data offset,
 * and the optional {@code "__metadata__"} string map.
 *
 * <p>{@link #parse} accepts a header only if every entry names a supported dtype, a shape of non-negative integers
 * and {@code data_offsets [begin, end]} with {@code end - begin = product(shape) * itemsize}, and if the entries,
 * sorted by offset, tile the data region {@code [0, dataLength)} exactly: no overlap, no gap, nothing past the end.
 */
record SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {

    /** Where one tensor's bytes lie, relative to the start of the data region. */
    record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The dtype's name in safetensors headers ("F32", "F64"). */
    static String dtypeName(DType dtype) {
        return dtype.name();
    }

    /**
     * Parses {@code json} (the header bytes) of {@code file}, whose data region is {@code dataLength} bytes long.
     *
     * @throws IOException naming the file, and the tensor where there is one, for any malformed or inconsistent header
     */
    static SafetensorsHeader parse(byte[] json, long dataLength, String file) throws IOException {
        ObjectNode root = parseObject(json, file);
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue(), file);
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue(), dataLength, file));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(entries, dataLength, file);
        return new SafetensorsHeader(List.copyOf(entries), metadata);
    }

    private static ObjectNode parseObject(byte[] json, String file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(TextFiles.decode(json, file + ": header")); // UTF-8 only, as the format says
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": header is not valid JSON" + TextFiles.location(e) + ": "
                    + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new IOException(file + ": header must be a JSON object, got "
                    + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType()));
        }
        return object;
    }

    private static Map<String, String> parseMetadata(JsonNode node, String file) throws IOException {
        if (!node.isObject()) {
            throw new IOException(file + ": " + METADATA_KEY + " must be an object of strings, got " + node.getNodeType());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IOException(file + ": " + METADATA_KEY + " value of '" + e.getKey() + "' must be a string, got "
                        + e.getValue().getNodeType());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private static Entry parseEntry(String name, JsonNode node, long dataLength, String file) throws IOException {
        String where = file + ": tensor '" + name + "': ";
        if (!node.isObject()) {
            throw new IOException(where + "entry must be a JSON object, got " + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String field = property.getKey();
            if (!ENTRY_FIELDS.contains(field)) {
                throw new IOException(where + "unexpected field '" + field + "' (expected dtype, shape, data_offsets)");
            }
        }
        DType dtype = parseDtype(node.get("dtype"), where);
        int[] shape = parseShape(node.get("shape"), where);
        long[] offsets = parseOffsets(node.get("data_offsets"), where);
        long expected = byteLength(shape, dtype, where);
        if (offsets[1] - offsets[0] != expected) {
            throw new IOException(where + "data_offsets [" + offsets[0] + ", " + offsets[1] + "] span "
                    + (offsets[1] - offsets[0]) + " bytes, but shape " + java.util.Arrays.toString(shape) + " of "
                    + dtypeName(dtype) + " needs " + expected);
        }
        if (offsets[1] > dataLength) {
            throw new IOException(where + "data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] run past the end of the file (the data region holds " + dataLength + " bytes)");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static DType parseDtype(JsonNode node, String where) throws IOException {
        if (node == null || !node.isTextual()) {
            throw new IOException(where + "missing or non-string \"dtype\"");
        }
        return switch (node.textValue()) {
            case "F32" -> DType.F32;
            case "F64" -> DType.F64;
            default -> throw new IOException(where + "unsupported dtype '" + node.textValue()
                    + "'; supported dtypes are F32 and F64");
        };
    }

    private static int[] parseShape(JsonNode node, String where) throws IOException {
        if (node == null || !node.isArray()) {
            throw new IOException(where + "missing or non-array \"shape\"");
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new IOException(where + "shape entry " + i + " is " + d + ", not a non-negative 32-bit integer");
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] parseOffsets(JsonNode node, String where) throws IOException {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw new IOException(where + "\"data_offsets\" must be an array [begin, end], got " + node);
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = node.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new IOException(where + "data_offsets entry " + i + " is " + o + ", not a non-negative integer");
            }
            offsets[i] = o.longValue();
        }
        if (offsets[0] > offsets[1]) {
            throw new IOException(where + "data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
        }
        return offsets;
    }

    private static long byteLength(int[] shape, DType dtype, String where) throws IOException {
        long elements = 1;
        for (int d : shape) {
            elements *= d; // each d < 2^31 and we stop once past 2^31, so this cannot overflow
            if (elements > Integer.MAX_VALUE) {
                throw new IOException(where + "shape " + java.util.Arrays.toString(shape)
                        + " has more than 2^31-1 elements, which a Tensor cannot hold");
            }
        }
        return elements * dtype.bytes();
    }

    /** Entries sorted by offset must cover [0, dataLength) exactly, each beginning where the previous one ended. */
    private static void checkTiling(List<Entry> entries, long dataLength, String file) throws IOException {
        long expected = 0;
        String previous = null;
        for (Entry e : entries) {
            if (e.begin() < expected) {
                throw new IOException(file + ": tensor '" + e.name() + "': data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap those of tensor '" + previous + "', which end at " + expected);
            }
            if (e.begin() > expected) {
                throw new IOException(file + ": tensor '" + e.name() + "': data_offsets begin at " + e.begin()
                        + " but the previous tensor" + (previous == null ? "" : " '" + previous + "'") + " ends at "
                        + expected + ", leaving a gap (tensors must cover the data region contiguously)");
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected != dataLength) {
            throw new IOException(file + ": the data region holds " + dataLength + " bytes but the tensors cover only "
                    + expected + (previous == null ? "" : " (the last tensor, '" + previous + "', ends there)"));
        }
    }
}
