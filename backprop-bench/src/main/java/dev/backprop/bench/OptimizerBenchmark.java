package dev.backprop.bench;

import dev.backprop.kernel.Parallel;
import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import dev.backprop.optim.Optimizer;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Regularizer;
import dev.backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One optimizer step over the F32 parameters of the 784-256-128-10 MLP (235,146 numbers), per optimizer: the part
 * of a training step that differs between an SGD epoch and an Adam epoch ({@code backprop bench mlp} reports the
 * whole epochs).
 *
 * <p>Run: {@code java -jar backprop-bench/target/benchmarks.jar OptimizerBenchmark -prof gc} (no allocation per step
 * is expected once the state exists).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss8m"})
public class OptimizerBenchmark {
    /** An optimizer as `backprop train --optimizer` names it: sgd (no momentum), sgd with momentum, adam, ... */
    @Param({"sgd", "momentum", "adam", "adamw", "rmsprop"})
    public String optimizer;

    @Param({"1", "2"})
    public int threads;

    private Optimizer opt;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        int[][] shapes = {{256, 784}, {256}, {128, 256}, {128}, {10, 128}, {10}};
        SplittableRandom r = new SplittableRandom(11);
        List<Parameter> params = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int n = 1;
            for (int d : shapes[i]) {
                n *= d;
            }
            float[] w = new float[n];
            float[] g = new float[n];
            for (int j = 0; j < n; j++) {
                w[j] = (float) (r.nextDouble(-0.05, 0.05));
                g[j] = (float) (r.nextDouble(-0.01, 0.01));
            }
            boolean weight = shapes[i].length == 2;
            Parameter p = Parameter.of(i / 2 + (weight ? ".weight" : ".bias"), weight ? Role.WEIGHT : Role.BIAS,
                    Tensor.of(w, shapes[i]));
            p.variable().setGrad(Tensor.of(g, shapes[i]));
            params.add(p);
        }
        OptimizerSpec spec = switch (optimizer) {
            case "sgd" -> OptimizerSpec.Sgd.lr(0.1);
            case "momentum" -> OptimizerSpec.Sgd.lr(0.1).momentum(0.9);
            default -> OptimizerSpec.named(optimizer);
        };
        opt = spec.build(params, Regularizer.none());
        opt.step(); // creates the state (SGD's momentum buffer takes the general path on its first step)
    }

    @Benchmark
    public void step() {
        opt.step();
    }
}
