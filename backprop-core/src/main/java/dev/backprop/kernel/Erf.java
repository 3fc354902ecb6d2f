package dev.backprop.kernel;

/**
 * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt}, its complement, and the standard
 * normal distribution function, to a few ulps (what GELU's exact form and its gradient check need).
 *
 * <ul>
 *   <li>{@code |x| < 1}: the Taylor series {@code erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))},
 *       summed by Horner in {@code x^2} (19 terms reach 1e-17).</li>
 *   <li>{@code x >= 1}: {@code erfc(x) = exp(-x^2) * erfcx(x)}, with the smooth scaled function
 *       {@code erfcx(x) = exp(x^2) erfc(x)} from Chebyshev series on [1, 10) (coefficients made by
 *       {@code scripts/golden/erf_coefficients.py}) and from its asymptotic series
 *       {@code erfcx(x) = 1/(x sqrt(pi)) * sum_n (-1)^n (2n-1)!! / (2x^2)^n} beyond 10. {@code exp(-x^2)} is
 *       computed with x split in two halves so that the rounding of {@code x^2} costs no accuracy.</li>
 *   <li>Negative arguments use {@code erf(-x) = -erf(x)} and {@code erfc(-x) = 2 - erfc(x)}.</li>
 * </ul>
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SQRT_HALF = 0.7071067811865476;
    private static final double[] TAYLOR = taylor(19);
    private static final double[] BREAKS = {1.0, 2.0, 3.0, 4.5, 6.5, 10.0};
    private static final double[][] ERFCX_CHEB = {
        {0.331427281639452, -0.0850021377067432, 0.009951127341466115, -0.0010810888102208325, 0.0001102324363119495, -1.0636830518218601e-05, 9.775012680479055e-07, -8.597922867888315e-08, 7.2677084117248425e-09, -5.923543840592542e-10, 4.6683928572294154e-11, -3.56612770156775e-12, 2.6458779519104523e-13, -1.9101658673527567e-14, 1.343976588479829e-15, -9.228790549094326e-17, 6.19267308464391e-18, -4.0652224326488762e-19},  // [1.0, 2.0]
        {0.21398248255623223, -0.037938404099999566, 0.0031959178113380353, -0.0002573666707889977, 1.9905838950216772e-05, -1.484277185436206e-06, 1.0702889548418397e-07, -7.482824223542503e-09, 5.083548493074793e-10, -3.362256906091922e-11, 2.168583689441302e-12, -1.3659497593967644e-13, 8.41330237971444e-15, -5.07307611814009e-16, 2.997771009156646e-17, -1.7376147907764117e-18},  // [2.0, 3.0]
        {0.1481461953236469, -0.028025749092080682, 0.002576484512423808, -0.00023069211512747147, 2.0153233859046618e-05, -1.7204117400437299e-06, 1.4370810975615484e-07, -1.1760033789404574e-08, 9.437883720626808e-10, -7.435188873885695e-11, 5.754833048092623e-12, -4.3795961526976073e-13, 3.2794672404374804e-14, -2.4178069793928294e-15, 1.7560926895200883e-16, -1.2572423597529682e-17, 8.87680810702019e-19},  // [3.0, 4.5]
        {0.10254206654730609, -0.018201416485869242, 0.0015914283645512347, -0.0001371656744854487, 1.1660711185526465e-05, -9.782519337590006e-07, 8.102699843614865e-08, -6.629089865226366e-09, 5.359214611645432e-10, -4.282892100622182e-11, 3.3846710943766386e-12, -2.6459634254224937e-13, 2.0467976535080993e-14, -1.56717403519841e-15, 1.1880395713427766e-16, -8.919269676849542e-18, 6.633145840526496e-19},  // [4.5, 6.5]
        {0.06941753823006803, -0.014670295338037116, 0.0015390317947687959, -0.00016032127950317952, 1.6585645689503083e-05, -1.7042419771477154e-06, 1.739583344469136e-07, -1.7641250534928377e-08, 1.777609729309021e-09, -1.779987934853125e-10, 1.7714135693076003e-11, -1.7522334113055791e-12, 1.7229714625533656e-13, -1.6843089175533943e-14, 1.6370607059990792e-15, -1.582149623946461e-16, 1.5205790888749488e-17, -1.4534055257308823e-18, 1.3817113216969653e-19},  // [6.5, 10.0]
    };

    private Erf() {
    }

    /**
     * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt}.
     *
     * @param x the argument
     * @return erf(x) in [-1, 1]; NaN for NaN
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 1.0) {
            return small(x);
        }
        if (Double.isNaN(x)) {
            return x;
        }
        double r = 1.0 - erfcPositive(ax);
        return x < 0 ? -r : r;
    }

    /**
     * The complementary error function {@code erfc(x) = 1 - erf(x)}, computed directly so that it keeps its relative
     * accuracy where it is tiny (large positive x) instead of cancelling to 0.
     *
     * @param x the argument
     * @return erfc(x) in [0, 2]; 0 beyond about 27.3, where it is below the smallest double; NaN for NaN
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= 1.0) {
            return erfcPositive(x);
        }
        if (x <= -1.0) {
            return 2.0 - erfcPositive(-x);
        }
        return 1.0 - small(x);
    }

    /**
     * The standard normal distribution function {@code Phi(x) = erfc(-x/sqrt(2))/2}, accurate in both tails (the
     * exact GELU is {@code x·Phi(x)}).
     *
     * @param x the argument
     * @return P(Z &lt;= x) for a standard normal Z
     */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x * SQRT_HALF);
    }

    /**
     * The standard normal density {@code phi(x) = exp(-x^2/2)/sqrt(2 pi)}, the derivative of {@link #normalCdf}.
     *
     * @param x the argument
     * @return phi(x)
     */
    public static double normalPdf(double x) {
        return 0.3989422804014327 * Math.exp(-0.5 * x * x);
    }

    /** Taylor coefficients of erf(x)/x in powers of x^2. */
    private static double[] taylor(int terms) {
        double[] c = new double[terms];
        double factorial = 1;
        for (int n = 0; n < terms; n++) {
            if (n > 0) {
                factorial *= n;
            }
            c[n] = (n % 2 == 0 ? 1 : -1) * TWO_OVER_SQRT_PI / (factorial * (2 * n + 1));
        }
        return c;
    }

    private static double small(double x) {
        double x2 = x * x;
        double s = TAYLOR[TAYLOR.length - 1];
        for (int n = TAYLOR.length - 2; n >= 0; n--) {
            s = s * x2 + TAYLOR[n];
        }
        return x * s;
    }

    /** erfc(x) for x >= 1. */
    private static double erfcPositive(double x) {
        if (x > 27.3) {
            return 0.0; // below the smallest double
        }
        return expNegSquare(x) * erfcx(x);
    }

    /** exp(-x^2) with x = hi + lo, hi having 26 significant bits so that hi^2 is exact. */
    private static double expNegSquare(double x) {
        double hi = Double.longBitsToDouble(Double.doubleToRawLongBits(x) & 0xfffffffff8000000L);
        double lo = x - hi;
        return Math.exp(-hi * hi) * Math.exp(-lo * (x + hi));
    }

    /** Scaled complementary error function exp(x^2) erfc(x) for x >= 1. */
    static double erfcx(double x) {
        if (x >= 10.0) {
            double inv = 1.0 / (2 * x * x);
            double term = 1.0;
            double sum = 1.0;
            for (int n = 1; n < 40; n++) {
                term *= -(2 * n - 1) * inv;
                sum += term;
                if (Math.abs(term) < 1e-17) {
                    break;
                }
            }
            return ONE_OVER_SQRT_PI / x * sum;
        }
        int k = 0;
        while (x >= BREAKS[k + 1]) {
            k++;
        }
        double a = BREAKS[k];
        double b = BREAKS[k + 1];
        double t = (2 * x - a - b) / (b - a);
        double[] c = ERFCX_CHEB[k];
        double b1 = 0;
        double b2 = 0;
        for (int j = c.length - 1; j >= 1; j--) {
            double tmp = 2 * t * b1 - b2 + c[j];
            b2 = b1;
            b1 = tmp;
        }
        return t * b1 - b2 + c[0];
    }
}
