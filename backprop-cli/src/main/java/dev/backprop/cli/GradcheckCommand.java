package dev.backprop.cli;

import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Variable;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.diagnose.MetricsJson;
import dev.backprop.nn.Dropout;
import dev.backprop.nn.Module;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop gradcheck}: builds the configured model in F64 and compares, for every parameter, the analytic
 * gradient a of the data loss L on one random batch (one backward pass) with central differences
 * {@code n = (L(w + h e_i) - L(w - h e_i)) / 2h}, {@code h = step * max(1, |w_i|)}. The error of an element is
 * {@code |a - n| / max(|a|, |n|, floor)} with {@code floor = 1e-3 * max(1, |L|)}: relative where the gradient is
 * large, absolute where both are near zero, where differences of L are only accurate to about {@code eps |L| / h}.
 *
 * <p>Dropout is switched off (its random masks would make L a different function at every evaluation); batch
 * normalization stays in training mode, as L is then a deterministic function of the batch. Penalties (--l1, --l2)
 * are applied by the optimizer, not the loss, so they are not part of L.
 */
@Command(name = "gradcheck", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Check every parameter's gradient against central finite differences, in f64, on one random batch.",
                "Takes the same model and data flags as 'train'; exits 1 when an error exceeds --tolerance."},
        footer = {"", "Examples:", "  backprop gradcheck",
                "  backprop gradcheck --layers 2-16-16-2 --activation tanh --batch-norm --json",
                "  backprop gradcheck --data fashion-mnist --layers 784-32-10 --max-checks 200"})
final class GradcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    TrainOptions options = new TrainOptions();
    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-6", description = "Largest acceptable error (default ${DEFAULT-VALUE}).")
    double tolerance;
    @Option(names = "--step", paramLabel = "H", defaultValue = "1e-6", description = "Relative finite-difference step (default ${DEFAULT-VALUE}).")
    double step;
    @Option(names = "--max-checks", paramLabel = "N", defaultValue = "1000", description = "Elements checked per parameter: all up to N, else a seeded random sample of N (default ${DEFAULT-VALUE}).")
    int maxChecks;
    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    /** The worst element of one parameter. */
    record Result(String name, int[] shape, int checked, int total, double maxError, int worstIndex, double analytic,
                  double numeric) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(tolerance > 0) || !(step > 0) || maxChecks < 1) {
            throw new UsageError("--tolerance and --step must be > 0 and --max-checks >= 1, got " + tolerance + ", "
                    + step + ", " + maxChecks);
        }
        RunConfig c = options.toConfig(spec);
        c.dtype = "f64";
        if (c.isDefault("batch")) {
            c.batch = 8;
        }
        Setup.threads(c);
        PreparedData data = PreparedData.load(c);
        Sequential model = Setup.model(c, data.train());
        Loss loss = Setup.loss(c);
        Setup.optimizer(c, model.parameters()); // not used: validates the flags as 'train' would
        Setup.schedule(c, 1);
        Dataset batch = randomBatch(data.train(), c.batch, c.seed);
        model.train(true);
        boolean dropout = disableDropout(model);
        Tensor x = batch.features(DType.F64);
        Tensor targets = targets(loss, batch);

        Variable l = loss.compute(model.forward(Variable.constant(x)), labels(batch), targets);
        l.backward();
        double base = l.value().item();
        double floor = 1e-3 * Math.max(1, Math.abs(base));
        Map<String, Result> results = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            results.put(p.name(), check(p, () -> lossValue(model, loss, x, batch, targets), floor, c.seed));
        }
        double worst = results.values().stream().mapToDouble(Result::maxError).max().orElse(0);
        boolean passed = worst <= tolerance;
        String layers = Arrays.stream(Setup.sizes(c, data.train())).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining("-"));
        report(c, layers, batch.size(), dropout, base, floor, results, worst, passed);
        return passed ? 0 : 1;
    }

    private void report(RunConfig c, String layers, int batchSize, boolean dropout, double loss, double floor,
                        Map<String, Result> results, double worst, boolean passed) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("max_relative_error", MetricsJson.finite(worst));
            Map<String, Object> per = new LinkedHashMap<>();
            results.forEach((k, r) -> per.put(k, MetricsJson.finite(r.maxError())));
            m.put("parameters", per);
            m.put("tolerance", tolerance);
            m.put("passed", passed);
            m.put("batch", batchSize);
            m.put("loss", loss);
            Map<String, Object> checked = new LinkedHashMap<>();
            results.forEach((k, r) -> checked.put(k, List.of(r.checked(), r.total())));
            m.put("checked", checked);
            out.println(TrainCommand.PRETTY.writeValueAsString(m));
        } else {
            out.printf(Locale.ROOT, "gradcheck: %s in f64, batch of %d from %s, loss %.6g; step %.1e, floor %.1e%s%n",
                    "layers " + layers, batchSize, c.data, loss, step, floor,
                    dropout ? "; dropout disabled for the check" : "");
            String fmt = "%-20s %-12s %17s %13s %15s %15s%n";
            out.printf(Locale.ROOT, fmt, "parameter", "shape", "checked", "max error", "analytic", "numeric");
            for (Result r : results.values()) {
                out.printf(Locale.ROOT, fmt, r.name(), Arrays.toString(r.shape()).replace(" ", ""),
                        r.checked() == r.total() ? "all " + r.total() : r.checked() + " of " + r.total(),
                        String.format(Locale.ROOT, "%.3e", r.maxError()),
                        String.format(Locale.ROOT, "%.6g", r.analytic()), String.format(Locale.ROOT, "%.6g", r.numeric()));
            }
            if (results.values().stream().anyMatch(r -> r.checked() < r.total())) {
                out.printf("(parameters with more than %d elements: a seeded random sample of %d checked)%n",
                        maxChecks, maxChecks);
            }
            out.printf(Locale.ROOT, "max relative error %.3e: %s (tolerance %.1e)%n", worst, passed ? "PASSED" : "FAILED",
                    tolerance);
        }
        out.flush();
        if (!passed) {
            err.printf(Locale.ROOT, "backprop: gradient check failed: max relative error %.3e > tolerance %.1e%n",
                    worst, tolerance);
            err.flush();
        }
    }

    /** Compares the analytic gradient of {@code p} with central differences on (a sample of) its elements. */
    private Result check(Parameter p, java.util.function.DoubleSupplier loss, double floor, long seed) {
        Tensor w = p.value();
        Tensor analytic = p.grad();
        int[] indices = indices(w.size(), maxChecks, seed ^ p.name().hashCode());
        double worst = -1;
        int worstIndex = -1;
        double worstA = 0;
        double worstN = 0;
        for (int i : indices) {
            double a = analytic == null ? 0 : analytic.getFlat(i);
            double orig = w.getFlat(i);
            double h = step * Math.max(1, Math.abs(orig));
            w.setFlat(i, orig + h);
            double plus = loss.getAsDouble();
            w.setFlat(i, orig - h);
            double minus = loss.getAsDouble();
            w.setFlat(i, orig);
            double n = (plus - minus) / (2 * h);
            double e = Math.abs(a - n) / Math.max(Math.max(Math.abs(a), Math.abs(n)), floor);
            if (Double.isNaN(e)) {
                e = Double.POSITIVE_INFINITY;
            }
            if (e > worst) {
                worst = e;
                worstIndex = i;
                worstA = a;
                worstN = n;
            }
        }
        return new Result(p.name(), w.shape().dims(), indices.length, w.size(), Math.max(0, worst), worstIndex, worstA,
                worstN);
    }

    /** All of 0..n-1 when n &lt;= cap, else the first {@code cap} of a seeded permutation, sorted. */
    static int[] indices(int n, int cap, long seed) {
        if (n <= cap) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] some = Arrays.copyOf(DataLoader.permutation(n, seed, 0), cap);
        Arrays.sort(some);
        return some;
    }

    private static double lossValue(Sequential model, Loss loss, Tensor x, Dataset batch, Tensor targets) {
        try (NoGrad ignored = NoGrad.enter()) {
            return loss.compute(model.forward(Variable.constant(x)), labels(batch), targets).value().item();
        }
    }

    /** {@code size} samples drawn without replacement by a permutation seeded with {@code seed}. */
    static Dataset randomBatch(Dataset train, int size, long seed) {
        int n = Math.min(size, train.size());
        int[] perm = DataLoader.permutation(train.size(), seed, 0);
        return train.select(Arrays.copyOf(perm, n));
    }

    /** Turns every Dropout layer to evaluation mode (identity); true when there was one with p &gt; 0. */
    static boolean disableDropout(Sequential model) {
        boolean any = false;
        for (Module m : model.layers()) {
            if (m instanceof Dropout d) {
                d.train(false);
                any |= d.p() > 0;
            }
        }
        return any;
    }

    private static int[] labels(Dataset batch) {
        return batch.isClassification() ? batch.labels() : null;
    }

    /** The target tensor a non-label loss needs: the regression targets, or one-hot labels. */
    static Tensor targets(Loss loss, Dataset batch) {
        if (loss.needsLabels()) {
            return null;
        }
        if (!batch.isClassification()) {
            return batch.targets(DType.F64);
        }
        Tensor t = Tensor.zeros(DType.F64, batch.size(), batch.classCount());
        for (int i = 0; i < batch.size(); i++) {
            t.setFlat(i * batch.classCount() + batch.label(i), 1.0);
        }
        return t;
    }
}
