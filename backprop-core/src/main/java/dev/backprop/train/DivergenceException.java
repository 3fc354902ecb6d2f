package dev.backprop.train;

/**
 * Training produced a NaN or infinite loss, activation or gradient. The message names the step, the layer or
 * parameter where it first appeared, and what to try.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The global step at which the non-finite value appeared. */
    private final long step;
    /** Where it first appeared. */
    private final String where;

    /**
     * Creates the exception.
     *
     * @param step the global step (from 1) at which the non-finite value appeared
     * @param where the layer, parameter or quantity where it first appeared
     * @param message the full message, with what to try
     */
    public DivergenceException(long step, String where, String message) {
        super(message);
        this.step = step;
        this.where = where;
    }

    /**
     * The global step at which the non-finite value appeared.
     *
     * @return the step, from 1
     */
    public long step() {
        return step;
    }

    /**
     * Where the non-finite value first appeared.
     *
     * @return the layer, parameter or quantity: "loss", "layer 3 (ReLU)", "2.weight"
     */
    public String where() {
        return where;
    }
}
