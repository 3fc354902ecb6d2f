package dev.backprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Learning-rate schedules at chosen steps against their closed forms. */
class ScheduleTest {
    private static final double BASE = 0.1;

    @Test
    void constantStepAndExponential() {
        assertEquals(BASE, new Schedule.Constant().lr(1000, 50, BASE));
        Schedule step = new Schedule.StepDecay(10, 0.5);
        assertEquals(BASE, step.lr(0, 9, BASE), 1e-15);
        assertEquals(BASE * 0.5, step.lr(0, 10, BASE), 1e-15);
        assertEquals(BASE * 0.125, step.lr(0, 35, BASE), 1e-15);
        Schedule exp = new Schedule.Exponential(0.9);
        assertEquals(BASE * Math.pow(0.9, 7), exp.lr(0, 7, BASE), 1e-15);
    }

    @Test
    void cosineAnnealing() {
        Schedule cos = new Schedule.Cosine(100, 0);
        assertEquals(BASE, cos.lr(0, 0, BASE), 1e-15);
        assertEquals(BASE / 2, cos.lr(50, 0, BASE), 1e-15);
        assertEquals(BASE * (1 + Math.cos(Math.PI / 4)) / 2, cos.lr(25, 0, BASE), 1e-15);
        assertEquals(0.0, cos.lr(100, 0, BASE), 1e-15);
        assertEquals(0.0, cos.lr(150, 0, BASE), 1e-15);
        assertEquals(0.01, new Schedule.Cosine(100, 0.01).lr(100, 0, BASE), 1e-15);
    }

    @Test
    void linearWarmupThenAnother() {
        Schedule w = new Schedule.Warmup(10, new Schedule.Cosine(100, 0));
        assertEquals(BASE / 10, w.lr(0, 0, BASE), 1e-15);
        assertEquals(BASE * 5 / 10, w.lr(4, 0, BASE), 1e-15);
        assertEquals(BASE * (1 + Math.cos(Math.PI * 0.1)) / 2, w.lr(10, 0, BASE), 1e-15);
    }

    @Test
    void parsesCommandLineForms() {
        assertEquals(new Schedule.Constant(), Schedule.parse("constant"));
        assertEquals(new Schedule.StepDecay(30, 0.1), Schedule.parse("step:30:0.1"));
        assertEquals(new Schedule.Exponential(0.95), Schedule.parse("exp:0.95"));
        assertEquals(new Schedule.Cosine(500, 0), Schedule.parse("cosine", 500));
        assertEquals(new Schedule.Cosine(200, 0), Schedule.parse("cosine:200"));
        assertEquals(new Schedule.Warmup(100, new Schedule.Constant()), Schedule.parse("warmup:100"));
        assertEquals(new Schedule.Warmup(100, new Schedule.Cosine(1000, 0)), Schedule.parse("warmup:100,cosine", 1000));
        for (String bad : new String[] {"linear", "step:3", "exp:x", "cosine", "warmup:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(bad), bad);
            assertTrue(e.getMessage().contains(Schedule.CHOICES), e.getMessage());
        }
    }
}
