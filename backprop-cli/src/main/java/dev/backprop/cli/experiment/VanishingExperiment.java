package dev.backprop.cli.experiment;

import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Initializer;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Lecture §2 and §2.1: the same deep network (8 hidden layers of 64) with five activation/initialization choices.
 * Backpropagation multiplies the gradient by W_lᵀ·diag(φ'(v_l)) once per layer; with sigmoid (φ' ≤ 1/4) and the
 * "standard" initialization U(±1/√n) (weight variance 1/(3n)) each factor shrinks the gradient by roughly
 * √(n·1/(3n))·φ' ≈ 0.14, so the first layer's weight gradient is a tiny fraction of the last layer's. Tanh
 * (φ' ≤ 1) shrinks it less; ReLU and PReLU with He initialization (variance 2/n) keep it about constant; batch
 * normalization re-centres and re-scales each layer's pre-activations, keeping the sigmoid in its steep region.
 *
 * <p>Measured: ‖∂L/∂W_l‖ of every Linear layer on one fixed batch at initialization and after training, their ratio
 * first/last, the learning curve and test accuracy, and the diagnostics' findings.
 */
public final class VanishingExperiment {
    /** Hidden layers and their width. */
    static final int DEPTH = 8;
    static final int WIDTH = 64;
    static final int BATCH = 64;
    static final double LR = 0.05;
    static final double MOMENTUM = 0.9;
    static final int PROBE = 256;

    private VanishingExperiment() {
    }

    /**
     * One network of the comparison.
     *
     * @param name short name used in JSON and file names
     * @param activation the hidden activation
     * @param standardInit U(±1/√fan_in) weights when true, else He (Kaiming normal with the activation's gain)
     * @param batchNorm batch normalization before every hidden activation
     * @param label a description for tables
     */
    record Variant(String name, String activation, boolean standardInit, boolean batchNorm, String label) {
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("sigmoid", "sigmoid", true, false, "sigmoid, U(±1/√n)"),
            new Variant("tanh", "tanh", true, false, "tanh, U(±1/√n)"),
            new Variant("relu-he", "relu", false, false, "ReLU, He"),
            new Variant("prelu-he", "prelu", false, false, "PReLU, He"),
            new Variant("sigmoid-batchnorm", "sigmoid", true, true, "sigmoid + batch norm, U(±1/√n)"));

    public static ExperimentResult run(ExperimentOptions o) throws IOException {
        ExperimentData data = ExperimentData.load(o.data(), o.dataDir(), o.samplesOr(4000), o.testSamples(), o.seed());
        int epochs = o.epochsOr(8);
        o.say("vanishing: %d hidden layers of %d on %s, %d epochs of SGD (lr %s, momentum %s)", DEPTH, WIDTH,
                data.description(), epochs, LR, MOMENTUM);
        List<Map<String, Object>> variants = new ArrayList<>();
        Table.Builder table = Table.builder("variant", "first/last at init", "first/last trained", "layer 1 grad",
                "last layer grad", "test accuracy", "findings");
        List<Outcome> outcomes = new ArrayList<>();
        for (Variant v : VARIANTS) {
            Outcome r = runVariant(v, data, epochs, o.seed());
            outcomes.add(r);
            o.say("  %-18s first/last %s at init, %s trained; test accuracy %s", v.name(), Training.num(r.ratioInit()),
                    Training.num(r.ratioTrained()), Training.pct(r.run().testAccuracy()));
            table.row(v.label(), Training.num(r.ratioInit()), Training.num(r.ratioTrained()),
                    Training.num(r.init()[0]), Training.num(r.init()[r.init().length - 1]),
                    Training.pct(r.run().testAccuracy()), kinds(r.findings()));
            variants.add(r.toMap());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data.description());
        json.put("hidden_layers", DEPTH);
        json.put("width", WIDTH);
        json.put("epochs", epochs);
        json.put("optimizer", Map.of("name", "sgd", "lr", LR, "momentum", MOMENTUM, "batch", BATCH));
        json.put("probe_samples", Math.min(PROBE, data.train().size()));
        json.put("variants", variants);
        return new ExperimentResult("vanishing", "Vanishing gradients in a deep network (lecture §2, §2.1)",
                "The same network — " + DEPTH + " hidden layers of " + WIDTH + " units — trained with five choices of"
                        + " activation and initialization. The gradient norm of each Linear layer's weights is"
                        + " measured on one fixed batch of " + json.get("probe_samples") + " training samples at"
                        + " initialization and after training; first/last is layer 1's norm divided by the output"
                        + " layer's. Data: " + data.description() + ".",
                json, List.of(table.build()), VanishingFigures.figures(outcomes), notes(outcomes));
    }

    /**
     * What one variant produced.
     *
     * @param init per-Linear gradient norms at initialization
     * @param trained per-Linear gradient norms after training
     */
    record Outcome(Variant variant, double[] init, double[] trained, Training.Run run, List<Finding> findings,
                   int curveEvery) {
        double ratioInit() {
            return init[0] / init[init.length - 1];
        }

        double ratioTrained() {
            return trained[0] / trained[trained.length - 1];
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", variant.name());
            m.put("label", variant.label());
            m.put("activation", variant.activation());
            m.put("init", variant.standardInit() ? "uniform(±1/sqrt(fan_in))" : "he-normal");
            m.put("batch_norm", variant.batchNorm());
            m.put("layer_grad_norms", Map.of("init", Training.list(init), "trained", Training.list(trained)));
            m.put("first_to_last_ratio", ratioInit());
            m.put("first_to_last_ratio_trained", ratioTrained());
            m.put("test_accuracy", run.testAccuracy());
            m.put("loss_curve", run.lossCurve(curveEvery));
            m.put("loss_curve_every_steps", curveEvery);
            m.put("epoch_test_accuracy", run.epochTestAccuracy());
            m.put("findings", findings.stream().map(MetricsJson::map).toList());
            return m;
        }
    }

    static Outcome runVariant(Variant v, ExperimentData data, int epochs, long seed) {
        int[] sizes = new int[DEPTH + 2];
        sizes[0] = data.features();
        for (int i = 1; i <= DEPTH; i++) {
            sizes[i] = WIDTH;
        }
        sizes[DEPTH + 1] = data.classes();
        Sequential model = Mlp.of(sizes).activation(ActivationKind.parse(v.activation())).batchNorm(v.batchNorm()).seed(seed).build();
        if (v.standardInit()) {
            standardInit(model, seed);
        }
        var probe = data.train().subset(PROBE);
        double[] init = Training.linearGradNorms(model, probe);
        GradientDiagnostics diag = new GradientDiagnostics(25);
        SGD sgd = SGD.of(model.parameters(), LR, MOMENTUM, false, Regularizer.none());
        Training.Run run = Training.train(model, sgd, data, epochs, BATCH, seed, List.of(diag));
        model.train(true);
        double[] trained = Training.linearGradNorms(model, probe);
        int steps = run.stepLosses().length;
        return new Outcome(v, init, trained, run, diag.findings(), Math.max(1, steps / 50));
    }

    /** The "standard" initialization of lecture §3's era: W ~ U(−1/√n, 1/√n) with n = fan-in, biases 0. */
    static void standardInit(Sequential model, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        for (Linear l : Training.linears(model)) {
            double a = 1 / Math.sqrt(l.in());
            l.reset(new Initializer.Uniform(-a, a), new Initializer.Constant(0), rng);
        }
    }

    private static String kinds(List<Finding> fs) {
        List<String> k = fs.stream().map(f -> f.kind().label()).distinct().toList();
        return k.isEmpty() ? "none" : String.join(", ", k);
    }

    private static List<String> notes(List<Outcome> outs) {
        Map<String, Outcome> by = new LinkedHashMap<>();
        outs.forEach(o -> by.put(o.variant().name(), o));
        List<String> notes = new ArrayList<>();
        Outcome sig = by.get("sigmoid");
        notes.add("Sigmoid with U(±1/√n): layer 1's weight gradient is " + Training.num(sig.ratioInit())
                + " of the output layer's at initialization (" + Training.num(sig.ratioTrained()) + " after training):"
                + " every sigmoid layer multiplies the backward signal by its derivative (at most 0.25), so the early"
                + " layers barely move; test accuracy " + Training.pct(sig.run().testAccuracy()) + ".");
        Outcome tanh = by.get("tanh");
        notes.add("Tanh with the same initialization keeps first/last at " + Training.num(tanh.ratioInit())
                + ", but all its gradients are small (the output layer's is " + Training.num(tanh.init()[tanh.init().length - 1])
                + ") because the activations shrink from layer to layer; test accuracy "
                + Training.pct(tanh.run().testAccuracy()) + ".");
        List<String> healthy = new ArrayList<>();
        for (String n : List.of("relu-he", "prelu-he", "sigmoid-batchnorm")) {
            Outcome o = by.get(n);
            healthy.add(o.variant().label() + " " + Training.num(o.ratioInit()) + " (accuracy "
                    + Training.pct(o.run().testAccuracy()) + ")");
        }
        notes.add("ReLU and PReLU with He initialization, and batch normalization, keep the gradient flowing to"
                + " layer 1 — first/last at initialization: " + String.join("; ", healthy) + ".");
        return notes;
    }
}
