package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.GradientDiagnostics;
import dev.backprop.diagnose.LayerStats;
import dev.backprop.diagnose.StepStats;
import dev.backprop.io.ModelFile;
import dev.backprop.nn.init.Initializer;
import dev.backprop.nn.loss.Loss;
import dev.backprop.optim.Regularizer;
import dev.backprop.optim.SGD;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import dev.backprop.train.Trainer;
import dev.backprop.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model written by a user, not a Sequential: a stem, a residual block x + f(x) and a head. It must train, pass
 * gradcheck, save and load, checkpoint and resume, and be diagnosed layer by layer under its paths.
 */
class ResidualModuleTest {
    private static final TrainTest SPIRALS = Synthetic.spirals(600, 300, 0.05, 7);

    /** y = x + fc2(tanh(fc1(x))). */
    static final class Residual extends Module {
        private final Linear fc1;
        private final Tanh act;
        private final Linear fc2;

        Residual(int width, DType dtype, long seed) {
            fc1 = register("fc1", new Linear(width, width, dtype).reseed(seed));
            act = register("act", new Tanh());
            fc2 = register("fc2", new Linear(width, width, dtype).reseed(seed + 1));
        }

        @Override
        public Variable forward(Variable x) {
            return Ops.add(x, fc2.apply(act.apply(fc1.apply(x))));
        }
    }

    /** stem -> ReLU -> residual block -> head. */
    static final class Net extends Module {
        private final Linear stem;
        private final ReLU relu;
        private final Residual block1;
        private final Linear head;

        Net(DType dtype, long seed) {
            stem = register("stem", new Linear(2, 16, dtype).reseed(seed));
            relu = register("relu", new ReLU());
            block1 = register("block1", new Residual(16, dtype, seed + 10));
            head = register("head", new Linear(16, 2, dtype).reseed(seed + 20));
        }

        @Override
        public Variable forward(Variable x) {
            return head.apply(block1.apply(relu.apply(stem.apply(x))));
        }
    }

    private static Trainer trainer(Module model, int epochs, Path checkpoints, GradientDiagnostics d) {
        Trainer.Builder b = Trainer.builder(model, new Loss.CrossEntropy(Reduction.MEAN),
                        SGD.of(model.parameters(), 0.05, 0.9, false, new Regularizer.None()),
                        DataLoader.shuffled(SPIRALS.train(), 32, 11))
                .evaluateOn(SPIRALS.test()).epochs(epochs);
        if (checkpoints != null) {
            b.checkpointTo(checkpoints);
        }
        if (d != null) {
            b.listener(d);
        }
        return b.build();
    }

    private static float[] predict(Module m, Tensor x) {
        m.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            return m.apply(Variable.constant(x)).value().toFloatArray();
        }
    }

    @Test
    void namesEveryTensorByItsPath() {
        Net net = new Net(DType.F32, 1);
        assertEquals(List.of("stem.weight", "stem.bias", "block1.fc1.weight", "block1.fc1.bias", "block1.fc2.weight",
                "block1.fc2.bias", "head.weight", "head.bias"), List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("stem", "relu", "block1.fc1", "block1.act", "block1.fc2", "head"),
                List.copyOf(net.leaves().keySet()));
        assertEquals(List.of("", "stem", "relu", "block1", "block1.fc1", "block1.act", "block1.fc2", "head"),
                List.copyOf(net.modules().keySet()));
        net.eval();
        assertFalse(net.block1.fc2.isTraining(), "eval() reaches every module of the tree");
    }

    @Test
    void passesGradcheck() {
        FiniteDifferences.check(new Net(DType.F64, 3), Tensor.randn(DType.F64, 4, 0, 1, 6, 2), 1e-6);
    }

    @Test
    void trainsAndIsDiagnosedPerLeafLayer() {
        Net net = new Net(DType.F32, 1);
        GradientDiagnostics d = new GradientDiagnostics(5);
        TrainingResult r = trainer(net, 15, null, d).fit();
        assertTrue(r.last().trainLoss() < 0.6 * r.epochs().get(0).trainLoss(), "loss should fall: " + r.epochs());
        StepStats s = d.steps().getLast();
        assertEquals(List.of("stem", "relu", "block1.fc1", "block1.act", "block1.fc2", "head"),
                s.layers().stream().map(LayerStats::path).toList());
        for (LayerStats l : s.layers()) {
            assertTrue(l.outputGradNorm() > 0, l.path() + ": dL/d(activation) measured");
            if (l.type().equals("linear")) {
                assertTrue(l.weight().gradNorm() > 0 && l.weight().updateRatio() > 0, l.path());
            }
        }
        assertTrue(s.firstToLastRatio() > 0, "first Linear (stem) against last (head)");
        LayerStats act = s.layers().get(3);
        assertTrue(act.saturatedFraction() >= 0 && act.saturatedFraction() <= 1, "tanh saturation is measured");
    }

    @Test
    void findingsNameTheLeafByItsPath() {
        Net net = new Net(DType.F32, 1);
        net.block1.fc1.reset(new Initializer.Normal(0, 30), new Initializer.Constant(0), new SplittableRandom(2));
        GradientDiagnostics d = new GradientDiagnostics(2);
        trainer(net, 1, null, d).fit();
        List<Finding> sat = d.findings().stream().filter(f -> f.kind() == Finding.Kind.SATURATION).toList();
        assertEquals(1, sat.size(), d.findings().toString());
        assertEquals("block1.act", sat.get(0).path());
        assertTrue(sat.get(0).message().contains("layer block1.act (Tanh)"), sat.get(0).message());
    }

    @Test
    void savesLoadsCheckpointsAndResumesExactly(@TempDir Path tmp) throws Exception {
        Net straight = new Net(DType.F32, 5);
        trainer(straight, 4, null, null).fit();

        Net first = new Net(DType.F32, 5);
        trainer(first, 2, tmp.resolve("ckpt"), null).fit();
        Net resumed = new Net(DType.F32, 99); // different init: everything must come from the checkpoint
        Trainer t = trainer(resumed, 4, tmp.resolve("ckpt"), null);
        t.resume(tmp.resolve("ckpt"));
        t.fit();
        for (Map.Entry<String, Tensor> e : straight.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), resumed.stateDict().get(e.getKey()).toFloatArray(), 0f,
                    e.getKey());
        }

        Path file = tmp.resolve("weights.safetensors");
        ModelFile.saveWeights(straight, file);
        Net loaded = new Net(DType.F32, 123);
        ModelFile.loadWeights(loaded, file);
        Tensor x = SPIRALS.test().features(DType.F32);
        assertArrayEquals(predict(straight, x), predict(loaded, x), 0f);
    }
}
