package dev.backprop.cli.experiment;

import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.diagnose.Stats;
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

/**
 * Lecture §3: initialization must break symmetry. With every weight set to the same constant, all neurons of a hidden
 * layer compute the same output; the gradient of neuron j's incoming weights is δ_j·xᵀ with δ_j = Σ_k W_kj·δ_k,
 * and since the columns W_·j of the next layer are identical too, every neuron receives the same update and the
 * neurons stay identical for ever: the layer behaves like a single neuron. A random initialization (He-normal)
 * gives every neuron its own weights from the start.
 *
 * <p>Measured after training: per Linear layer, the number of neurons that have a bit-for-bit identical twin
 * (incoming weights and bias), whether the diagnostics' symmetry finding fired, and the test accuracy.
 */
public final class SymmetryExperiment {
    static final int[] HIDDEN = {64, 64};
    static final String ACTIVATION = "tanh";
    static final double CONSTANT = 0.01;
    static final double LR = 0.05;
    static final double MOMENTUM = 0.9;
    static final int BATCH = 64;

    private SymmetryExperiment() {
    }

    /**
     * One initialization's outcome.
     *
     * @param units neurons per Linear layer
     * @param identical neurons with an identical twin, per Linear layer, after training
     * @param identicalAtInit the same at initialization
     */
    record Outcome(String name, String label, int[] units, int[] identicalAtInit, int[] identical, Training.Run run,
                   List<Finding> findings) {
        boolean symmetryFired() {
            return findings.stream().anyMatch(f -> f.kind() == Finding.Kind.SYMMETRY);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("init", label);
            m.put("units", java.util.Arrays.stream(units).boxed().toList());
            m.put("identical_neurons_at_init", java.util.Arrays.stream(identicalAtInit).boxed().toList());
            m.put("identical_neurons", java.util.Arrays.stream(identical).boxed().toList());
            m.put("symmetry_finding", symmetryFired());
            m.put("test_accuracy", run.testAccuracy());
            m.put("loss_curve", run.lossCurve(Math.max(1, run.stepLosses().length / 50)));
            m.put("loss_curve_every_steps", Math.max(1, run.stepLosses().length / 50));
            m.put("findings", findings.stream().map(MetricsJson::map).toList());
            return m;
        }
    }

    public static ExperimentResult run(ExperimentOptions o) throws IOException {
        ExperimentData data = ExperimentData.load(o.data(), o.dataDir(), o.samplesOr(4000), o.testSamples(), o.seed());
        int epochs = o.epochsOr(5);
        o.say("symmetry: %s network %d-%d-%d-%d on %s, %d epochs", ACTIVATION, data.features(), HIDDEN[0], HIDDEN[1],
                data.classes(), data.description(), epochs);
        List<Outcome> outs = List.of(
                runOne("constant", "constant " + CONSTANT + " (biases 0)", new Initializer.Constant(CONSTANT), data,
                        epochs, o.seed()),
                runOne("random", "Xavier-uniform (tanh gain)", null, data, epochs, o.seed()));
        Table.Builder t = Table.builder("initialization", "identical neurons per layer (of units)",
                "symmetry finding", "test accuracy");
        for (Outcome r : outs) {
            o.say("  %-8s identical %s, symmetry finding %s, test accuracy %s", r.name(), perLayer(r), r.symmetryFired(),
                    Training.pct(r.run().testAccuracy()));
            t.row(r.label(), perLayer(r), r.symmetryFired() ? "fired" : "silent", Training.pct(r.run().testAccuracy()));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data.description());
        json.put("layers", layerSizes(data));
        json.put("activation", ACTIVATION);
        json.put("epochs", epochs);
        json.put("variants", outs.stream().map(Outcome::toMap).toList());
        List<String> notes = new ArrayList<>();
        Outcome c = outs.get(0);
        Outcome r = outs.get(1);
        notes.add("With constant initialization " + perLayer(c) + " neurons per Linear layer still have an identical"
                + " twin after training: each hidden layer acts like a single neuron; only the output layer's neurons"
                + " separate (each class gets its own error signal).");
        notes.add("The diagnostics' symmetry finding " + (c.symmetryFired() ? "fired" : "did not fire")
                + " for the constant initialization and " + (r.symmetryFired() ? "fired" : "stayed silent")
                + " for the random one.");
        notes.add("Test accuracy: " + Training.pct(c.run().testAccuracy()) + " (constant) against "
                + Training.pct(r.run().testAccuracy()) + " (random).");
        return new ExperimentResult("symmetry", "Breaking symmetry: constant against random initialization (lecture §3)",
                "A " + ACTIVATION + " network " + layerSizes(data) + " trained twice: once with every weight set to "
                        + CONSTANT + ", once with a random (Xavier-uniform) initialization. Data: "
                        + data.description() + ".",
                json, List.of(t.build()), SymmetryFigures.figures(outs), notes);
    }

    static String layerSizes(ExperimentData d) {
        return d.features() + "-" + HIDDEN[0] + "-" + HIDDEN[1] + "-" + d.classes();
    }

    static Outcome runOne(String name, String label, Initializer init, ExperimentData data, int epochs, long seed) {
        int[] sizes = {data.features(), HIDDEN[0], HIDDEN[1], data.classes()};
        Mlp mlp = Mlp.of(sizes).activation(ActivationKind.parse(ACTIVATION)).seed(seed);
        Sequential model = (init == null ? mlp : mlp.weightInit(init)).build();
        int[] atInit = identicalPerLayer(model);
        GradientDiagnostics diag = new GradientDiagnostics(25);
        SGD sgd = SGD.of(model.parameters(), LR, MOMENTUM, false, Regularizer.none());
        Training.Run run = Training.train(model, sgd, data, epochs, BATCH, seed, List.of(diag));
        List<Linear> ls = Training.linears(model);
        int[] units = ls.stream().mapToInt(Linear::out).toArray();
        return new Outcome(name, label, units, atInit, identicalPerLayer(model), run, diag.findings());
    }

    /** Per Linear layer, the number of neurons whose incoming weights and bias equal another neuron's exactly. */
    static int[] identicalPerLayer(Sequential model) {
        List<Linear> ls = Training.linears(model);
        int[] out = new int[ls.size()];
        for (int i = 0; i < out.length; i++) {
            Linear l = ls.get(i);
            for (int[] g : Stats.identicalRows(l.weight().value(), l.bias() == null ? null : l.bias().value())) {
                out[i] += g.length;
            }
        }
        return out;
    }

    private static String perLayer(Outcome r) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < r.units().length; i++) {
            parts.add(r.identical()[i] + "/" + r.units()[i]);
        }
        return String.join(", ", parts);
    }
}
