package dev.backprop.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.fuzz.FuzzProperty;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec.Sgd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes trainer.json: a checkpoint folder whose trainer.json is any bytes, beside the weight files of a real
 * two-epoch checkpoint, loads and resumes a trainer, or fails with an {@link IOException} or
 * {@link IllegalArgumentException} naming the file at fault (trainer.json, or a weight file it names), within the time and memory bounds of
 * {@link FuzzProperty}. Replayed from {@code CheckpointFuzzTestInputs} by every test run; fuzzed with
 * {@code JAZZER_FUZZ=1} (docs/reliability.md).
 */
class CheckpointFuzzTest {
    private static final TrainTest DATA = Synthetic.spirals(40, 10, 0.05, 3);
    private static final Path SEED;

    static {
        try {
            SEED = FuzzProperty.freshDir("checkpoint-seed");
            trainer(2).fit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Trainer trainer(int epochs) {
        Sequential net = Mlp.of(2, 4, 2).seed(5).build();
        return Trainer.builder(net, Loss.crossEntropy(), Sgd.lr(0.1).momentum(0.9),
                DataLoader.shuffled(DATA.train(), 16, 1)).epochs(epochs).checkpointTo(SEED).build();
    }

    @FuzzTest
    void load(byte[] data) throws IOException {
        Path d = FuzzProperty.freshDir("checkpoint");
        try (var files = Files.list(SEED)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals(Checkpoint.INDEX)) {
                    Files.copy(p, d.resolve(p.getFileName()));
                }
            }
        }
        Path index = Files.write(d.resolve(Checkpoint.INDEX), data);
        FuzzProperty.check(d, () -> {
            Sequential net = Mlp.of(2, 4, 2).seed(5).build();
            Trainer t = Trainer.builder(net, Loss.crossEntropy(), Sgd.lr(0.1).momentum(0.9),
                    DataLoader.shuffled(DATA.train(), 16, 1)).epochs(3).build();
            t.resume(d);
        }, IOException.class, IllegalArgumentException.class);
    }
}
