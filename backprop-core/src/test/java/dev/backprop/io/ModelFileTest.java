package dev.backprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Variable;
import dev.backprop.data.Normalizer;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    private static final ModelFile.Info INFO = new ModelFile.Info(4, List.of("w", "x", "y", "z"), List.of("a", "b", "c"), Loss.parse("cross_entropy"),
            Normalizer.of("standard", new double[][] {{1, 2, 3, 4}, {1, 1, 2, 2}}), DType.F32);

    private static Sequential model() {
        return Mlp.of(4, 6, 3).activation(ActivationKind.PRELU).batchNorm(true).seed(3).build();
    }

    private static Tensor predict(Sequential m, Tensor x) {
        m.train(false);
        try (NoGrad ignored = NoGrad.enter()) {
            return m.forward(Variable.constant(x)).value();
        }
    }

    @Test
    void roundTripKeepsArchitectureWeightsAndInfo(@TempDir Path dir) throws IOException {
        Sequential m = model();
        ModelFile.save(dir, m, INFO);
        ModelFile.Loaded loaded = ModelFile.load(dir);
        assertEquals(m.specs(), loaded.model().specs());
        assertEquals(INFO.classNames(), loaded.info().classNames());
        assertEquals(4, loaded.info().inputFeatures());
        assertEquals("standard", loaded.info().normalizer().kind());
        assertArrayEquals(INFO.normalizer().parameters()[1], loaded.info().normalizer().parameters()[1]);
        Tensor x = Tensor.randn(DType.F32, 1, 0, 1, 5, 4);
        assertArrayEquals(predict(m, x).toFloatArray(), predict(loaded.model(), x).toFloatArray(), 0f);
        // the model.json path works as well as the folder
        assertEquals(m.specs(), ModelFile.load(dir.resolve(ModelFile.ARCHITECTURE)).model().specs());
    }

    @Test
    void weightsUsePyTorchSequentialNames(@TempDir Path dir) throws IOException {
        ModelFile.save(dir, model(), INFO);
        Map<String, Tensor> w = Safetensors.read(dir.resolve(ModelFile.WEIGHTS));
        assertTrue(w.containsKey("0.weight"), w.keySet().toString());
        assertTrue(w.containsKey("1.running_mean"), w.keySet().toString());
        assertTrue(w.containsKey("2.weight"), "PReLU alpha: " + w.keySet());
        assertArrayEquals(new int[] {6, 4}, w.get("0.weight").shape().dims());
    }

    @Test
    void missingFolderSaysWhatIsExpected(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    }

    @Test
    void aPathThatDoesNotExistIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ModelFile.load(missing));
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void unknownLayerTypeNamesTheFile(@TempDir Path dir) throws IOException {
        ModelFile.save(dir, model(), INFO);
        Path arch = dir.resolve(ModelFile.ARCHITECTURE);
        Files.writeString(arch, Files.readString(arch).replace("\"linear\"", "\"conv2d\""));
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().contains(arch.toString()) && e.getMessage().contains("conv2d"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTheFileAndTheTensor(@TempDir Path dir) throws IOException {
        ModelFile.save(dir, model(), INFO);
        Path weights = dir.resolve(ModelFile.WEIGHTS);
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(weights));
        w.put("0.weight", Tensor.zeros(DType.F32, 6, 5));
        Safetensors.write(weights, w);
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains("0.weight"), e.getMessage());
    }

    @Test
    void truncatedWeightsAreRejected(@TempDir Path dir) throws IOException {
        ModelFile.save(dir, model(), INFO);
        Path weights = dir.resolve(ModelFile.WEIGHTS);
        byte[] b = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(b, b.length - 10));
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
    }

    @Test
    void notAModelFileIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(ModelFile.ARCHITECTURE), "{\"layers\": []}", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().contains("not a Backprop model file"), e.getMessage());
    }

    @Test
    void aTinyModelJsonDeclaringAHugeNetworkIsRefusedBeforeAnythingIsBuilt(@TempDir Path dir) throws IOException {
        ModelFile.save(dir, model(), INFO);
        Path arch = dir.resolve(ModelFile.ARCHITECTURE);
        String json = Files.readString(arch).replace("\"in\" : 4,", "\"in\" : 40000,")
                .replace("\"out\" : 6,", "\"out\" : 40000,").replace("\"input_features\" : 4", "\"input_features\" : 40000");
        Files.writeString(arch, json);
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().startsWith(arch + ": the layers declare "), e.getMessage());
        assertTrue(e.getMessage().contains("model.safetensors holds only " + Files.size(dir.resolve(ModelFile.WEIGHTS))),
                e.getMessage());
        Files.writeString(arch, json.replace("\"out\" : 40000,", "\"out\" : 2000000000,"));
        IOException big = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(big.getMessage().contains("more than one tensor can hold"), big.getMessage());
    }

    @Test
    void invalidUtf8InModelJsonNamesTheByteAndABomIsDropped(@TempDir Path dir) throws IOException {
        ModelFile.save(dir, model(), INFO);
        Path arch = dir.resolve(ModelFile.ARCHITECTURE);
        byte[] good = Files.readAllBytes(arch);
        int at = new String(good, java.nio.charset.StandardCharsets.UTF_8).indexOf("\"a\"") + 1; // inside a class name
        byte[] bad = good.clone();
        bad[at] = (byte) 0xC3; // a two-byte lead, followed by a quote: not UTF-8
        Files.write(arch, bad);
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertTrue(e.getMessage().startsWith(arch + ": invalid UTF-8 at byte offset " + at + " (line "), e.getMessage());
        byte[] bom = new byte[good.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(good, 0, bom, 3, good.length);
        Files.write(arch, bom);
        assertEquals(INFO.classNames(), ModelFile.load(dir).info().classNames());
    }
}
