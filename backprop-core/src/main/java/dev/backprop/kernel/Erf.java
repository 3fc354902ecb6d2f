package dev.backprop.kernel;

/**
 * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt}, its complement, and the standard
 * normal distribution function, to about 1e-15 relative accuracy (what GELU's exact form and its gradient check
 * need).
 *
 * <p>For {@code |x| < 2.5} the series {@code erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1))}
 * is used: all its terms are positive, so nothing cancels. For larger {@code |x|}, {@code erfc} comes from its
 * continued fraction {@code erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}, evaluated
 * with the modified Lentz method, which keeps full relative accuracy in the far tail.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SQRT_HALF = 0.7071067811865476;
    private static final double SWITCH = 2.5;

    private Erf() {
    }

    /** erf(x). */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SWITCH) {
            return series(x);
        }
        double r = 1.0 - erfcTail(ax);
        return x < 0 ? -r : r;
    }

    /** erfc(x) = 1 - erf(x), accurate also where it is tiny (large positive x). */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= SWITCH) {
            return erfcTail(x);
        }
        if (x <= -SWITCH) {
            return 2.0 - erfcTail(-x);
        }
        return 1.0 - series(x);
    }

    /** Standard normal CDF {@code Phi(x) = erfc(-x/sqrt 2)/2}, accurate in both tails. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x * SQRT_HALF);
    }

    /** Standard normal density {@code phi(x) = exp(-x^2/2)/sqrt(2 pi)}. */
    public static double normalPdf(double x) {
        return 0.3989422804014327 * Math.exp(-0.5 * x * x);
    }

    private static double series(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x >= SWITCH by the continued fraction with partial numerators k/2. */
    private static double erfcTail(double x) {
        if (x > 27.3) {
            return 0.0; // below the smallest double
        }
        final double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0.0;
        for (int k = 1; k < 500; k++) {
            double a = 0.5 * k;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) {
                break;
            }
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }
}
