package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each error of the command line: its exit code, its message, and no stack trace without --verbose. */
class ErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void unknownOptionGetsAShortErrorWithOneHint() {
        Cli.Result r = Cli.run("train", "--bogus").expect(2).noStackTrace();
        assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
        assertTrue(r.err().contains("Try 'backprop train --help' for the usage."), r.err());
        assertTrue(r.err().lines().count() <= 3, "short: the message and a hint, not the whole usage\n" + r.err());
        Cli.Result cmd = Cli.run("frobnicate").expect(2);
        assertTrue(cmd.err().contains("Try 'backprop --help'"), cmd.err());
    }

    @Test
    void aMisspelledFlagGetsASuggestion() {
        Cli.Result r = Cli.run("train", "--epoch", "3").expect(2).noStackTrace();
        assertTrue(r.err().contains("Did you mean --epochs?"), r.err());
        Cli.Result cmd = Cli.run("trian").expect(2);
        assertTrue(cmd.err().contains("Did you mean train"), cmd.err());
    }

    @Test
    void unknownValueListsTheValidChoices() {
        Cli.Result r = Cli.run("train", "--activation", "swish").expect(2).noStackTrace();
        assertTrue(r.err().contains("relu|leaky-relu|prelu|elu|gelu|silu|sigmoid|tanh|linear"), r.err());
        assertTrue(r.err().contains("Try 'backprop train --help'"), r.err());
        Cli.Result data = Cli.run("train", "--data", "mnist-digits").expect(2);
        assertTrue(data.err().contains("fashion-mnist|spirals|circles|moons|xor|blobs|FILE.csv"), data.err());
        Cli.Result opt = Cli.run("gradcheck", "--optimizer", "lbfgs").expect(2);
        assertTrue(opt.err().contains("sgd|adam|adamw|rmsprop"), opt.err());
        Cli.Result number = Cli.run("train", "--epochs", "many").expect(2);
        assertTrue(number.err().contains("--epochs") && number.err().contains("many"), number.err());
    }

    @Test
    void missingFashionMnistSaysHowToGetIt() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Result r = Cli.run("train", "--data", "fashion-mnist", "--data-dir", empty.toString(), "--out",
                tmp.resolve("run").toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains("apt-get install dataset-fashion-mnist"), r.err());
        assertTrue(r.err().contains("--data-dir"), r.err());
    }

    @Test
    void malformedCsvNamesFileAndLine() throws IOException {
        Path csv = Files.writeString(tmp.resolve("broken.csv"), "x,y,label\n1,2,a\n3,oops,b\n");
        Cli.Result r = Cli.run("train", "--data", csv.toString(), "--epochs", "1", "--out",
                tmp.resolve("run").toString()).expect(1).noStackTrace();
        assertTrue(r.err().contains(csv + " line 3, column 2 ('y')"), r.err());
    }

    @Test
    void sizesThatDoNotFitNameTheLayerAndSizes() {
        Cli.Result r = Cli.run("train", "--layers", "10-5-3", "--samples", "200").expect(2).noStackTrace();
        assertTrue(r.err().contains("layer 1 (Linear 10->5) takes 10 inputs, but the data has 2 features"), r.err());
        Cli.Result out = Cli.run("train", "--layers", "2-5-3", "--samples", "200").expect(2);
        assertTrue(out.err().contains("has 3 outputs, but the data has 2 classes"), out.err());
    }

    @Test
    void divergenceExitsOneNamingStepAndLayer() {
        Cli.Result r = Cli.run("train", "--samples", "200", "--epochs", "2", "--lr", "1e30", "--out",
                tmp.resolve("nan").toString()).expect(1).noStackTrace();
        assertTrue(r.err().matches("(?s).*diverged at step \\d+.*layer \\d+ \\(.*"), r.err());
    }

    @Test
    void verboseShowsTheStackTrace() throws IOException {
        Path csv = Files.writeString(tmp.resolve("broken.csv"), "x,label\nnope,a\n");
        Cli.Result r = Cli.run("train", "--data", csv.toString(), "--verbose", "--out",
                tmp.resolve("run").toString()).expect(1);
        assertTrue(r.err().contains("\tat dev.backprop."), r.err());
    }

    @Test
    void modelCommandsNameAMissingModel() {
        Path none = tmp.resolve("no-run");
        for (String[] args : new String[][] {{"eval", "--model", none.toString()},
                {"predict", "--model", none.toString(), "--input", "x.csv"}}) {
            Cli.Result r = Cli.run(args).expect(1).noStackTrace();
            assertTrue(r.err().contains(none.toString()) && r.err().contains("model.json"), r.err());
        }
        Cli.Result r = Cli.run("eval").expect(2);
        assertTrue(r.err().contains("Missing required option: '--model=DIR'"), r.err());
    }

    @Test
    void runningOutOfMemorySaysWhatToChangeWithoutAStackTrace() {
        // a 40000 x 40000 hidden layer needs 6.4 GB of weights, more than the test JVM may use
        Path run = tmp.resolve("huge");
        Cli.Result r = Cli.run("train", "--layers", "2-40000-40000-2", "--samples", "100", "--out", run.toString())
                .expect(1).noStackTrace();
        assertTrue(r.err().contains("out of memory") && r.err().contains("BACKPROP_JAVA_OPTS")
                && r.err().contains("--batch"), r.err());
        assertTrue(!java.nio.file.Files.exists(run), "nothing was written");
    }

    @Test
    void countsThatWouldOverflowAreRejectedByTheirFlagBeforeAnythingIsWritten() {
        Path run = tmp.resolve("overflow");
        Cli.Result steps = Cli.run("train", "--epochs", "2000000000", "--batch", "1", "--samples", "100",
                "--out", run.toString()).expect(2).noStackTrace();
        assertTrue(steps.err().contains("--epochs 2000000000 x 100 batches per epoch is 200000000000 steps"),
                steps.err());
        Cli.Result threads = Cli.run("train", "--threads", "100000", "--out", run.toString()).expect(2);
        assertTrue(threads.err().contains("threads") && threads.err().contains("1024"), threads.err());
        Cli.Result samples = Cli.run("train", "--samples", "2000000000", "--out", run.toString()).expect(2);
        assertTrue(samples.err().contains("samples"), samples.err());
        assertTrue(!java.nio.file.Files.exists(run), "nothing was written");
    }

    @Test
    void degenerateSplitsAreRejectedAndAOneSampleBatchIsSkippedForBatchNorm() {
        Path run = tmp.resolve("split");
        Cli.Result r = Cli.run("train", "--samples", "2", "--val-split", "0.9", "--out", run.toString()).expect(2);
        assertTrue(r.err().contains("--val-split 0.9 of 2 samples leaves 0 for training"), r.err());
        assertTrue(!java.nio.file.Files.exists(run));
        // 65 samples in batches of 32: the last batch has 1 sample, which batch norm cannot normalize (as PyTorch)
        Cli.Result bn = Cli.run("train", "--samples", "65", "--batch", "32", "--batch-norm", "--epochs", "2",
                "--out", tmp.resolve("bn").toString()).expect(0);
        assertTrue(bn.out().contains("leave a last batch of 1 sample"), bn.out());
    }
}
