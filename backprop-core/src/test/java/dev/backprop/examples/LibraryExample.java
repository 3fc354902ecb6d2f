package dev.backprop.examples;

import dev.backprop.Model;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.nn.Linear;
import dev.backprop.nn.ReLU;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.OptimizerSpec.Sgd;
import dev.backprop.train.Trainer;
import dev.backprop.train.TrainingListener;
import dev.backprop.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's library example, compiled and run by {@code LibraryExampleTest} (with and without the Vector API
 * module): build a network, train it, save it, load it and predict. The part between the README markers is copied
 * into the README verbatim (a test checks that they agree).
 */
public final class LibraryExample {
    private LibraryExample() {
    }

    /** Runs the example, saving the model into {@code dir}; returns the loaded model's predictions for two points. */
    static int[] run(Path dir) throws IOException {
        // README:begin
        Init.manualSeed(42); // reproducible initial weights
        TrainTest spirals = Synthetic.spirals(1000, 500, 0.05, 7);
        Sequential net = Sequential.of(
                new Linear(2, 64), new ReLU(),
                new Linear(64, 64), new ReLU(),
                new Linear(64, 2));
        Trainer trainer = Trainer.builder(net, Loss.crossEntropy(), Sgd.lr(0.05).momentum(0.9),
                        DataLoader.shuffled(spirals.train(), 64, 1))
                .evaluateOn(spirals.test())
                .epochs(20)
                .listener(TrainingListener.onEpoch(m -> System.out.printf("epoch %d: loss %.4f, test accuracy %.3f%n",
                        m.epoch(), m.trainLoss(), m.testAccuracy())))
                .build();
        TrainingResult result = trainer.fit();

        Model model = Model.builder(net).classNames(List.of("arm 1", "arm 2")).build();
        model.save(dir);                                  // model.json + model.safetensors, as a run folder holds
        Model loaded = Model.load(dir);                   // also reads a run folder of `backprop train`
        int[] classes = loaded.predict(new float[][] {{0.1f, 0.2f}, {-0.5f, 0.7f}});
        System.out.println(loaded.classNames().get(classes[0]) + ", " + loaded.classNames().get(classes[1])
                + " (test accuracy " + result.last().testAccuracy() + ")");
        // README:end
        lastAccuracy = result.last().testAccuracy();
        return classes;
    }

    static double lastAccuracy;

    /**
     * Runs the example.
     *
     * @param args the folder to save the model in (default: a temporary folder)
     * @throws IOException when the model cannot be written
     */
    public static void main(String[] args) throws IOException {
        run(args.length > 0 ? Path.of(args[0]) : java.nio.file.Files.createTempDirectory("backprop-example"));
    }
}
