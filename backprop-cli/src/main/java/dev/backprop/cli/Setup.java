package dev.backprop.cli;

import dev.backprop.data.Dataset;
import dev.backprop.io.ModelFile;
import dev.backprop.kernel.Parallel;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.init.Initializer;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.Schedule;
import dev.backprop.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Builds the pieces of a run (model, loss, optimizer, schedule) from a resolved {@link RunConfig}, whose values it has
 * checked already; what depends on the data (the layer sizes against the features and classes) is checked here.
 */
final class Setup {
    static final String ACTIVATIONS = "relu|leaky-relu|prelu|elu|gelu|silu|sigmoid|tanh|linear";

    private Setup() {
    }

    static DType dtype(RunConfig c) {
        return DType.parse(c.dtype);
    }

    static void threads(RunConfig c) {
        if (c.threads != null) {
            Parallel.setThreads(c.threads);
        }
    }

    /** Layer sizes: --layers, or inputs-64-64-outputs; checked against the data. */
    static int[] sizes(RunConfig c, Dataset data) {
        int in = data.featureCount();
        int out = data.isClassification() ? data.classCount() : data.targetCount();
        if (c.layers == null) {
            return new int[] {in, 64, 64, out};
        }
        int[] sizes = Arrays.stream(c.layers.trim().split("-")).mapToInt(Integer::parseInt).toArray();
        String where = c.where("layers") + " " + c.layers;
        if (sizes[0] != in) {
            throw new UsageError(where + ": layer 1 (Linear " + sizes[0] + "->" + sizes[1] + ") takes "
                    + sizes[0] + " inputs, but the data has " + in + " features; start the sizes with " + in);
        }
        if (sizes[sizes.length - 1] != out) {
            int n = sizes.length - 1;
            throw new UsageError(where + ": the last layer (Linear " + sizes[n - 1] + "->" + sizes[n]
                    + ") has " + sizes[n] + " outputs, but the data has " + out + (data.isClassification() ? " classes" : " targets")
                    + "; end the sizes with " + out);
        }
        return sizes;
    }

    /**
     * The hidden layers' activation. The command line's names ({@link #ACTIVATIONS}) are every {@link ActivationKind}
     * but softmax, which the loss applies, with '-' for '_' and "linear" for identity (a test keeps them in step).
     */
    static ActivationKind activation(RunConfig c) {
        String a = c.activation == null ? "relu" : c.activation.toLowerCase(Locale.ROOT);
        if (!List.of(ACTIVATIONS.split("\\|")).contains(a)) {
            throw new UsageError("unknown --activation '" + c.activation + "'; valid: " + ACTIVATIONS);
        }
        return ActivationKind.parse(a);
    }

    /** The network the configuration describes, initialised (or loaded from --init-from). */
    static Sequential model(RunConfig c, Dataset data) throws IOException {
        int[] sizes = sizes(c, data);
        ActivationKind act = activation(c);
        Initializer init = null;
        if (c.init != null && !RunConfig.isDefaultInit(c.init)) {
            try {
                init = Init.parse(c.init, act);
            } catch (IllegalArgumentException e) {
                throw new UsageError(c.where("init") + ": " + e.getMessage());
            }
        }
        Mlp mlp = Mlp.of(sizes).activation(act).dropout(c.dropout).batchNorm(c.batchNorm)
                .dtype(dtype(c)).seed(c.seed);
        Sequential model = (init == null ? mlp : mlp.weightInit(init)).build();
        if (c.initFrom != null) {
            ModelFile.loadWeights(model, Path.of(c.initFrom));
        }
        return model;
    }

    static Loss loss(RunConfig c) {
        String l = c.loss == null ? "cross-entropy" : c.loss.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "cross-entropy", "cross_entropy", "ce" -> Loss.parse("cross_entropy");
            case "mse" -> Loss.parse("mse");
            default -> throw new UsageError("unknown " + c.where("loss") + " '" + c.loss + "'; valid: cross-entropy|mse");
        };
    }

    /** The penalty λΩ of the lecture's eq. 2.1 from --l1/--l2 (both: elastic net). */
    static Regularizer regularizer(RunConfig c) {
        if (c.l1 > 0 && c.l2 > 0) {
            return new Regularizer.ElasticNet(c.l1, c.l2);
        }
        if (c.l1 > 0) {
            return new Regularizer.L1(c.l1);
        }
        return c.l2 > 0 ? new Regularizer.L2(c.l2) : new Regularizer.None();
    }

    /** The optimizer of {@link RunConfig#optimizer} over {@code params}, with the penalty of --l1/--l2 on the weights. */
    static Optimizer optimizer(RunConfig c, List<Parameter> params) {
        try {
            return c.optimizer.build(params, regularizer(c));
        } catch (IllegalArgumentException e) {
            throw new UsageError(c.where("optimizer") + ": " + e.getMessage());
        }
    }

    static Schedule schedule(RunConfig c, int totalSteps) {
        try {
            return Schedule.parse(c.schedule == null ? "constant" : c.schedule, totalSteps);
        } catch (IllegalArgumentException e) {
            throw new UsageError(c.where("schedule") + ": " + e.getMessage());
        }
    }
}
