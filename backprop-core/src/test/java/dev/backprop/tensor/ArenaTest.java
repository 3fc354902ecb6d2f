package dev.backprop.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A step arena hands the previous step's arrays out again, zeroed, and nothing outside it. */
class ArenaTest {
    @Test
    void secondStepGetsTheFirstStepsArraysZeroedInOrder() {
        Arena arena = new Arena();
        Tensor a1;
        Tensor b1;
        Tensor c1;
        try (Arena ignored = arena.enter()) {
            assertTrue(Arena.active());
            a1 = Tensor.zeros(DType.F32, 32, 32);
            b1 = Tensor.zeros(DType.F32, 32, 32);
            c1 = Tensor.zeros(DType.F64, 300);
            a1.fill(3);
            b1.fill(4);
            c1.fill(5);
        }
        assertFalse(Arena.active());
        try (Arena ignored = arena.enter()) {
            Tensor a2 = Tensor.zeros(DType.F32, 1024); // same length, another shape: same storage
            Tensor b2 = Tensor.zeros(DType.F32, 32, 32);
            Tensor c2 = Tensor.zeros(DType.F64, 300);
            Tensor d2 = Tensor.zeros(DType.F32, 32, 32); // a third one: new storage
            assertSame(a1.f32(), a2.f32());
            assertSame(b1.f32(), b2.f32());
            assertSame(c1.f64(), c2.f64());
            assertNotSame(a1.f32(), d2.f32());
            assertNotSame(b1.f32(), d2.f32());
            assertArrayEquals(new float[1024], a2.f32());
            assertArrayEquals(new float[1024], b2.f32());
            assertArrayEquals(new double[300], c2.f64());
        }
    }

    @Test
    void copiesComeFromTheArenaWithTheirValues() {
        Arena arena = new Arena();
        Tensor src = Tensor.rand(DType.F32, 1, -1, 1, 20, 20);
        Tensor first;
        try (Arena ignored = arena.enter()) {
            first = src.copy();
        }
        try (Arena ignored = arena.enter()) {
            Tensor again = src.copy();
            assertSame(first.f32(), again.f32());
            assertArrayEquals(src.f32(), again.f32());
        }
    }

    @Test
    void outsideAnArenaAndForSmallArraysTheHeapIsUsed() {
        Arena arena = new Arena();
        Tensor small;
        try (Arena ignored = arena.enter()) {
            small = Tensor.zeros(DType.F32, Arena.MIN_LENGTH - 1);
        }
        try (Arena ignored = arena.enter()) {
            assertNotSame(small.f32(), Tensor.zeros(DType.F32, Arena.MIN_LENGTH - 1).f32());
        }
        Tensor big;
        try (Arena ignored = arena.enter()) {
            big = Tensor.zeros(DType.F32, 4096);
        }
        assertNotSame(big.f32(), Tensor.zeros(DType.F32, 4096).f32());
    }

    @Test
    void enteringTwiceIsAnError() {
        Arena arena = new Arena();
        try (Arena ignored = arena.enter()) {
            assertThrows(IllegalStateException.class, arena::enter);
        }
    }
}
