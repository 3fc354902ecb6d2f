package dev.backprop.optim;

import java.util.Locale;

/**
 * A learning-rate schedule: the rate η for an optimizer step, from the base rate η₀. {@code step} counts optimizer
 * steps taken before this one (from 0), {@code epoch} counts completed epochs (from 0). The trainer calls
 * {@code optimizer.setLr(schedule.lr(step, epoch, baseLr))} before each step.
 */
public sealed interface Schedule {

    /**
     * The learning rate for the given step and epoch.
     *
     * @param step optimizer steps taken before this one, from 0
     * @param epoch completed epochs, from 0
     * @param baseLr the base rate η₀
     * @return the rate η for this step
     */
    double lr(int step, int epoch, double baseLr);

    /** η = η₀. */
    record Constant() implements Schedule {
        @Override
        public double lr(int step, int epoch, double baseLr) {
            return baseLr;
        }
    }

    /**
     * η = η₀·γ^⌊epoch / every⌋ (PyTorch's StepLR, per epoch).
     *
     * @param every the number of epochs between decays, &gt; 0
     * @param gamma the factor γ &gt; 0
     */
    record StepDecay(int every, double gamma) implements Schedule {
        /**
         * Checks the arguments.
         *
         * @throws IllegalArgumentException if {@code every} or {@code gamma} is not positive
         */
        public StepDecay {
            if (every <= 0 || !(gamma > 0)) {
                throw new IllegalArgumentException("invalid step schedule: every=" + every + ", gamma=" + gamma);
            }
        }

        @Override
        public double lr(int step, int epoch, double baseLr) {
            return baseLr * Math.pow(gamma, epoch / every);
        }
    }

    /**
     * η = η₀·γ^epoch (PyTorch's ExponentialLR, per epoch).
     *
     * @param gamma the factor γ &gt; 0
     */
    record Exponential(double gamma) implements Schedule {
        /**
         * Checks γ.
         *
         * @throws IllegalArgumentException if {@code gamma} is not positive
         */
        public Exponential {
            if (!(gamma > 0)) {
                throw new IllegalArgumentException("invalid exponential schedule gamma: " + gamma);
            }
        }

        @Override
        public double lr(int step, int epoch, double baseLr) {
            return baseLr * Math.pow(gamma, epoch);
        }
    }

    /**
     * η = η_min + (η₀ − η_min)·(1 + cos(π·min(step, T)/T))/2 over T = totalSteps steps (cosine annealing, per step);
     * η_min from step T on.
     *
     * @param totalSteps T &gt; 0
     * @param minLr η_min &ge; 0
     */
    record Cosine(int totalSteps, double minLr) implements Schedule {
        /**
         * Checks the arguments.
         *
         * @throws IllegalArgumentException if {@code totalSteps} is not positive or {@code minLr} is negative or NaN
         */
        public Cosine {
            if (totalSteps <= 0 || !(minLr >= 0)) {
                throw new IllegalArgumentException("invalid cosine schedule: totalSteps=" + totalSteps + ", minLr=" + minLr);
            }
        }

        @Override
        public double lr(int step, int epoch, double baseLr) {
            double t = Math.min(step, totalSteps) / (double) totalSteps;
            return minLr + (baseLr - minLr) * (1 + Math.cos(Math.PI * t)) / 2;
        }
    }

    /**
     * Linear warm-up: η = η₀·(step + 1)/steps for step &lt; steps, then {@code after}, which is given the same step
     * count (warm-up steps included).
     *
     * @param steps the warm-up length, &gt; 0
     * @param after the schedule from step {@code steps} on
     */
    record Warmup(int steps, Schedule after) implements Schedule {
        /**
         * Checks the arguments.
         *
         * @throws IllegalArgumentException if {@code steps} is not positive or {@code after} is null
         */
        public Warmup {
            if (steps <= 0 || after == null) {
                throw new IllegalArgumentException("invalid warm-up: steps=" + steps + ", after=" + after);
            }
        }

        @Override
        public double lr(int step, int epoch, double baseLr) {
            return step < steps ? baseLr * (step + 1) / steps : after.lr(step, epoch, baseLr);
        }
    }

    /** The forms accepted by {@link #parse(String, int)}. */
    String CHOICES = "constant|step:EVERY:GAMMA|exp:GAMMA|cosine[:TOTAL_STEPS]|warmup:STEPS[,SCHEDULE]";

    /**
     * {@link #parse(String, int)} when the total number of steps is unknown ("cosine" then needs ":TOTAL").
     *
     * @param text the form, e.g. "step:10:0.5"
     * @return the schedule
     * @throws IllegalArgumentException naming the text and listing {@link #CHOICES}
     */
    static Schedule parse(String text) {
        return parse(text, 0);
    }

    /**
     * Parses constant | step:EVERY:GAMMA | exp:GAMMA | cosine[:TOTAL] | warmup:STEPS[,SCHEDULE]; "cosine" without a
     * total anneals over {@code totalSteps}. Example: "warmup:500,cosine". Any case; a plain "warmup:STEPS" is
     * followed by the constant rate.
     *
     * @param text the form
     * @param totalSteps the run's total number of optimizer steps, for a bare "cosine" (0 if unknown)
     * @return the schedule
     * @throws IllegalArgumentException naming the text and listing {@link #CHOICES}
     */
    static Schedule parse(String text, int totalSteps) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            int comma = s.indexOf(',');
            if (s.startsWith("warmup:")) {
                String head = comma < 0 ? s : s.substring(0, comma);
                Schedule after = comma < 0 ? new Constant() : parse(s.substring(comma + 1), totalSteps);
                return new Warmup(Integer.parseInt(head.substring(7)), after);
            }
            String[] p = s.split(":");
            Schedule r = switch (p[0]) {
                case "constant" -> p.length == 1 ? new Constant() : null;
                case "step" -> p.length == 3 ? new StepDecay(Integer.parseInt(p[1]), Double.parseDouble(p[2])) : null;
                case "exp" -> p.length == 2 ? new Exponential(Double.parseDouble(p[1])) : null;
                case "cosine" -> p.length == 2 ? new Cosine(Integer.parseInt(p[1]), 0)
                        : p.length == 1 ? new Cosine(totalSteps, 0) : null;
                default -> null;
            };
            if (r != null) {
                return r;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid schedule '" + text + "' (" + e.getMessage() + "); valid: "
                    + CHOICES, e);
        }
        throw new IllegalArgumentException("unknown schedule '" + text + "'; valid: " + CHOICES);
    }
}
