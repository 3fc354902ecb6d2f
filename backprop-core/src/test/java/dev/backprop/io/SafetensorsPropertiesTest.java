package dev.backprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SafetensorsPropertiesTest {

    /** Any list of tensors of rank 0..4 with dimensions 0..4, in either dtype, reads back bit for bit and in order. */
    @Property(tries = 50)
    void roundTripIsExact(
            @ForAll @Size(max = 5) List<@Size(max = 4) List<@IntRange(max = 4) Integer>> shapes,
            @ForAll long seed) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            int[] dims = shapes.get(i).stream().mapToInt(Integer::intValue).toArray();
            DType dtype = (seed + i) % 2 == 0 ? DType.F32 : DType.F64;
            tensors.put("t" + (shapes.size() - i), Tensor.randn(dtype, seed + i, 0, 1, dims));
        }
        Path dir = Files.createTempDirectory("safetensors-prop");
        Path file = dir.resolve("p.safetensors");
        try {
            Safetensors.write(file, tensors);
            Map<String, Tensor> back = Safetensors.read(file);
            assertEquals(tensors.keySet().stream().toList(), back.keySet().stream().toList());
            tensors.forEach((name, t) -> {
                Tensor b = back.get(name);
                assertEquals(t.shape(), b.shape(), name);
                assertEquals(t.dtype(), b.dtype(), name);
                assertArrayEquals(t.toDoubleArray(), b.toDoubleArray(), name);
            });
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }
}
