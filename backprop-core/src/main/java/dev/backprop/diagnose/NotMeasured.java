package dev.backprop.diagnose;

/**
 * A {@code JsonInclude} value filter that leaves a NaN number out of the JSON: for the statistics that are measured
 * only for some kinds of layer ({@link LayerStats#saturatedFraction()}, {@link LayerStats#deadFraction()}). Reading
 * a left-out number gives NaN again ({@link MetricsJson}).
 */
final class NotMeasured {
    /** Whether {@code value} is left out: a NaN. */
    @Override
    public boolean equals(Object value) {
        return value instanceof Double d && d.isNaN();
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
