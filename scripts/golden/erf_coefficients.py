"""Chebyshev coefficients of the scaled complementary error function erfcx(x) = exp(x^2) erfc(x), used by
dev.backprop.kernel.Erf on [1, 10).

Each interval [a, b] gets the Chebyshev interpolant of erfcx at enough nodes (evaluated with mpmath at 50 digits),
truncated where the coefficients fall below 1e-18 of the first. Run with /usr/bin/python3; it prints the Java
table pasted into Erf.java and the worst relative error of the truncated series on a dense grid.
"""
import mpmath

mpmath.mp.dps = 50
INTERVALS = [(1.0, 2.0), (2.0, 3.0), (3.0, 4.5), (4.5, 6.5), (6.5, 10.0)]
NODES = 64


def erfcx(x):
    return mpmath.exp(x * x) * mpmath.erfc(x)


def chebyshev(a, b):
    n = NODES
    xs = [mpmath.cos(mpmath.pi * (k + 0.5) / n) for k in range(n)]
    fs = [erfcx((b - a) / 2 * t + (a + b) / 2) for t in xs]
    cs = []
    for j in range(n):
        s = sum(fs[k] * mpmath.cos(mpmath.pi * j * (k + 0.5) / n) for k in range(n))
        cs.append(2 * s / n)
    cs[0] /= 2
    keep = [c for c in cs]
    while abs(keep[-1]) < 1e-18 * abs(keep[0]):
        keep.pop()
    return [float(c) for c in keep]


def clenshaw(cs, t):
    b1 = b2 = 0.0
    for c in reversed(cs[1:]):
        b1, b2 = 2 * t * b1 - b2 + c, b1
    return t * b1 - b2 + cs[0]


print("    private static final double[][] ERFCX_CHEB = {")
worst = 0.0
for a, b in INTERVALS:
    cs = chebyshev(a, b)
    for i in range(2001):
        x = a + (b - a) * i / 2000
        t = (2 * x - a - b) / (b - a)
        exact = erfcx(mpmath.mpf(x))
        worst = max(worst, float(abs((clenshaw(cs, t) - exact) / exact)))
    print("        {" + ", ".join(repr(c) for c in cs) + "},  // [" + repr(a) + ", " + repr(b) + "]")
print("    };")
print("// worst relative error of the series in double arithmetic:", worst)
