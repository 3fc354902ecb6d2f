package dev.backprop.cli.experiment;

import dev.backprop.diagnose.Stats;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.StepContext;
import dev.backprop.train.TrainingListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lecture chapter 2: the penalty λΩ(Θ) of eq. 2.1, as weight decay (L2, Ω = Σw², eq. 2.2) and as sparsity
 * regularization (L1, Ω = Σ|w|, eq. 2.8), over a range of λ. L2 pulls every weight towards 0 in proportion to its
 * size, so weights become small but not 0; L1 pulls with constant strength (here as the proximal soft-threshold step
 * w ← sign(w)·max(|w| − ηλ, 0)), so weights whose data gradient is weak reach exactly 0.
 *
 * <p>Measured per variant: test accuracy, the weights' L2 norm √Σw², the fraction of weights exactly 0 and their
 * histogram. The decay check (eq. 2.7) trains a float64 copy of the network with one extra input feature that is
 * always 0, so the weights attached to it have data gradient exactly 0 and plain SGD gives
 * w_t = (1 − 2ηλ)^t·w_0; the observed weights are compared with that closed form at every step.
 */
public final class RegularizationExperiment {
    static final int HIDDEN = 64;
    static final double LR = 0.1;
    static final int BATCH = 64;
    static final double[] LAMBDAS = {1e-4, 1e-3, 1e-2};
    static final double DECAY_LAMBDA = 1e-2;
    static final int DECAY_HIDDEN = 16;
    static final int DECAY_EPOCHS = 8;

    private RegularizationExperiment() {
    }

    /**
     * One penalty setting's outcome.
     *
     * @param penalty "none", "l2" or "l1"
     * @param weights every weight after training
     */
    record Outcome(String penalty, double lambda, Training.Run run, double[] weights, double weightNorm,
                   double zeroFraction) {
        String label() {
            return penalty.equals("none") ? "none" : penalty.toUpperCase(java.util.Locale.ROOT) + " λ=" + Training.lambda(lambda);
        }

        String name() {
            return penalty.equals("none") ? "none" : penalty + "-" + Training.lambda(lambda);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name());
            m.put("penalty", penalty);
            m.put("lambda", lambda);
            m.put("test_accuracy", run.testAccuracy());
            m.put("zero_weight_fraction", zeroFraction);
            m.put("weight_norm", weightNorm);
            m.put("train_loss", run.result().last().trainLoss());
            m.put("penalty_value", run.result().last().penalty());
            return m;
        }
    }

    /**
     * The eq. 2.7 check.
     *
     * @param steps SGD steps taken
     * @param tracked number of weights with zero data gradient that were followed
     * @param maxRelativeError max over steps and tracked weights of |w_t − (1−2ηλ)^t·w_0| / |(1−2ηλ)^t·w_0|
     * @param observed the largest tracked weight at steps 0…steps
     * @param closedForm (1−2ηλ)^t·w_0 for that weight
     */
    record Decay(double lr, double lambda, int steps, int tracked, double maxRelativeError, double[] observed,
                 double[] closedForm) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("lambda", lambda);
            m.put("factor", 1 - 2 * lr * lambda);
            m.put("steps", steps);
            m.put("weights_tracked", tracked);
            m.put("w0", observed[0]);
            m.put("w_final", observed[steps]);
            m.put("closed_form_final", closedForm[steps]);
            m.put("max_relative_error", maxRelativeError);
            m.put("dtype", "f64");
            return m;
        }
    }

    public static ExperimentResult run(ExperimentOptions o) throws IOException {
        ExperimentData data = ExperimentData.load(o.data(), o.dataDir(), o.samplesOr(4000), o.testSamples(), o.seed());
        int epochs = o.epochsOr(6);
        o.say("regularization: ReLU network %d-%d-%d on %s, %d epochs of plain SGD (lr %s)", data.features(), HIDDEN,
                data.classes(), data.description(), epochs, LR);
        List<Outcome> outs = new ArrayList<>();
        outs.add(runOne("none", 0, data, epochs, o.seed()));
        for (String p : List.of("l2", "l1")) {
            for (double lambda : LAMBDAS) {
                outs.add(runOne(p, lambda, data, epochs, o.seed()));
            }
        }
        Table.Builder t = Table.builder("penalty", "λ", "test accuracy", "weight norm", "zero weights");
        for (Outcome r : outs) {
            o.say("  %-10s test accuracy %s, weight norm %s, zero weights %s", r.name(), Training.pct(r.run().testAccuracy()),
                    Training.num(r.weightNorm()), Training.pct(r.zeroFraction()));
            t.row(r.penalty(), r.penalty().equals("none") ? "-" : Training.lambda(r.lambda()),
                    Training.pct(r.run().testAccuracy()), Training.num(r.weightNorm()), Training.pct(r.zeroFraction()));
        }
        Decay d = decay(data, o.seed());
        o.say("  eq. 2.7: %d weights with zero data gradient over %d steps; max relative error %s", d.tracked(),
                d.steps(), Training.num(d.maxRelativeError()));
        Table dt = Table.builder("eq. 2.7 check", "value")
                .row("η, λ", LR + ", " + Training.lambda(DECAY_LAMBDA))
                .row("factor 1 − 2ηλ", Training.num(1 - 2 * LR * DECAY_LAMBDA))
                .row("steps t", Integer.toString(d.steps()))
                .row("weights tracked (data gradient 0)", Integer.toString(d.tracked()))
                .row("w_0 → w_t (largest weight)", Training.num(d.observed()[0]) + " → " + Training.num(d.observed()[d.steps()]))
                .row("(1 − 2ηλ)^t · w_0", Training.num(d.closedForm()[d.steps()]))
                .row("max relative error", Training.num(d.maxRelativeError()))
                .build();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data.description());
        json.put("layers", data.features() + "-" + HIDDEN + "-" + data.classes());
        json.put("epochs", epochs);
        json.put("optimizer", Map.of("name", "sgd", "lr", LR, "batch", BATCH, "l1", "proximal (soft threshold)"));
        json.put("variants", outs.stream().map(Outcome::toMap).toList());
        json.put("decay_check", d.toMap());
        return new ExperimentResult("regularization", "Weight decay and sparsity regularization (lecture chapter 2)",
                "A ReLU network " + json.get("layers") + " trained with plain SGD (η = " + LR + ") without a penalty,"
                        + " with L2 (Σw², eq. 2.2) and with L1 (Σ|w|, eq. 2.8) for λ in " + java.util.Arrays.stream(LAMBDAS).mapToObj(Training::lambda).toList()
                        + "; biases are not penalized. Data: " + data.description() + ".",
                json, List.of(t.build(), dt), RegularizationFigures.figures(outs, d), notes(outs, d));
    }

    static Outcome runOne(String penalty, double lambda, ExperimentData data, int epochs, long seed) {
        int[] sizes = {data.features(), HIDDEN, data.classes()};
        Sequential model = Mlp.of(sizes).activation(ActivationKind.RELU).seed(seed).build();
        Regularizer reg = switch (penalty) {
            case "l2" -> new Regularizer.L2(lambda);
            case "l1" -> new Regularizer.L1(lambda);
            default -> Regularizer.none();
        };
        Training.Run run = Training.train(model, SGD.of(model.parameters(), LR, reg), data, epochs, BATCH, seed,
                List.of());
        double[] w = Training.weights(model);
        Tensor all = Tensor.of(w, w.length);
        return new Outcome(penalty, lambda, run, w, Stats.norm(all), Stats.zeroFraction(all));
    }

    /** Trains a float64 network on the data plus an always-zero feature and follows that feature's weights. */
    static Decay decay(ExperimentData data, long seed) {
        ExperimentData d = new ExperimentData(data.name(), data.description(),
                ExperimentData.withZeroFeature(data.train()), ExperimentData.withZeroFeature(data.test()));
        int zeroCol = data.features();
        int[] sizes = {d.features(), DECAY_HIDDEN, d.classes()};
        Sequential model = Mlp.of(sizes).activation(ActivationKind.RELU).dtype(DType.F64).seed(seed).build();
        Tensor w = Training.linears(model).get(0).weight().value();
        int rows = w.dim(0);
        int cols = w.dim(1);
        double[] w0 = new double[rows];
        int largest = 0;
        for (int r = 0; r < rows; r++) {
            w0[r] = w.getFlat(r * cols + zeroCol);
            largest = Math.abs(w0[r]) > Math.abs(w0[largest]) ? r : largest;
        }
        double factor = 1 - 2 * LR * DECAY_LAMBDA;
        List<Double> observed = new ArrayList<>(List.of(w0[largest]));
        double[] maxErr = {0};
        int big = largest;
        TrainingListener follow = new TrainingListener() {
            @Override
            public void afterStep(StepContext s) {
                double f = Math.pow(factor, s.step());
                for (int r = 0; r < rows; r++) {
                    double expect = f * w0[r];
                    double err = Math.abs(w.getFlat(r * cols + zeroCol) - expect) / Math.abs(expect);
                    maxErr[0] = Math.max(maxErr[0], err);
                }
                observed.add(w.getFlat(big * cols + zeroCol));
            }
        };
        Training.train(model, SGD.of(model.parameters(), LR, new Regularizer.L2(DECAY_LAMBDA)), d, DECAY_EPOCHS, BATCH,
                seed, List.of(follow));
        int steps = observed.size() - 1;
        double[] obs = observed.stream().mapToDouble(Double::doubleValue).toArray();
        double[] closed = new double[steps + 1];
        for (int t = 0; t <= steps; t++) {
            closed[t] = Math.pow(factor, t) * w0[largest];
        }
        return new Decay(LR, DECAY_LAMBDA, steps, rows, maxErr[0], obs, closed);
    }

    private static List<String> notes(List<Outcome> outs, Decay d) {
        List<String> notes = new ArrayList<>();
        Outcome none = outs.get(0);
        Outcome l2 = outs.get(LAMBDAS.length);
        Outcome l1 = outs.get(2 * LAMBDAS.length);
        notes.add("L2 shrinks the weights (norm " + Training.num(none.weightNorm()) + " without a penalty, "
                + Training.num(l2.weightNorm()) + " at λ = " + Training.lambda(l2.lambda()) + ") but leaves "
                + Training.pct(l2.zeroFraction()) + " of them exactly 0.");
        notes.add("L1 sets " + Training.pct(l1.zeroFraction()) + " of the weights exactly to 0 at λ = " + Training.lambda(l1.lambda())
                + " (" + Training.pct(outs.get(LAMBDAS.length + 1).zeroFraction()) + " at λ = " + Training.lambda(LAMBDAS[0]) + ").");
        notes.add("Eq. 2.7: a weight whose data gradient is 0 decays as (1 − 2ηλ)^t·w_0 = " + Training.num(1 - 2 * LR
                * DECAY_LAMBDA) + "^t·w_0; after " + d.steps() + " steps the observed weights match the closed form"
                + " to a relative error of " + Training.num(d.maxRelativeError()) + ".");
        return notes;
    }
}
