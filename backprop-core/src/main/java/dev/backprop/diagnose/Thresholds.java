package dev.backprop.diagnose;

/**
 * When a measurement becomes a {@link Finding}. The defaults, and why:
 * <ul>
 * <li>{@code vanishingRatio} 1e-4: ‖∂L/∂W‖ of the first Linear below 1e-4 of the last Linear's. A healthy ReLU/He
 *     network keeps the ratio within a few orders of 1; eight sigmoid layers with U(±1/√n) weights shrink it by about
 *     0.25·√(1/3) ≈ 0.14 per layer, to ~1e-7.</li>
 * <li>{@code explodingFactor} 1e3 and {@code explodingAbsolute} 1e5: the global gradient norm exceeds 1000 times its
 *     median over the first {@code earlySteps} steps, or 1e5 outright (mean-reduced losses give norms of order 0.1–10;
 *     the absolute bound catches networks that explode from the first step, such as a huge initialization).</li>
 * <li>{@code saturated} 0.5: more than half of a sigmoid/tanh layer's pre-activations are saturated (derivative below
 *     1% of its maximum, {@link dev.backprop.nn.ActivationKind#saturationThreshold()}).</li>
 * <li>{@code dead} 0.5: more than half of a ReLU layer's units are zero for every sample of the batch.</li>
 * <li>{@code persistence} 3: vanishing, saturation and dead units must hold on this many consecutive logged steps (or
 *     on every logged step of a run shorter than that), so a transient dip is not reported.</li>
 * </ul>
 * Symmetry (any group of ≥ 2 identical neurons in a Linear layer with more than one neuron, after an update) and
 * divergence (any NaN or infinity) are reported the first time they are seen.
 *
 * @param vanishingRatio the first-to-last weight-gradient ratio below which gradients vanish (lecture §2); &gt; 0
 * @param explodingFactor how many times its early median the global gradient norm may reach (lecture §2.1); &gt; 1
 * @param explodingAbsolute the global gradient norm above which gradients explode outright; &gt; 0
 * @param earlySteps how many first finite gradient norms the early median is over; ≥ 1
 * @param saturated the saturated fraction of a sigmoid/tanh layer above which it is saturated (lecture §2.1); in (0, 1]
 * @param dead the dead fraction of a ReLU-family layer above which its units are dead; in (0, 1]
 * @param persistence how many consecutive logged steps vanishing, saturation and dead units must hold; ≥ 1
 */
public record Thresholds(double vanishingRatio, double explodingFactor, double explodingAbsolute, int earlySteps,
                         double saturated, double dead, int persistence) {
    /**
     * How many times the median of its first {@link #earlySteps()} values the loss may reach before it counts as
     * exploding (a loss that grows a hundredfold without becoming NaN).
     */
    public static final double EXPLODING_LOSS_FACTOR = 100;
    /**
     * Over how many epochs in a row the overfitting rules must hold: the training loss falling while the evaluation
     * loss stays above its best, or the gap between the two growing.
     */
    public static final int OVERFITTING_EPOCHS = 3;
    /**
     * How far above its best the evaluation loss must end for the falling-and-rising rule of overfitting: 2%, so
     * that an evaluation loss that merely wobbles at its floor is not reported.
     */
    public static final double OVERFITTING_RISE = 0.02;
    /**
     * How many times the training loss the evaluation loss must be for the growing-gap rule of overfitting (a
     * "large" gap: the held-out loss at least twice the training loss).
     */
    public static final double OVERFITTING_GAP_FACTOR = 2;


    /**
     * Checks the thresholds.
     *
     * @throws IllegalArgumentException when one is outside its range (NaN included)
     */
    public Thresholds {
        if (!(vanishingRatio > 0) || !(explodingFactor > 1) || !(explodingAbsolute > 0) || earlySteps < 1
                || !(saturated > 0 && saturated <= 1) || !(dead > 0 && dead <= 1) || persistence < 1) {
            throw new IllegalArgumentException("invalid diagnostic thresholds: vanishingRatio=" + vanishingRatio
                    + " (> 0), explodingFactor=" + explodingFactor + " (> 1), explodingAbsolute=" + explodingAbsolute
                    + " (> 0), earlySteps=" + earlySteps + " (>= 1), saturated=" + saturated + " and dead=" + dead
                    + " (in (0, 1]), persistence=" + persistence + " (>= 1)");
        }
    }

    /**
     * The documented defaults.
     *
     * @return vanishingRatio 1e-4, explodingFactor 1e3, explodingAbsolute 1e5, earlySteps 10, saturated 0.5, dead 0.5,
     *     persistence 3
     */
    public static Thresholds defaults() {
        return new Thresholds(1e-4, 1e3, 1e5, 10, 0.5, 0.5, 3);
    }
}
