package dev.backprop.tensor;

/**
 * Element type of a {@link Tensor}. {@link #F32} is the fast path used for training; {@link #F64} is used for
 * gradient checking and by callers who want double precision.
 */
public enum DType {
    /** 32-bit IEEE float, 4 bytes per element: the type models train in. */
    F32(4),
    /** 64-bit IEEE double, 8 bytes per element: for gradient checks and reference computations. */
    F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** {@return the size of one element in bytes (4 or 8)} */
    public int bytes() {
        return bytes;
    }

    /** {@return the lower-case name used in files and on the command line ("f32" or "f64")} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a dtype name, ignoring case.
     *
     * @param s "f32" or "f64", in any case
     * @return the matching dtype
     * @throws IllegalArgumentException for any other string; the message lists the valid values
     */
    public static DType parse(String s) {
        for (DType t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "': expected f32 or f64");
    }
}
