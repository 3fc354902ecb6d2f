package dev.backprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.Normalizer;
import dev.backprop.io.ModelFile;
import dev.backprop.kernel.Reductions;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Linear;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.loss.Loss;
import dev.backprop.autograd.Reduction;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
    private static final Normalizer NORM = Normalizer.of("standard", new double[][] {{1, -2, 0.5}, {2, 0.5, 4}});

    private static Sequential net(DType dtype) {
        return Mlp.of(3, 5, 4).activation(ActivationKind.RELU).dtype(dtype).seed(9).build();
    }

    private static Model model(DType dtype) {
        return Model.builder(net(dtype)).classNames(List.of("a", "b", "c", "d")).featureNames(List.of("u", "v", "w"))
                .normalizer(NORM).build();
    }

    private static double[][] rows(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][3];
        for (double[] row : x) {
            for (int j = 0; j < 3; j++) {
                row[j] = r.nextGaussian() * 3;
            }
        }
        return x;
    }

    /** softmax(W2·relu(W1·z + b1) + b2) with z the standardised row, in plain double loops from the weights. */
    private static double[] byHand(Sequential net, double[] row) {
        Tensor w1 = ((Linear) net.get(0)).weight().value();
        Tensor b1 = ((Linear) net.get(0)).bias().value();
        Tensor w2 = ((Linear) net.get(2)).weight().value();
        Tensor b2 = ((Linear) net.get(2)).bias().value();
        double[][] p = {{1, -2, 0.5}, {2, 0.5, 4}};
        double[] z = new double[3];
        for (int j = 0; j < 3; j++) {
            z[j] = (row[j] - p[0][j]) / p[1][j];
        }
        double[] h = new double[5];
        for (int i = 0; i < 5; i++) {
            double s = b1.getFlat(i);
            for (int j = 0; j < 3; j++) {
                s += w1.getFlat(i * 3 + j) * z[j];
            }
            h[i] = Math.max(0, s);
        }
        double[] o = new double[4];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 4; k++) {
            double s = b2.getFlat(k);
            for (int i = 0; i < 5; i++) {
                s += w2.getFlat(k * 5 + i) * h[i];
            }
            o[k] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int k = 0; k < 4; k++) {
            o[k] = Math.exp(o[k] - max);
            sum += o[k];
        }
        for (int k = 0; k < 4; k++) {
            o[k] /= sum;
        }
        return o;
    }

    @Test
    void withoutANormaliserTheRowsGoInAsTheyAreChunkByChunk() {
        Sequential reference = net(DType.F32);
        Model m = Model.builder(net(DType.F32)).classNames(List.of("a", "b", "c", "d")).build();
        double[][] x = rows(2 * Model.CHUNK + 77, 3); // two whole chunks and a partial one
        float[][] f = toFloat(x);
        float[][] out = m.outputs(f);
        int[] classes = m.predict(f);
        double[][] outD = m.outputs(x); // double rows take the same chunked path, rounded to float on the way in
        for (int i = 0; i < x.length; i++) {
            Tensor logits = reference.apply(dev.backprop.autograd.Variable.constant(Tensor.of(f[i], 1, 3))).value();
            for (int k = 0; k < 4; k++) {
                assertEquals(Float.floatToRawIntBits((float) logits.get(0, k)), Float.floatToRawIntBits(out[i][k]),
                        "row " + i + " output " + k);
                assertEquals(logits.get(0, k), outD[i][k], 0.0, "double row " + i + " output " + k);
            }
            assertEquals(Reductions.argmax(logits, 1)[0], classes[i], "row " + i);
        }
    }

    @Test
    void predictsTheSoftmaxOfTheNormalisedForwardPass() {
        Model m = model(DType.F64);
        Sequential reference = net(DType.F64);
        double[][] x = rows(20, 1);
        double[][] p = m.predictProbabilities(x);
        int[] classes = m.predict(x);
        for (int i = 0; i < x.length; i++) {
            double[] want = byHand(reference, x[i]);
            assertArrayEquals(want, p[i], 1e-12, "row " + i);
            int best = 0;
            for (int k = 1; k < 4; k++) {
                best = want[k] > want[best] ? k : best;
            }
            assertEquals(best, classes[i], "row " + i);
        }
        float[][] f = model(DType.F32).predictProbabilities(toFloat(x));
        for (int i = 0; i < x.length; i++) {
            double[] want = byHand(reference, x[i]);
            for (int k = 0; k < 4; k++) {
                assertEquals(want[k], f[i][k], 1e-5, "F32 row " + i);
            }
        }
    }

    @Test
    void savesAndLoadsWithItsNames(@TempDir Path tmp) throws IOException {
        Model m = model(DType.F32);
        m.save(tmp.resolve("m"));
        assertTrue(Files.isRegularFile(tmp.resolve("m").resolve(ModelFile.ARCHITECTURE)));
        Model back = Model.load(tmp.resolve("m"));
        assertEquals(List.of("a", "b", "c", "d"), back.classNames());
        assertEquals(List.of("u", "v", "w"), back.featureNames());
        assertEquals(DType.F32, back.dtype());
        float[][] x = toFloat(rows(30, 2));
        float[][] a = m.predictProbabilities(x);
        float[][] b = back.predictProbabilities(x);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(a[i], b[i], 0f);
        }
        assertArrayEquals(new int[] {2, 0, 1}, back.columnOrder(List.of("v", "w", "u", "label")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> back.columnOrder(List.of("u", "x")));
        assertTrue(e.getMessage().contains("lacks 2 of the model's 3 feature columns: [v, w]"), e.getMessage());
    }

    @Test
    void oneInstanceSharedByThreadsGivesTheBitsOfOneThread() throws Exception {
        Model m = model(DType.F32);
        List<float[][]> inputs = new ArrayList<>();
        List<float[][]> single = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            inputs.add(toFloat(rows(300, 100 + t)));
            single.add(m.predictProbabilities(inputs.get(t)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<float[][]>> results = new ArrayList<>();
                for (float[][] in : inputs) {
                    results.add(pool.submit(() -> m.predictProbabilities(in)));
                }
                for (int t = 0; t < inputs.size(); t++) {
                    float[][] got = results.get(t).get();
                    for (int i = 0; i < got.length; i++) {
                        assertArrayEquals(single.get(t)[i], got[i], 0f, "input " + t + " row " + i);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void holdsItsOwnCopyOfTheWeights() {
        Sequential source = net(DType.F32);
        Model m = Model.builder(source).build();
        float[][] x = toFloat(rows(5, 3));
        float[][] before = m.predictProbabilities(x);
        ((Linear) source.get(0)).weight().value().fill(0);
        float[][] after = m.predictProbabilities(x);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(before[i], after[i], 0f);
        }
        assertEquals(List.of("0", "1", "2", "3"), m.classNames());
    }

    @Test
    void rejectsRowsOfTheWrongWidthAndNamesTheRow() {
        Model m = model(DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.predict(new float[][] {{1, 2, 3}, {1, 2}}));
        assertEquals("row 1 has 2 values, but the model takes 3 input features", e.getMessage());
        Model regression = Model.builder(net(DType.F32)).loss(new Loss.Mse(Reduction.MEAN)).build();
        assertTrue(regression.classNames().isEmpty());
        assertThrows(IllegalStateException.class, () -> regression.predict(new float[][] {{1, 2, 3}}));
        assertEquals(4, regression.outputs(new float[][] {{1, 2, 3}})[0].length);
        assertThrows(IllegalArgumentException.class,
                () -> Model.builder(net(DType.F32)).classNames(List.of("a", "b")).build());
    }

    @Test
    void aModelFileWhoseClassesDoNotFitItsOutputsIsRejectedWhenItLoads(@TempDir Path tmp) throws IOException {
        model(DType.F32).save(tmp);
        Path json = tmp.resolve(ModelFile.ARCHITECTURE);
        Files.writeString(json, Files.readString(json).replace("\"d\" ]", "\"d\", \"e\" ]"));
        IOException e = assertThrows(IOException.class, () -> Model.load(tmp));
        assertTrue(e.getMessage().startsWith(json.toString()) && e.getMessage().contains("5 class names"),
                e.getMessage());
    }

    @Test
    void aNanInputGivesNanProbabilitiesAndNoClass() {
        Model m = model(DType.F32);
        float[][] rows = {{1, 2, 3}, {Float.NaN, 0, 0}};
        float[][] p = m.predictProbabilities(rows);
        assertTrue(Float.isNaN(p[1][0]), "NaN in, NaN out");
        assertTrue(!Float.isNaN(p[0][0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(rows));
        assertTrue(e.getMessage().startsWith("row 1: "), e.getMessage());
    }

    private static float[][] toFloat(double[][] x) {
        float[][] f = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            f[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                f[i][j] = (float) x[i][j];
            }
        }
        return f;
    }

    /**
     * More rows than one forward pass takes are scored in chunks; each row's outputs are exactly those of the row
     * scored alone, at and around the chunk boundaries.
     */
    @Test
    void manyRowsAreScoredInChunksWithTheSameOutputsAsRowByRow() {
        Model m = model(DType.F32);
        int n = 2 * Model.CHUNK + 7;
        float[][] rows = new float[n][];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            rows[i] = new float[] {(float) rnd.nextDouble(), (float) rnd.nextDouble(), (float) rnd.nextDouble()};
        }
        float[][] all = m.outputs(rows);
        assertEquals(n, all.length);
        for (int i : new int[] {0, Model.CHUNK - 1, Model.CHUNK, Model.CHUNK + 1, 2 * Model.CHUNK, n - 1}) {
            float[] alone = m.outputs(new float[][] {rows[i]})[0];
            assertArrayEquals(alone, all[i], 0f, "row " + i);
        }
        int[] classes = m.predict(rows);
        assertEquals(n, classes.length);
    }
}
