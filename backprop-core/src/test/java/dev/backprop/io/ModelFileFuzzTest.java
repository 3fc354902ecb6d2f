package dev.backprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.backprop.Model;
import dev.backprop.fuzz.FuzzProperty;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes model.json: a model folder whose model.json is any bytes, beside the model.safetensors of a real 3-4-2
 * model, loads (then it predicts, or gives outputs for a regression model, or says why a row has no prediction),
 * or fails with an {@link IOException} naming the folder's file at fault, within
 * the time and memory bounds of {@link FuzzProperty}. Replayed from {@code ModelFileFuzzTestInputs} by every test run;
 * fuzzed with {@code JAZZER_FUZZ=1} (docs/reliability.md).
 */
class ModelFileFuzzTest {
    private static final byte[] WEIGHTS;

    static {
        try {
            Path d = FuzzProperty.freshDir("model-seed");
            Model.builder(Mlp.of(3, 4, 2).activation(ActivationKind.TANH).seed(1).build())
                    .classNames(List.of("no", "yes")).build().save(d);
            WEIGHTS = Files.readAllBytes(d.resolve(ModelFile.WEIGHTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void load(byte[] data) throws IOException {
        Path d = FuzzProperty.freshDir("model");
        Files.write(d.resolve(ModelFile.WEIGHTS), WEIGHTS);
        Files.write(d.resolve(ModelFile.ARCHITECTURE), data);
        FuzzProperty.check(d, () -> {
            Model m = Model.load(d);
            float[][] rows = {{0.5f, -1f, 2f}};
            try {
                if (m.classNames().isEmpty()) {
                    m.outputs(rows);
                } else {
                    m.predict(rows);
                }
            } catch (IllegalArgumentException documented) {
                // a row whose output is NaN (a hostile normalizer can make one), or of the wrong width
            }
        }, IOException.class);
    }
}
