package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.Tensor;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The element-wise F32 kernels that split large tensors over {@link Parallel}'s threads give, with 1 and 2 threads
 * and for sizes that split unevenly (just past the threshold, odd lengths, a view with an offset), exactly their
 * scalar definitions, bit for bit; and {@link Parallel#forRanges} covers every index once.
 */
class ParallelKernelsTest {
    private static final int[] SIZES = {2 * Parallel.GRAIN - 1, 2 * Parallel.GRAIN, 2 * Parallel.GRAIN + 1,
        3 * Parallel.GRAIN + 37, 5 * Parallel.GRAIN + 13};

    private static void withThreads(IntConsumer body) {
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                body.accept(threads);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** A view of {@code values} at offset 5 of a larger array. */
    private static Tensor viewOf(float[] values) {
        float[] backing = new float[values.length + 5];
        System.arraycopy(values, 0, backing, 5, values.length);
        return Tensor.of(backing, backing.length).reshape(backing.length, 1).rowSlice(5, backing.length)
                .reshape(values.length);
    }

    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 3 ? (i % 2 == 0 ? -0f : 0f) : (float) Math.sin(seed + 1.3 * i);
        }
        return v;
    }

    @Test
    void forRangesCoversEveryIndexExactlyOnce() {
        withThreads(threads -> {
            for (int n : new int[] {0, 1, 99, 2 * Parallel.GRAIN + 1, 7 * Parallel.GRAIN + 3}) {
                int[] hits = new int[n];
                Parallel.forRanges(n, Parallel.GRAIN, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits[i]++;
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits[i], "index " + i + " of " + n + " with " + threads + " threads");
                }
            }
        });
    }

    @Test
    void reluAndItsBackwardFollowTheirDefinitionWhenSplit() {
        withThreads(threads -> {
            for (int n : SIZES) {
                float[] x = values(n, 1);
                float[] g = values(n, 2);
                if (n > 3) { // NaN and -0 pass through relu, as in PyTorch
                    x[n / 3] = Float.NaN;
                    x[n / 2] = -0f;
                }
                float[] y = Elementwise.relu(viewOf(x)).f32();
                float[] dx = Elementwise.reluBackward(viewOf(g), viewOf(x)).f32();
                for (int i = 0; i < n; i++) {
                    float wantY = x[i] < 0f ? 0f : x[i];
                    float wantDx = x[i] > 0f ? g[i] : 0f;
                    if (Float.floatToRawIntBits(wantY) != Float.floatToRawIntBits(y[i])
                            || Float.floatToRawIntBits(wantDx) != Float.floatToRawIntBits(dx[i])) {
                        throw new AssertionError("relu at " + i + " of " + n + " with " + threads + " threads: "
                                + y[i] + " / " + dx[i] + ", want " + wantY + " / " + wantDx);
                    }
                }
            }
        });
    }

    @Test
    void allFiniteFindsANonFiniteValueInEitherHalfWhenSplit() {
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        withThreads(threads -> {
            for (int n : SIZES) {
                float[] v = values(n, 3);
                assertTrue(Tensors.allFinite(viewOf(v)), "all finite, length " + n + ", " + threads + " threads");
                for (int at : new int[] {0, n / 2 - 1, n / 2, n / 2 + 1, n - 1}) {
                    float[] w = v.clone();
                    w[at] = bad[at % bad.length];
                    assertFalse(Tensors.allFinite(viewOf(w)), w[at] + " at " + at + " of " + n + ", " + threads
                            + " threads");
                }
            }
        });
    }
}
