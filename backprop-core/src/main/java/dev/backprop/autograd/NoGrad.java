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

    /**
     * Enters a no-grad scope on the current thread; close it (on the same thread) to leave.
     *
     * @return the scope, to close with try-with-resources
     */
    public static NoGrad enter() {
        return new NoGrad();
    }

    /** {@return true when the current thread is inside at least one open no-grad scope} */
    public static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    /** Leaves the scope. Closing twice has no further effect. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
