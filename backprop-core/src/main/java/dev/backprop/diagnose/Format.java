package dev.backprop.diagnose;

import java.util.Locale;

/**
 * Numbers as text for people: in findings' messages, the report's tables, {@code inspect} and the experiments'
 * tables. Always with {@link Locale#ROOT} (a decimal point, whatever the machine's locale).
 */
public final class Format {
    private Format() {
    }

    /**
     * {@code v} for a message: |v| from 10<sup>-(digits-1)</sup> up to below 10<sup>digits+1</sup> (or 0) goes
     * through {@link #general}, which writes it in plain notation with {@code digits} significant digits up to below
     * 10<sup>digits</sup> and in scientific notation with {@code digits} significant digits above; beyond that range
     * it is in scientific notation with {@code digits - 1} significant digits. With 3 digits: 0.0123, 12.3,
     * 1.23e+03, 1.2e-07, 3.4e+05.
     *
     * @param v the number; NaN and infinities give "NaN", "Infinity", "-Infinity"
     * @param digits significant digits, at least 2
     * @return the text
     */
    public static String significant(double v, int digits) {
        double a = Math.abs(v);
        if (a != 0 && (a < Double.parseDouble("1e-" + (digits - 1)) || a >= Double.parseDouble("1e" + (digits + 1)))) {
            return String.format(Locale.ROOT, "%." + (digits - 2) + "e", v);
        }
        return general(v, digits);
    }

    /**
     * {@code v} in {@code printf}'s {@code %g} with {@code digits} significant digits: plain from 10<sup>-4</sup> up
     * to below 10<sup>digits</sup>, scientific outside (0.0001235, 12.35, 1.235e+05 with 4 digits).
     *
     * @param v the number
     * @param digits significant digits, at least 1
     * @return the text
     */
    public static String general(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "g", v);
    }

    /**
     * A fraction as a percentage: 0.125 is "13%" with 0 decimals, "12.5%" with 1.
     *
     * @param fraction the fraction (1 is 100%)
     * @param decimals decimals of the percentage, 0 or more; with 0 the percentage is rounded half up
     * @return the text, ending in "%"
     */
    public static String percent(double fraction, int decimals) {
        if (decimals == 0) {
            return Math.round(100 * fraction) + "%";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * fraction);
    }

    /**
     * How findings, reports and tables name a layer: "layer 3 (Sigmoid)", "layer block1.fc2 (Linear(64->64))", the
     * layer's path in the model (its index in a Sequential) and its description, so that one layer reads the same
     * everywhere.
     *
     * @param label the layer's path in the model ("3", "block1.fc2")
     * @param description the layer's description ("Linear(64->64)")
     * @return the name
     */
    public static String layer(String label, String description) {
        return "layer " + label + " (" + description + ")";
    }
}
