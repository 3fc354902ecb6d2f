package dev.backprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bytes become the floats b/255 exactly, lane-wise or not, at any offset and length (vector tails included). */
class U8ToUnitIntervalTest {
    @Test
    void everyByteValueAtEveryOffsetAndLength() {
        byte[] src = new byte[300];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7 + 3);
        }
        for (int so : new int[] {0, 1, 5, 17}) {
            for (int n : new int[] {0, 1, 15, 16, 17, 33, 256, 283}) {
                float[] dst = new float[n + 3];
                dst[0] = -1f;
                Elementwise.u8ToUnitInterval(src, so, dst, 1, n);
                assertEquals(-1f, dst[0], "before the range");
                for (int i = 0; i < n; i++) {
                    int b = src[so + i] & 0xFF;
                    assertEquals((float) b / 255f, dst[1 + i], 0f, "byte " + b + " so " + so + " n " + n);
                }
                assertEquals(0f, dst[n + 1], "after the range");
            }
        }
        float[] all = new float[256];
        byte[] bytes = new byte[256];
        for (int b = 0; b < 256; b++) {
            bytes[b] = (byte) b;
        }
        Elementwise.u8ToUnitInterval(bytes, 0, all, 0, 256);
        assertEquals(0f, all[0]);
        assertEquals(1f, all[255]);
        assertEquals(128f / 255f, all[128], 0f);
    }

    @Test
    void rangesBeyondTheArraysAreRejected() {
        assertThrows(IndexOutOfBoundsException.class,
                () -> Elementwise.u8ToUnitInterval(new byte[10], 5, new float[10], 0, 6));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Elementwise.u8ToUnitInterval(new byte[10], 0, new float[10], 5, 6));
    }
}
