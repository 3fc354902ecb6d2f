package dev.backprop.train;

/**
 * Training produced a NaN or infinite loss, activation or gradient. The message names the step, the layer or
 * parameter where it first appeared, and what to try.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long step;
    private final String where;

    public DivergenceException(long step, String where, String message) {
        super(message);
        this.step = step;
        this.where = where;
    }

    /** The global step at which the non-finite value appeared. */
    public long step() {
        return step;
    }

    /** The layer, parameter or quantity where it first appeared ("loss", "layer 3 (ReLU)", "2.weight"). */
    public String where() {
        return where;
    }
}
