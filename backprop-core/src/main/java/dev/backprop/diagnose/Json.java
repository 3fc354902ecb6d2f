package dev.backprop.diagnose;

import java.util.ArrayList;
import java.util.List;

/** Helpers for JSON-ready maps: JSON has no NaN or infinity, so those become null. */
final class Json {
    private Json() {
    }

    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static List<Double> nums(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(num(v));
        }
        return out;
    }
}
