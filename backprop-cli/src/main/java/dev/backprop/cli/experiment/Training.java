package dev.backprop.cli.experiment;

import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.data.Batch;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.diagnose.Format;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.diagnose.Stats;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Module;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Optimizer;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.StepContext;
import dev.backprop.train.Trainer;
import dev.backprop.train.TrainingListener;
import dev.backprop.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;

/** Training runs and measurements shared by the experiments (cross-entropy loss, shuffled mini-batches). */
final class Training {
    static final Loss LOSS = Loss.crossEntropy(Reduction.MEAN);

    private Training() {
    }

    /**
     * A finished run.
     *
     * @param result the trainer's per-epoch metrics
     * @param stepLosses the data loss of every step, in order
     */
    record Run(TrainingResult result, double[] stepLosses) {
        double testAccuracy() {
            return result.last().testAccuracy();
        }

        /** The mean loss of each window of {@code every} steps (the last window may be shorter). */
        List<Double> lossCurve(int every) {
            List<Double> out = new ArrayList<>();
            for (int from = 0; from < stepLosses.length; from += every) {
                int to = Math.min(stepLosses.length, from + every);
                double s = 0;
                for (int i = from; i < to; i++) {
                    s += stepLosses[i];
                }
                out.add(s / (to - from));
            }
            return out;
        }

        List<Double> epochTestAccuracy() {
            return result.epochs().stream().map(e -> e.testAccuracy()).toList();
        }
    }

    /** Trains {@code model} for {@code epochs} on {@code data}, scoring the test set after each epoch. */
    static Run train(Sequential model, Optimizer optimizer, ExperimentData data, int epochs, int batch, long seed,
            List<TrainingListener> listeners) {
        DType dtype = model.parameters().get(0).value().dtype();
        DataLoader loader = DataLoader.shuffled(data.train(), batch, seed).withDType(dtype);
        List<Double> losses = new ArrayList<>();
        Trainer.Builder b = Trainer.builder(model, LOSS, optimizer, loader).epochs(epochs).evaluateOn(data.test());
        listeners.forEach(b::listener);
        b.listener(new TrainingListener() {
            @Override
            public void afterStep(StepContext s) {
                losses.add(s.loss());
            }
        });
        TrainingResult r = b.build().fit();
        return new Run(r, losses.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The Linear layers of a network, in order. */
    static List<Linear> linears(Sequential model) {
        List<Linear> out = new ArrayList<>();
        for (Module m : model.layers()) {
            if (m instanceof Linear l) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * ‖∂L/∂W‖ of every Linear layer's weight for the mean cross-entropy on {@code probe} (one batch, the model in its
     * current mode); gradients are cleared and buffers (batch-norm running statistics) restored afterwards.
     */
    static double[] linearGradNorms(Sequential model, Dataset probe) {
        java.util.Map<String, Tensor> saved = new java.util.LinkedHashMap<>();
        model.buffers().forEach((k, t) -> saved.put(k, t.copy()));
        DType dtype = model.parameters().get(0).value().dtype();
        DataLoader all = DataLoader.sequential(probe, probe.size()).withDType(dtype);
        Batch b = all.epoch(0).iterator().next();
        Variable out = model.forward(Variable.constant(b.features()));
        LOSS.compute(out, b).backward();
        List<Linear> ls = linears(model);
        double[] norms = new double[ls.size()];
        for (int i = 0; i < norms.length; i++) {
            norms[i] = Stats.norm(ls.get(i).weight().grad());
        }
        for (Parameter p : model.parameters()) {
            p.variable().zeroGrad();
        }
        model.buffers().forEach((k, t) -> t.copyFrom(saved.get(k)));
        return norms;
    }

    /** All weights (role WEIGHT) of a model, flattened, in parameter order. */
    static double[] weights(Sequential model) {
        List<Tensor> ts = new ArrayList<>();
        int n = 0;
        for (Parameter p : model.parameters()) {
            if (p.role() == Role.WEIGHT) {
                ts.add(p.value());
                n += p.value().size();
            }
        }
        double[] out = new double[n];
        int k = 0;
        for (Tensor t : ts) {
            for (int i = 0; i < t.size(); i++) {
                out[k++] = t.getFlat(i);
            }
        }
        return out;
    }

    /** A number for tables: 4 significant digits, scientific when very small or large. */
    static String num(double v) {
        return Double.isNaN(v) ? "-" : Format.significant(v, 4);
    }

    /** A penalty weight λ in plain decimal notation without trailing zeros ("0.0001", "0.01"). */
    static String lambda(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A fraction as a percentage with one decimal ("12.5%"). */
    static String pct(double fraction) {
        return Format.percent(fraction, 1);
    }

    /** Boxes a double array as a JSON list (NaN and infinities become null). */
    static List<Double> list(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add(MetricsJson.finite(x));
        }
        return out;
    }
}
