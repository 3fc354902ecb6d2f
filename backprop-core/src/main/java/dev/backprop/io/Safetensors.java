package dev.backprop.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors in the safetensors format, readable by PyTorch, NumPy and other tools.
 *
 * <p>Layout of a file: an unsigned 64-bit little-endian integer {@code N}; {@code N} bytes of UTF-8 JSON, the header
 * {@code {name: {"dtype": "F32"|"F64", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}; then the data region, in which tensor {@code name} occupies bytes
 * {@code [begin, end)} as row-major little-endian IEEE 754 values, so that {@code end - begin =
 * product(shape) * itemsize}. Tensors tile the data region without gaps or overlaps.
 *
 * <p>Writing goes through {@link AtomicFiles}, so an existing file is replaced whole or not at all. Reading is
 * strict: any inconsistency (see {@link #readContents}) is an {@link IOException} naming the file and the tensor.
 */
public final class Safetensors {
    /** The largest header this reader accepts, 100 MiB: a guard against corrupt length fields. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    /**
     * The tensors of a file, in data order (for files this class writes, the order they were given in), and the
     * free-form string metadata of its {@code "__metadata__"} entry (empty when there is none). Both maps are
     * unmodifiable and keep their order.
     *
     * @param tensors the tensors by name, in data order
     * @param metadata the {@code "__metadata__"} strings, empty when there are none
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /**
         * Copies both maps into unmodifiable maps that keep the given order (the tensors themselves are not copied).
         *
         * @param tensors the tensors by name
         * @param metadata the metadata strings
         * @throws NullPointerException if either map is null
         */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes named tensors to a safetensors file without metadata, atomically replacing any existing file.
     *
     * @param file the file to write
     * @param tensors the tensors by name, written in the map's iteration order (F32 or F64, any shape, views allowed)
     * @throws IOException if the file cannot be written; an existing file is then kept
     * @throws IllegalArgumentException if a name or tensor is null, or a tensor is named {@code "__metadata__"}
     */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes named tensors and string metadata to a safetensors file, atomically replacing any existing file. The
     * JSON header is padded with spaces to a multiple of 8 bytes, so the data region starts aligned.
     *
     * @param file the file to write
     * @param tensors the tensors by name, written in the map's iteration order (F32 or F64, any shape, views allowed)
     * @param metadata strings stored under {@code "__metadata__"}; empty for none
     * @throws IOException if the file cannot be written; an existing file is then kept
     * @throws IllegalArgumentException if a name, tensor, metadata key or value is null, or a tensor is named
     *         {@code "__metadata__"}
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(length.array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                writeData(t, chunk, out);
            }
        });
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so that the data region starts aligned. */
    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach((k, v) -> meta.put(requireNonNull(k, "metadata key"), requireNonNull(v, "metadata value of " + k)));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = requireNonNull(e.getKey(), "tensor name");
            Tensor t = requireNonNull(e.getValue(), "tensor '" + name + "'");
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("'" + name + "' is reserved for metadata and cannot name a tensor");
            }
            long bytes = (long) t.size() * t.dtype().bytes();
            ObjectNode entry = root.putObject(name);
            entry.put("dtype", SafetensorsHeader.dtypeName(t.dtype()));
            Arrays.stream(t.shape().dims()).forEach(entry.putArray("shape")::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return value;
    }

    private static void writeData(Tensor t, ByteBuffer chunk, OutputStream out) throws IOException {
        int perChunk = CHUNK_BYTES / t.dtype().bytes();
        for (int i = 0; i < t.size(); i += perChunk) {
            int n = Math.min(perChunk, t.size() - i);
            chunk.clear();
            if (t.dtype() == DType.F32) {
                chunk.asFloatBuffer().put(t.f32(), t.offset() + i, n);
            } else {
                chunk.asDoubleBuffer().put(t.f64(), t.offset() + i, n);
            }
            out.write(chunk.array(), 0, n * t.dtype().bytes());
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * The tensors of a safetensors file, in data order; see {@link #readContents} for what is checked.
     *
     * @param file the file to read
     * @return the tensors by name, an unmodifiable map in data order; each tensor has its own storage
     * @throws IOException if the file cannot be read or is not a consistent safetensors file of F32/F64 tensors
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readContents(file).tensors();
    }

    /**
     * The tensors and metadata of a safetensors file.
     *
     * @param file the file to read
     * @return the tensors in data order and the metadata
     * @throws IOException naming the file (and the tensor, where one is concerned) when the file is shorter than
     *     its header length says, the header is longer than {@link #MAX_HEADER_BYTES}, the header is not a JSON
     *     object of well-formed entries, a dtype is not F32 or F64, a tensor's byte length differs from
     *     {@code product(shape) * itemsize}, tensors overlap, leave gaps or trailing bytes, or run past the end
     */
    public static Contents readContents(Path file) throws IOException {
        String name = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long headerLength = readHeaderLength(channel, size, name);
            byte[] json = new byte[(int) headerLength];
            readFully(channel, ByteBuffer.wrap(json), Long.BYTES, name, "header");
            long dataStart = Long.BYTES + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, name);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (SafetensorsHeader.Entry e : header.entries()) {
                tensors.put(e.name(), readData(channel, dataStart, e, chunk, name));
            }
            return new Contents(tensors, header.metadata());
        }
    }

    private static long readHeaderLength(FileChannel channel, long size, String file) throws IOException {
        if (size < Long.BYTES) {
            throw new IOException(file + ": " + size + " bytes is too short for a safetensors file "
                    + "(it must start with an 8-byte header length)");
        }
        ByteBuffer buf = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buf, 0, file, "header length");
        long n = buf.flip().getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new IOException(file + ": header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes; the file is corrupt or not a safetensors file");
        }
        if (n > size - Long.BYTES) {
            throw new IOException(file + ": header length " + n + " runs past the end of the file (" + size
                    + " bytes); the header is truncated");
        }
        return n;
    }

    private static Tensor readData(FileChannel channel, long dataStart, SafetensorsHeader.Entry e, ByteBuffer chunk,
            String file) throws IOException {
        Tensor t = Tensor.zeros(e.dtype(), Shape.of(e.shape()));
        int itemSize = e.dtype().bytes();
        int perChunk = CHUNK_BYTES / itemSize;
        long position = dataStart + e.begin();
        for (int i = 0; i < t.size(); i += perChunk) {
            int n = Math.min(perChunk, t.size() - i);
            chunk.clear().limit(n * itemSize);
            readFully(channel, chunk, position, file, "tensor '" + e.name() + "'");
            chunk.flip();
            if (e.dtype() == DType.F32) {
                chunk.asFloatBuffer().get(t.f32(), i, n);
            } else {
                chunk.asDoubleBuffer().get(t.f64(), i, n);
            }
            position += (long) n * itemSize;
        }
        return t;
    }

    /** Fills {@code buf} from {@code position}; the file ending first is an IOException naming {@code what}. */
    private static void readFully(FileChannel channel, ByteBuffer buf, long position, String file, String what)
            throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new IOException(file + ": " + what + ": the file ends at byte " + p + " before its data does");
            }
            p += n;
        }
    }
}
