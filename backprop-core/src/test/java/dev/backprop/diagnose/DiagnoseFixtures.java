package dev.backprop.diagnose;

import dev.backprop.autograd.Reduction;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Module;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Init;
import dev.backprop.nn.init.Initializer;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import dev.backprop.train.DivergenceException;
import dev.backprop.train.Trainer;
import java.util.SplittableRandom;

/** Small networks and data sets that provoke (or avoid) each finding in a second or two. */
final class DiagnoseFixtures {
    static final TrainTest SPIRALS = Synthetic.spirals(256, 64, 0.05, 7);

    private DiagnoseFixtures() {
    }

    static int[] widths(int in, int hidden, int depth, int out) {
        int[] s = new int[depth + 2];
        s[0] = in;
        for (int i = 1; i <= depth; i++) {
            s[i] = hidden;
        }
        s[depth + 1] = out;
        return s;
    }

    /** A ReLU MLP with He initialization: the healthy baseline. */
    static Sequential healthyRelu(long seed) {
        return Mlp.of(2, 32, 32, 2).activation(ActivationKind.RELU).weightInit(Init.parse("he-normal", ActivationKind.RELU)).seed(seed).build();
    }

    /** Every Linear re-initialised: weights by {@code w}, biases by {@code b}. */
    static Sequential reinit(Sequential net, Initializer w, Initializer b, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Module m : net.layers()) {
            if (m instanceof Linear l) {
                l.reset(w, b, rng);
            }
        }
        return net;
    }

    /** Every Linear's weights U(±1/√fanIn), the "standard" initialization of the lecture's era; biases 0. */
    static Sequential standardInit(Sequential net, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Module m : net.layers()) {
            if (m instanceof Linear l) {
                double a = 1 / Math.sqrt(l.in());
                l.reset(new Initializer.Uniform(-a, a), new Initializer.Constant(0), rng);
            }
        }
        return net;
    }

    /** Trains {@code net} on {@code data} with plain SGD and cross-entropy, with the diagnostics attached. */
    static GradientDiagnostics train(Sequential net, Dataset data, double lr, int epochs, int logEvery,
                                     Regularizer reg) {
        GradientDiagnostics d = new GradientDiagnostics(logEvery);
        Optimizer opt = SGD.of(net.parameters(), lr, reg);
        Trainer t = Trainer.builder(net, new Loss.CrossEntropy(Reduction.MEAN), opt, DataLoader.shuffled(data, 32, 3))
                .epochs(epochs).listener(d).build();
        try {
            t.fit();
        } catch (DivergenceException e) {
            // recorded by the diagnostics as a finding
        }
        return d;
    }

    static GradientDiagnostics train(Sequential net, double lr, int epochs, int logEvery) {
        return train(net, SPIRALS.train(), lr, epochs, logEvery, new Regularizer.None());
    }
}
