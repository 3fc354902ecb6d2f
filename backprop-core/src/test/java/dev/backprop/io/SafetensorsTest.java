package dev.backprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- round trips

    private static Tensor scalar(DType dtype, double v) {
        return Tensor.zeros(dtype, Shape.of()).fill(v);
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String name) {
        assertEquals(expected.dtype(), actual.dtype(), name + " dtype");
        assertEquals(expected.shape(), actual.shape(), name + " shape");
        for (int i = 0; i < expected.size(); i++) {
            if (expected.dtype() == DType.F32) {
                assertEquals(Float.floatToRawIntBits((float) expected.getFlat(i)),
                        Float.floatToRawIntBits((float) actual.getFlat(i)), name + "[" + i + "]");
            } else {
                assertEquals(Double.doubleToRawLongBits(expected.getFlat(i)),
                        Double.doubleToRawLongBits(actual.getFlat(i)), name + "[" + i + "]");
            }
        }
    }

    @Test
    void roundTripKeepsOrderShapesDtypesBitsAndMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.scalar32", scalar(DType.F32, -3.5));
        tensors.put("a.scalar64", scalar(DType.F64, Math.PI));
        tensors.put("empty32", Tensor.zeros(DType.F32, 0));
        tensors.put("empty64", Tensor.zeros(DType.F64, 0));
        tensors.put("cube32", Tensor.randn(DType.F32, 1, 0, 1, 3, 1, 2));
        tensors.put("cube64", Tensor.randn(DType.F64, 2, 0, 1, 3, 1, 2));
        tensors.put("specials64", Tensor.of(new double[] {-0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.MIN_VALUE, -Double.MAX_VALUE}, 5));
        tensors.put("specials32", Tensor.of(new float[] {-0.0f, Float.NaN, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE}, 2, 2));
        tensors.put("view32", Tensor.randn(DType.F32, 3, 0, 1, 4, 3).rowSlice(1, 3)); // storage offset 3
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "ünïcode ✓");
        Path file = dir.resolve("round.safetensors");

        Safetensors.write(file, tensors, metadata);
        Safetensors.Contents back = Safetensors.readContents(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        tensors.forEach((name, t) -> assertSameBits(t, back.tensors().get(name), name));
        assertEquals(metadata, back.metadata());
    }

    @Test
    void emptyFileOfTensorsRoundTripsAndHasNoMetadata() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        Safetensors.write(file, Map.of());
        Safetensors.Contents back = Safetensors.readContents(file);
        assertTrue(back.tensors().isEmpty());
        assertTrue(back.metadata().isEmpty());
    }

    @Test
    void headerIsPaddedSoDataStartsAtAMultipleOfEight() throws IOException {
        Path file = dir.resolve("pad.safetensors");
        Safetensors.write(file, Map.of("x", scalar(DType.F64, 1.0)));
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(8 + n + 8, bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"x\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]}}", header.strip());
        assertEquals(1.0, ByteBuffer.wrap(bytes, 8 + (int) n, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
    }

    @Test
    void rejectsReservedMetadataNameForATensor() {
        Path file = dir.resolve("r.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(file, Map.of("__metadata__", scalar(DType.F32, 0))));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
        assertTrue(Files.notExists(file));
    }

    // ---------------------------------------------------------------- a file written by PyTorch/NumPy

    @Test
    void readsFileWrittenByPythonScript() throws IOException, URISyntaxException {
        // Written by scripts/golden/make_safetensors_fixture.py: data ordered by item size then name, header keys
        // sorted, so data order differs from header order.
        Path file = Path.of(SafetensorsTest.class.getResource("/io/torch_fixture.safetensors").toURI());
        Safetensors.Contents c = Safetensors.readContents(file);

        assertEquals(Map.of("format", "pt", "producer", "make_safetensors_fixture.py"), c.metadata());
        assertEquals(List.of("f64_empty", "f64_special", "f32_3d", "f32_matrix", "f32_scalar", "linear.weight"),
                List.copyOf(c.tensors().keySet()));
        Map<String, Tensor> t = c.tensors();
        assertSameBits(Tensor.of(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, 2, 3), t.get("f32_matrix"), "f32_matrix");
        assertSameBits(Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 1, 2), t.get("f32_3d"), "f32_3d");
        assertSameBits(scalar(DType.F32, 42.25), t.get("f32_scalar"), "f32_scalar");
        assertSameBits(Tensor.zeros(DType.F64, 0, 4), t.get("f64_empty"), "f64_empty");
        assertSameBits(Tensor.of(new float[] {0.25f, -0.75f}, 1, 2), t.get("linear.weight"), "linear.weight");
        Tensor special = t.get("f64_special");
        assertEquals(Shape.of(4, 2), special.shape());
        assertEquals(Math.PI, special.getFlat(0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(special.getFlat(1)));
        assertEquals(1e-300, special.getFlat(2));
        assertEquals(1e300, special.getFlat(3));
        assertEquals(Double.POSITIVE_INFINITY, special.getFlat(4));
        assertEquals(Double.NEGATIVE_INFINITY, special.getFlat(5));
        assertTrue(Double.isNaN(special.getFlat(6)));
        assertEquals(0.1, special.getFlat(7));
    }

    // ---------------------------------------------------------------- strict reading

    /** A file with the given 8-byte length field, header bytes and {@code dataBytes} zero bytes of data. */
    private static byte[] file(long headerLength, byte[] header, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(headerLength).put(header).array();
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    /** Reading {@code content} fails with an IOException whose message names the file and every fragment. */
    private void assertRejected(byte[] content, String... fragments) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, content);
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(file));
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()), "message should name the file: " + message);
        for (String f : fragments) {
            assertTrue(message.contains(f), "message should contain '" + f + "': " + message);
        }
    }

    @Test
    void rejectsFileShorterThanTheLengthField() throws IOException {
        assertRejected(new byte[] {1, 0, 0}, "too short");
    }

    @Test
    void rejectsHeaderLengthPastTheEndOfTheFile() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(file(1000, h, 0), "header length 1000", "truncated");
    }

    @Test
    void rejectsHeaderLengthAboveTheLimit() throws IOException {
        assertRejected(file(Safetensors.MAX_HEADER_BYTES + 1, new byte[0], 0), "exceeds the limit");
        assertRejected(file(-1L, new byte[0], 0), "18446744073709551615", "exceeds the limit");
    }

    @Test
    void rejectsTruncatedHeaderJson() throws IOException {
        String full = "{" + entry("w", "F32", "[1]", 0, 4) + "}";
        assertRejected(file(full.substring(0, full.length() - 3), 4), "not valid JSON");
    }

    @Test
    void rejectsInvalidOrNonObjectJson() throws IOException {
        assertRejected(file("{\"w\": nope}", 0), "not valid JSON");
        assertRejected(file("{} trailing", 0), "not valid JSON");
        assertRejected(file("[1, 2]", 0), "must be a JSON object");
        assertRejected(file("        ", 0), "must be a JSON object");
    }

    @Test
    void rejectsDuplicateTensorNames() throws IOException {
        assertRejected(file("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", 8),
                "not valid JSON", "w");
    }

    @Test
    void rejectsUnknownDtypeListingTheSupportedOnes() throws IOException {
        assertRejected(file("{" + entry("embed", "BF16", "[2]", 0, 4) + "}", 4),
                "tensor 'embed'", "unsupported dtype 'BF16'", "F32 and F64");
    }

    @Test
    void rejectsMalformedEntries() throws IOException {
        assertRejected(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "dtype");
        assertRejected(file("{" + entry("w", "F32", "[-1]", 0, 4) + "}", 4), "tensor 'w'", "shape entry 0");
        assertRejected(file("{" + entry("w", "F32", "[1.5]", 0, 4) + "}", 4), "tensor 'w'", "shape entry 0");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                "tensor 'w'", "data_offsets");
        assertRejected(file("{" + entry("w", "F32", "[0]", 4, 0) + "}", 4), "tensor 'w'", "end before they begin");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4),
                "tensor 'w'", "unexpected field 'x'");
        assertRejected(file("{\"w\":[1]}", 0), "tensor 'w'", "must be a JSON object");
    }

    @Test
    void rejectsNonStringMetadata() throws IOException {
        assertRejected(file("{\"__metadata__\":{\"epoch\":3}}", 0), "__metadata__", "epoch", "must be a string");
    }

    @Test
    void rejectsByteLengthThatDisagreesWithShape() throws IOException {
        assertRejected(file("{" + entry("fc.weight", "F32", "[2,2]", 0, 12) + "}", 12),
                "tensor 'fc.weight'", "span 12 bytes", "needs 16");
        assertRejected(file("{" + entry("fc.bias", "F64", "[3]", 0, 12) + "}", 12),
                "tensor 'fc.bias'", "needs 24");
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        assertRejected(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12),
                "tensor 'b'", "overlap", "tensor 'a'");
    }

    @Test
    void rejectsGapsAndTrailingBytes() throws IOException {
        assertRejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
                "tensor 'b'", "gap");
        assertRejected(file("{" + entry("late", "F32", "[1]", 4, 8) + "}", 8), "tensor 'late'", "gap");
        assertRejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 8),
                "holds 8 bytes", "cover only 4", "'a'");
    }

    @Test
    void rejectsTensorRunningPastTheEndOfTheFile() throws IOException {
        assertRejected(file("{" + entry("big", "F32", "[4]", 0, 16) + "}", 8),
                "tensor 'big'", "past the end of the file");
    }
}
