package dev.backprop.autograd;

/**
 * A scope in which operations record nothing on the tape: used for evaluation and for optimizer updates.
 *
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *     Variable logits = model.forward(x);   // no graph is built
 * }
 * }</pre>
 *
 * Scopes nest and are per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    /** Enters a no-grad scope; close it to leave. */
    public static NoGrad enter() {
        return new NoGrad();
    }

    /** True when the current thread is inside a no-grad scope. */
    public static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
