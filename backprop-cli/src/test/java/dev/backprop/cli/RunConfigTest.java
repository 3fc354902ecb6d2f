package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.io.ModelFile;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run configuration: precedence of defaults, config file and flags; the optimizer flags; config.json holding
 * every effective value; re-running from config.json; validation of flags and file values.
 */
class RunConfigTest {
    @TempDir
    Path tmp;

    /** Trains a tiny run into {@code tmp/name} with {@code args} and returns the run folder. */
    private Path train(String name, String... args) {
        Path dir = tmp.resolve(name);
        List<String> all = new ArrayList<>(List.of("train", "--samples", "200", "--epochs", "2", "--layers", "2-8-2",
                "--log-every", "0", "--out", dir.toString()));
        all.addAll(List.of(args));
        Cli.run(all.toArray(String[]::new)).expect(0);
        return dir;
    }

    private static JsonNode config(Path run) throws IOException {
        return Cli.JSON.readTree(run.resolve("config.json").toFile());
    }

    private static byte[] weights(Path run) throws IOException {
        return Files.readAllBytes(run.resolve(ModelFile.WEIGHTS));
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void theActivationFlagOffersEveryHiddenLayerKind() {
        // adding an ActivationKind without listing it on the command line (or the reverse) fails here
        java.util.Set<dev.backprop.nn.ActivationKind> offered = java.util.EnumSet.noneOf(dev.backprop.nn.ActivationKind.class);
        for (String name : Setup.ACTIVATIONS.split("\\|")) {
            offered.add(dev.backprop.nn.ActivationKind.parse(name));
        }
        java.util.Set<dev.backprop.nn.ActivationKind> hidden = java.util.EnumSet.allOf(dev.backprop.nn.ActivationKind.class);
        hidden.remove(dev.backprop.nn.ActivationKind.SOFTMAX);
        assertEquals(hidden, offered);
    }

    @Test
    void adamwWithWeightDecayZeroTrainsWithZero() throws IOException {
        Path zero = train("adamw0", "--optimizer", "adamw", "--weight-decay", "0");
        assertEquals(0.0, config(zero).get("optimizer").get("weight_decay").asDouble());
        // AdamW with no decay is Adam: w * (1 - lr * 0) is w exactly, then the same Adam step.
        Path adam = train("adam", "--optimizer", "adam");
        assertArrayEquals(weights(adam), weights(zero), "adamw --weight-decay 0 trains as adam");
        Path dflt = train("adamw", "--optimizer", "adamw");
        assertEquals(0.01, config(dflt).get("optimizer").get("weight_decay").asDouble());
        assertFalse(java.util.Arrays.equals(weights(dflt), weights(zero)), "the default decay 0.01 is not 0");
        Path yaml = file("adamw0.yaml", "optimizer: adamw\nweight-decay: 0\n");
        Path fromFile = train("adamw0-file", "--config", yaml.toString());
        assertArrayEquals(weights(zero), weights(fromFile), "weight-decay: 0 in a file is 0 too");
    }

    @Test
    void optimizerSpecOfTheFlags() {
        assertEquals(dev.backprop.optim.OptimizerSpec.Sgd.lr(0.05).momentum(0.9), flags().optimizer);
        assertEquals(dev.backprop.optim.OptimizerSpec.Sgd.lr(0.1).momentum(0.5).nesterov(true),
                flags("--lr", "0.1", "--momentum", "0.5", "--nesterov").optimizer);
        assertEquals(dev.backprop.optim.OptimizerSpec.Adam.lr(0.001), flags("--optimizer", "adam").optimizer);
        assertEquals(dev.backprop.optim.OptimizerSpec.RMSProp.lr(0.001), flags("--optimizer", "rmsprop").optimizer);
        assertEquals(dev.backprop.optim.OptimizerSpec.AdamW.lr(0.002).weightDecay(0),
                flags("--optimizer", "adamw", "--lr", "0.002", "--weight-decay", "0").optimizer);
        assertEquals(dev.backprop.optim.OptimizerSpec.Adam.lr(0.001).betas(0.9, 0.99),
                flags("--optimizer", "{\"type\":\"adam\",\"beta2\":0.99}").optimizer);
        assertEquals(dev.backprop.optim.OptimizerSpec.Sgd.lr(0.05).momentum(0.9).nesterov(true),
                flags("--optimizer", "{\"type\":\"sgd\",\"nesterov\":true}").optimizer,
                "keys left out of an object take the CLI's defaults of that optimizer");
    }

    /** The resolved configuration of {@code train} with these flags (nothing is run). */
    private static RunConfig flags(String... args) {
        TrainCommand cmd = new TrainCommand();
        picocli.CommandLine cl = new picocli.CommandLine(cmd);
        cl.parseArgs(args);
        cmd.spec = cl.getCommandSpec();
        return cmd.options.toConfig(cmd.spec);
    }

    @Test
    void flagsOverrideTheFileWhichOverridesTheDefaults() throws IOException {
        Path yaml = file("run.yaml", "epochs: 1\nlr: 0.1\nactivation: tanh\nmomentum: 0\nbatch: 16\n");
        JsonNode c = config(train("over", "--config", yaml.toString(), "--lr", "0.2", "--batch", "32"));
        assertEquals(0.2, c.get("optimizer").get("lr").asDouble(), "flag over file");
        assertEquals(32, c.get("batch").asInt(), "flag over file");
        assertEquals("tanh", c.get("activation").asText(), "file over default");
        assertEquals(0.0, c.get("optimizer").get("momentum").asDouble(), "file's 0 is not replaced by the default 0.9");
        assertEquals(2, c.get("epochs").asInt(), "train() passes --epochs 2, over the file's 1");
        assertEquals("default (xavier-uniform)", c.get("init").asText(), "tanh's default initializer");
    }

    @Test
    void anOptimizerObjectInAFile() throws IOException {
        Path yaml = file("adam.yaml", "optimizer: {type: adam, beta2: 0.99}\nlr: 0.002\n");
        assertEquals("{\"type\":\"adam\",\"lr\":0.002,\"beta1\":0.9,\"beta2\":0.99,\"eps\":1.0E-8}",
                config(train("adam-yaml", "--config", yaml.toString())).get("optimizer").toString());
        // a flag replaces the whole object; the file's lr, a setting of its own, still applies
        assertEquals("{\"type\":\"sgd\",\"lr\":0.002,\"momentum\":0.9,\"dampening\":0.0,\"nesterov\":false}",
                config(train("sgd-over-yaml", "--config", yaml.toString(), "--optimizer", "sgd")).get("optimizer")
                        .toString());
    }

    @Test
    void aFileValueIsNotReplacedByADefault() throws IOException {
        Path yaml = file("small.yaml", "layers: 2-4-2\nsamples: 100\nbatch: 16\nlr: 0.001\n");
        JsonNode c = config(train("file", "--config", yaml.toString()));
        assertEquals(0.001, c.get("optimizer").get("lr").asDouble(), "not sgd's default 0.05");
        // gradcheck's own default batch (8) applies only when neither the file nor a flag gives one
        JsonNode g = Cli.run("gradcheck", "--config", yaml.toString(), "--json").expect(0).json();
        assertEquals(16, g.get("batch").asInt());
        JsonNode d = Cli.run("gradcheck", "--layers", "2-4-2", "--samples", "100", "--json").expect(0).json();
        assertEquals(8, d.get("batch").asInt());
    }

    /** The settings that config.json leaves out on a default run: folded into the optimizer, or not set. */
    static final Set<String> UNSET_ON_A_DEFAULT_RUN = Set.of("lr", "momentum", "nesterov", "weight-decay",
            "label-column", "test", "data-dir", "init-from");

    @Test
    void configJsonOfADefaultRunHoldsEveryValue() throws IOException {
        Path run = tmp.resolve("default");
        Cli.run("train", "--epochs", "1", "--out", run.toString()).expect(0);
        JsonNode c = config(run);
        for (Field f : RunConfig.SETTINGS) {
            String key = RunConfig.key(f);
            assertEquals(!UNSET_ON_A_DEFAULT_RUN.contains(key), c.has(key), key + " in " + c);
        }
        assertEquals("2-64-64-2", c.get("layers").asText());
        assertEquals("default (he-normal; xavier-uniform for the output layer)", c.get("init").asText());
        assertEquals("{\"type\":\"sgd\",\"lr\":0.05,\"momentum\":0.9,\"dampening\":0.0,\"nesterov\":false}",
                c.get("optimizer").toString());
        assertEquals(1000, c.get("samples").asInt());
        assertEquals(0.05, c.get("noise").asDouble());
        assertEquals(dev.backprop.kernel.Parallel.threads(), c.get("threads").asInt());
        assertEquals("none", c.get("normalize").asText());
        assertEquals(42, c.get("seed").asLong());
        assertTrue(c.get("shuffle").asBoolean());
    }

    @Test
    void rerunFromConfigJsonGivesTheSameWeightFile() throws IOException {
        Path a = train("a", "--optimizer", "{\"type\":\"adam\",\"beta2\":0.99}", "--activation", "tanh",
                "--init", "xavier-normal", "--l2", "1e-3", "--schedule", "cosine", "--batch-norm", "--dropout", "0.1",
                "--batch", "32", "--seed", "7", "--noise", "0.1");
        Path b = tmp.resolve("b");
        Cli.run("train", "--config", a.resolve("config.json").toString(), "--out", b.toString()).expect(0);
        assertArrayEquals(weights(a), weights(b));
        assertEquals(config(a), config(b), "the same effective configuration");
        Path d = tmp.resolve("d");
        Cli.run("train", "--epochs", "1", "--samples", "200", "--out", d.toString()).expect(0);
        Path e = tmp.resolve("e");
        Cli.run("train", "--config", d.resolve("config.json").toString(), "--out", e.toString()).expect(0);
        assertArrayEquals(weights(d), weights(e), "a default run, re-run from its config.json");
    }

    @Test
    void evalOnAnotherSyntheticSetDoesNotTakeTheRunsSampleCount() {
        Path run = train("spirals");
        // config.json records samples 200 for spirals; moons gets its own default, 1000 (a test split of 500)
        JsonNode moons = Cli.run("eval", "--model", run.toString(), "--data", "moons", "--json").expect(0).json();
        assertEquals(500, moons.get("samples").asInt());
        JsonNode own = Cli.run("eval", "--model", run.toString(), "--json").expect(0).json();
        assertEquals(100, own.get("samples").asInt());
    }

    @Test
    void configJsonOfEarlierVersionsStillLoads() throws IOException {
        // what config.json looked like before the optimizer object: flat keys, only the values given or with a default
        Path old = file("old.json", """
                {
                  "layers" : "2-8-2", "activation" : "relu", "loss" : "cross-entropy", "dropout" : 0.0,
                  "batch-norm" : false, "optimizer" : "adam", "lr" : 0.01, "momentum" : 0.9, "nesterov" : false,
                  "l2" : 0.0, "l1" : 0.0, "weight-decay" : 0.0, "clip-norm" : 0.0, "clip-value" : 0.0,
                  "schedule" : "constant", "batch" : 64, "epochs" : 1, "early-stop" : 0, "data" : "spirals",
                  "val-split" : 0.0, "samples" : 200, "seed" : 42, "dtype" : "f32", "shuffle" : true, "log-every" : 50
                }
                """);
        Path run = tmp.resolve("old");
        Cli.run("train", "--config", old.toString(), "--out", run.toString()).expect(0);
        assertEquals("{\"type\":\"adam\",\"lr\":0.01,\"beta1\":0.9,\"beta2\":0.999,\"eps\":1.0E-8}",
                config(run).get("optimizer").toString());
        Path same = tmp.resolve("same");
        Cli.run("train", "--layers", "2-8-2", "--samples", "200", "--epochs", "1", "--optimizer", "adam", "--lr", "0.01",
                "--out", same.toString()).expect(0);
        assertArrayEquals(weights(same), weights(run));
        // Those versions wrote "weight-decay": 0.0 for every run, and an adamw run without --l1/--l2 trained with
        // the default decay 0.01: reading such a file gives 0.01 again.
        Path oldAdamw = file("old-adamw.json", Files.readString(old).replace("\"adam\"", "\"adamw\""));
        Path rerun = tmp.resolve("old-adamw");
        Cli.run("train", "--config", oldAdamw.toString(), "--out", rerun.toString()).expect(0);
        assertEquals(0.01, config(rerun).get("optimizer").get("weight_decay").asDouble());
    }

    @Test
    void invalidValuesAreUsageErrorsNamingTheFlagOrTheFileLineAndKey() throws IOException {
        Path out = tmp.resolve("never");
        Cli.Result flag = Cli.run("train", "--dropout", "1.5", "--out", out.toString()).expect(2).noStackTrace();
        assertTrue(flag.err().contains("--dropout must be in [0, 1), got 1.5"), flag.err());
        Path yaml = file("bad.yaml", "dropout: 1.5\n");
        Cli.Result inFile = Cli.run("train", "--config", yaml.toString(), "--out", out.toString()).expect(2);
        assertTrue(inFile.err().contains(yaml + " line 1: key 'dropout' must be in [0, 1), got 1.5"), inFile.err());
        Path typo = file("typo.yaml", "epochs: 1\nbatchsize: 3\n");
        Cli.Result unknown = Cli.run("train", "--config", typo.toString(), "--out", out.toString()).expect(2);
        assertTrue(unknown.err().contains(typo + " line 2: unknown key 'batchsize'"), unknown.err());
        Path words = file("words.yaml", "epochs: many\n");
        Cli.Result notInt = Cli.run("train", "--config", words.toString(), "--out", out.toString()).expect(2);
        assertTrue(notInt.err().contains(words + " line 1: invalid value for key 'epochs': 'many' is not an int"), notInt.err());
        Path act = file("act.yaml", "activation: swish\n");
        Cli.Result choice = Cli.run("train", "--config", act.toString(), "--out", out.toString()).expect(2);
        assertTrue(choice.err().contains(act + " line 1: key 'activation': unknown value 'swish'; valid: relu|"), choice.err());
        Cli.Result momentum = Cli.run("train", "--optimizer", "adam", "--momentum", "0.5", "--out", out.toString())
                .expect(2);
        assertTrue(momentum.err().contains("--momentum is SGD's momentum; adam has none"), momentum.err());
        Cli.Result wd = Cli.run("train", "--weight-decay", "0.1", "--out", out.toString()).expect(2);
        assertTrue(wd.err().contains("--weight-decay is AdamW's decoupled decay"), wd.err());
        Cli.Result nesterov = Cli.run("train", "--momentum", "0", "--nesterov", "--out", out.toString()).expect(2);
        assertTrue(nesterov.err().contains("sgd nesterov needs momentum > 0"), nesterov.err());
        Cli.Result beta = Cli.run("train", "--optimizer", "{\"type\":\"adam\",\"beta1\":1}", "--out", out.toString())
                .expect(2);
        assertTrue(beta.err().contains("adam beta1 must be in [0.0, 1.0), got 1.0"), beta.err());
        Cli.Result layers = Cli.run("train", "--layers", "2-x-2", "--out", out.toString()).expect(2);
        assertTrue(layers.err().contains("--layers") && layers.err().contains("expected sizes joined by '-'"),
                layers.err());
        Path sizes = file("sizes.json", "{\n  \"epochs\": 1,\n  \"layers\": \"3-8-2\"\n}\n");
        Cli.Result misfit = Cli.run("train", "--config", sizes.toString(), "--out", out.toString()).expect(2);
        assertTrue(misfit.err().contains(sizes + " line 3: key 'layers' 3-8-2: layer 1 (Linear 3->8) takes 3 inputs"),
                misfit.err());
        assertFalse(Files.exists(out), "nothing is written before the values are checked");
    }

    @Test
    void aConfigFileThatIsNotUtf8NamesTheByteAndABomIsDropped() throws IOException {
        Path out = tmp.resolve("never");
        Path latin1 = tmp.resolve("latin1.yaml");
        Files.write(latin1, "epochs: 1\n# d\u00e9j\u00e0 vu\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Cli.Result bad = Cli.run("train", "--config", latin1.toString(), "--out", out.toString()).expect(2)
                .noStackTrace();
        assertTrue(bad.err().contains("--config: " + latin1 + ": invalid UTF-8 at byte offset 13 (line 2, column 4): 0xe9"),
                bad.err());
        Path broken = file("broken.json", "{\n  \"epochs\": 1,\n  \"lr\" 0.1\n}\n");
        Cli.Result syntax = Cli.run("train", "--config", broken.toString(), "--out", out.toString()).expect(2)
                .noStackTrace();
        assertTrue(syntax.err().contains("--config: " + broken + " (line 3, column 8)"), syntax.err());
        Cli.Result missing = Cli.run("train", "--config", tmp.resolve("none.yaml").toString(), "--out",
                out.toString()).expect(2);
        assertTrue(missing.err().contains("none.yaml"), missing.err());
        assertFalse(Files.exists(out), "nothing is written for a bad config file");
        Path bom = tmp.resolve("bom.json");
        Files.write(bom, "\ufeff{\"epochs\": 1, \"samples\": 100, \"layers\": \"2-4-2\"}".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        Cli.run("train", "--config", bom.toString(), "--out", out.toString()).expect(0);
        assertEquals(1, config(out).get("epochs").asInt());
    }
}
