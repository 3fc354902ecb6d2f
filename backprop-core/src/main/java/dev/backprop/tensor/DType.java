package dev.backprop.tensor;

/**
 * Element type of a {@link Tensor}. {@link #F32} is the fast path used for training; {@link #F64} is used for
 * gradient checking and by callers who want double precision.
 */
public enum DType {
    F32(4),
    F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Lower-case name as used in files and on the command line ("f32", "f64"). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses "f32"/"f64" (any case); the error lists the valid values. */
    public static DType parse(String s) {
        for (DType t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "': expected f32 or f64");
    }
}
