package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The F32 kernels written with the Vector API agree with their one-line scalar definitions, element by element and
 * bit for bit, for every length up to past two vectors, including the scalar tail, views with an offset, NaN and
 * signed zeros.
 */
class VectorKernelsTest {
    private static final float[] SPECIAL = {0f, -0f, 1.5f, -2.25f, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, 7f};

    /** Rows 1.. of a [len+1... ] tensor: a view whose offset is not 0. */
    private static Tensor viewOf(float[] values) {
        float[] backing = new float[values.length + 3];
        System.arraycopy(values, 0, backing, 3, values.length);
        return Tensor.of(backing, backing.length, 1).rowSlice(3, backing.length).reshape(values.length);
    }

    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i + seed) % 3 == 0 ? SPECIAL[(i + seed) % SPECIAL.length] : (float) Math.sin(seed + 1.7 * i);
        }
        return v;
    }

    @Test
    void reluAndItsBackwardFollowTheirDefinition() {
        for (int n = 0; n <= 70; n++) {
            float[] x = values(n, 1);
            float[] g = values(n, 2);
            Tensor y = Elementwise.relu(viewOf(x));
            Tensor dx = Elementwise.reluBackward(viewOf(g), viewOf(x));
            for (int i = 0; i < n; i++) {
                float wantY = x[i] < 0f ? 0f : x[i]; // NaN and -0 pass through, as in PyTorch
                float wantDx = x[i] > 0f ? g[i] : 0f;
                assertEquals(Float.floatToRawIntBits(wantY), Float.floatToRawIntBits((float) y.getFlat(i)),
                        "relu(" + x[i] + ") at " + i + " of " + n);
                assertEquals(Float.floatToRawIntBits(wantDx), Float.floatToRawIntBits((float) dx.getFlat(i)),
                        "relu backward at " + i + " of " + n);
            }
        }
    }

    @Test
    void allFiniteFindsEveryNonFiniteValueWherever() {
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int n = 1; n <= 70; n++) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = i % 2 == 0 ? Float.MAX_VALUE : -Float.MIN_VALUE;
            }
            assertTrue(Tensors.allFinite(viewOf(v)), "all finite, length " + n);
            for (int at = 0; at < n; at++) {
                for (float b : bad) {
                    float[] w = v.clone();
                    w[at] = b;
                    assertFalse(Tensors.allFinite(viewOf(w)), b + " at " + at + " of " + n);
                    assertFalse(Tensors.allFinite(Tensor.of(w, n).to(dev.backprop.tensor.DType.F64)), "f64");
                }
            }
        }
    }

    @Test
    void unitFloatsIsEachUnsignedByteOver255AtAnyOffsetAndLength() {
        byte[] src = new byte[256 + 40];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7 + 3); // every byte value, -128..127 as Java sees them
        }
        for (int n = 0; n <= 70; n++) {
            for (int srcOff : new int[] {0, 5, 256 + 40 - 70}) {
                float[] dst = new float[n + 9];
                java.util.Arrays.fill(dst, -1f);
                Tensors.unitFloats(src, srcOff, dst, 9, n);
                for (int i = 0; i < 9; i++) {
                    assertEquals(-1f, dst[i], "written before the range");
                }
                for (int i = 0; i < n; i++) {
                    int b = Byte.toUnsignedInt(src[srcOff + i]);
                    assertEquals(Float.floatToRawIntBits((float) b / 255f), Float.floatToRawIntBits(dst[9 + i]),
                            "byte " + b + " at " + i + " of " + n);
                }
            }
        }
        // every byte value through the whole-vector path
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        float[] out = new float[256];
        Tensors.unitFloats(all, 0, out, 0, 256);
        for (int b = 0; b < 256; b++) {
            assertEquals(Float.floatToRawIntBits(b / 255f), Float.floatToRawIntBits(out[b]), "byte " + b);
        }
    }
}
