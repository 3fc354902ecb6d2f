package dev.backprop.cli;

/** A mistake in what the user asked for (a bad value, sizes that do not fit): exit code 2, no stack trace. */
final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message);
    }
}
