package dev.backprop.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Storage reused from one training step to the next. While an arena is {@link #enter() entered} on a thread, the
 * tensors that thread creates ({@link Tensor#zeros}, {@link Tensor#copy}, and so every operation's output and
 * gradient) take their arrays from the arena instead of the heap; {@link #close()} leaves it, and the next
 * {@code enter()} hands the same arrays out again (zeroed, as a new array would be), matched by length in the order
 * they were first asked for. A step that does the same work as the one before allocates nothing, and its buffers
 * stay warm in the caches.
 *
 * <p>The contract is strict: a tensor created inside the arena is valid only until the next {@code enter()}. The
 * {@code Trainer} enters it around each step's forward and backward pass and clears every gradient before the next
 * step; anything that must outlive the step (optimizer state, checkpoints, diagnostics snapshots) is created outside
 * it. Small arrays (below {@link #MIN_LENGTH} elements) always come from the heap. Not thread-safe: one thread at a
 * time.
 */
public final class Arena implements AutoCloseable {
    /** Arrays shorter than this come from the heap even inside an arena. */
    public static final int MIN_LENGTH = 256;

    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();

    private final Map<Integer, Slots<float[]>> floats = new HashMap<>();
    private final Map<Integer, Slots<double[]>> doubles = new HashMap<>();
    private Arena outer;
    private boolean entered;

    /** An empty arena; its arrays are created on first use. */
    public Arena() {
    }

    /**
     * Makes this arena the current one on the calling thread and rewinds it, so that its arrays are handed out again
     * from the first; tensors created inside it since the last {@code enter()} must no longer be used.
     *
     * @return this arena, to close in a try-with-resources statement
     * @throws IllegalStateException if this arena is already entered
     */
    public Arena enter() {
        if (entered) {
            throw new IllegalStateException("arena entered twice");
        }
        floats.values().forEach(Slots::rewind);
        doubles.values().forEach(Slots::rewind);
        outer = CURRENT.get();
        CURRENT.set(this);
        entered = true;
        return this;
    }

    /** Leaves this arena: the thread allocates from the heap (or the arena it was in before) again. */
    @Override
    public void close() {
        if (!entered) {
            return;
        }
        entered = false;
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
        outer = null;
    }

    /** A zeroed float array of length {@code n}, from the current arena when there is one. */
    static float[] floats(int n) {
        return take(n, a -> a.floats, float[]::new, x -> Arrays.fill(x, 0f));
    }

    /** A float array of length {@code n} whose contents the caller overwrites entirely. */
    static float[] floatsUninitialized(int n) {
        return take(n, a -> a.floats, float[]::new, null);
    }

    /** A zeroed double array of length {@code n}, from the current arena when there is one. */
    static double[] doubles(int n) {
        return take(n, a -> a.doubles, double[]::new, x -> Arrays.fill(x, 0.0));
    }

    /** A double array of length {@code n} whose contents the caller overwrites entirely. */
    static double[] doublesUninitialized(int n) {
        return take(n, a -> a.doubles, double[]::new, null);
    }

    /**
     * The next array of length {@code n} of the current arena's {@code pool} (a new one when the pool has handed out
     * all it holds, kept for the next step), or a new array outside an arena; a reused array is passed to
     * {@code clearReused} when that is not null (a new array is already zero).
     */
    private static <T> T take(int n, Function<Arena, Map<Integer, Slots<T>>> pool, IntFunction<T> make,
                              Consumer<T> clearReused) {
        Arena a = n < MIN_LENGTH ? null : CURRENT.get();
        if (a == null) {
            return make.apply(n);
        }
        Slots<T> s = pool.apply(a).computeIfAbsent(n, k -> new Slots<>());
        T x = s.next();
        if (x == null) {
            x = make.apply(n);
            s.add(x);
        } else if (clearReused != null) {
            clearReused.accept(x);
        }
        return x;
    }

    /** {@return true when the calling thread is inside an arena} */
    public static boolean active() {
        return CURRENT.get() != null;
    }

    /** The arrays of one length, handed out in order. */
    private static final class Slots<T> {
        private final ArrayList<T> items = new ArrayList<>();
        private int cursor;

        T next() {
            return cursor < items.size() ? items.get(cursor++) : null;
        }

        void add(T x) {
            items.add(x);
            cursor = items.size();
        }

        void rewind() {
            cursor = 0;
        }
    }
}
