package dev.backprop.autograd;

import dev.backprop.kernel.BatchNorm;
import dev.backprop.kernel.Elementwise;
import dev.backprop.kernel.Elementwise.Binary;
import dev.backprop.kernel.Erf;
import dev.backprop.kernel.Gemm;
import dev.backprop.kernel.Reductions;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * The differentiable operations. Each method is the forward pass of one operation (computed with the kernels) and,
 * next to it, its backward rule: a lambda that captures exactly what the backward needs and turns dL/d(output)
 * ({@code g}) into dL/d(input) for each input (the lecture's §1.1). Gradients are computed only for inputs that
 * {@link Variable#requiresGrad() require} them.
 *
 * <p>All operations work for F32 and F64; the operands of one operation must share a dtype. Binary arithmetic
 * broadcasts as NumPy does; the backward of a broadcast operand sums the gradient over the dimensions along which
 * it was stretched. Shape errors are {@link IllegalArgumentException}s naming the operation and the shapes.
 */
public final class Ops {
    private Ops() {
    }

    // ------------------------------------------------------------------ arithmetic

    /**
     * Element-wise sum, broadcasting: {@code y = a + b}.
     * Backward: {@code da = sumToShape(g, a.shape)}, {@code db = sumToShape(g, b.shape)}, where
     * {@link Reductions#sumToShape sumToShape} undoes the broadcast.
     *
     * @param a the left operand
     * @param b the right operand, of the same dtype
     * @return the sum, in the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast or the dtypes differ
     */
    public static Variable add(Variable a, Variable b) {
        Tensor out = Elementwise.binary(Binary.ADD, a.value(), b.value(), "add");
        Shape sa = a.shape();
        Shape sb = b.shape();
        return Variable.op("add", out, g -> new Tensor[] {
            a.requiresGrad() ? Reductions.sumToShape(g, sa) : null,
            b.requiresGrad() ? Reductions.sumToShape(g, sb) : null}, a, b);
    }

    /**
     * Element-wise difference, broadcasting: {@code y = a - b}.
     * Backward: {@code da = sumToShape(g, a.shape)}, {@code db = -sumToShape(g, b.shape)}.
     *
     * @param a the left operand
     * @param b the right operand, of the same dtype
     * @return the difference, in the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast or the dtypes differ
     */
    public static Variable sub(Variable a, Variable b) {
        Tensor out = Elementwise.binary(Binary.SUB, a.value(), b.value(), "sub");
        Shape sa = a.shape();
        Shape sb = b.shape();
        return Variable.op("sub", out, g -> new Tensor[] {
            a.requiresGrad() ? Reductions.sumToShape(g, sa) : null,
            b.requiresGrad() ? Elementwise.scale(Reductions.sumToShape(g, sb), -1.0) : null}, a, b);
    }

    /**
     * Element-wise product, broadcasting: {@code y = a * b}.
     * Backward: {@code da = sumToShape(g * b, a.shape)}, {@code db = sumToShape(g * a, b.shape)}.
     *
     * @param a the left operand
     * @param b the right operand, of the same dtype
     * @return the product, in the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast or the dtypes differ
     */
    public static Variable mul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = Elementwise.binary(Binary.MUL, av, bv, "mul");
        return Variable.op("mul", out, g -> new Tensor[] {
            a.requiresGrad() ? Reductions.sumToShape(Elementwise.binary(Binary.MUL, g, bv, "mul backward"), av.shape())
                    : null,
            b.requiresGrad() ? Reductions.sumToShape(Elementwise.binary(Binary.MUL, g, av, "mul backward"), bv.shape())
                    : null}, a, b);
    }

    /**
     * Element-wise quotient, broadcasting: {@code y = a / b}.
     * Backward: {@code da = sumToShape(g / b, a.shape)}, {@code db = -sumToShape(g * y / b, b.shape)}
     * (that is, {@code -g·a/b^2}).
     *
     * @param a the numerator
     * @param b the denominator, of the same dtype
     * @return the quotient, in the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast or the dtypes differ
     */
    public static Variable div(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = Elementwise.binary(Binary.DIV, av, bv, "div");
        return Variable.op("div", out, g -> {
            Tensor gOverB = Elementwise.binary(Binary.DIV, g, bv, "div backward");
            return new Tensor[] {
                a.requiresGrad() ? Reductions.sumToShape(gOverB, av.shape()) : null,
                b.requiresGrad() ? Elementwise.scale(Reductions.sumToShape(
                        Elementwise.binary(Binary.MUL, gOverB, out, "div backward"), bv.shape()), -1.0) : null};
        }, a, b);
    }

    /**
     * Negation {@code y = -a}. Backward: {@code da = -g}.
     *
     * @param a the operand
     * @return the negated value (recorded as op "neg")
     */
    public static Variable neg(Variable a) {
        return scale(a, -1.0, "neg");
    }

    /**
     * Multiplication by a constant, {@code y = s·a}. Backward: {@code da = s·g}.
     *
     * @param a the operand
     * @param s the constant factor
     * @return the scaled value
     */
    public static Variable scale(Variable a, double s) {
        return scale(a, s, "scale");
    }

    private static Variable scale(Variable a, double s, String name) {
        Tensor out = Elementwise.scale(a.value(), s);
        return Variable.op(name, out, g -> new Tensor[] {Elementwise.scale(g, s)}, a);
    }

    /**
     * Addition of a constant, {@code y = a + s}. Backward: {@code da = g}.
     *
     * @param a the operand
     * @param s the constant to add
     * @return the shifted value
     */
    public static Variable addScalar(Variable a, double s) {
        Tensor out = Elementwise.addScalar(a.value(), s);
        return Variable.op("addScalar", out, g -> new Tensor[] {g}, a);
    }

    // ------------------------------------------------------------------ matrix products

    /**
     * Matrix product {@code C = A·B} of 2-D operands {@code A [m, k]} and {@code B [k, n]}, via {@link Gemm}.
     * Backward: {@code dA = g·Bᵀ}, {@code dB = Aᵀ·g}.
     *
     * @param a the left matrix {@code [m, k]}
     * @param b the right matrix {@code [k, n]}, of the same dtype
     * @return the product {@code [m, n]}
     * @throws IllegalArgumentException if an operand is not 2-D, the inner dimensions differ or the dtypes differ
     */
    public static Variable matmul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        if (av.rank() != 2 || bv.rank() != 2 || av.dim(1) != bv.dim(0)) {
            throw new IllegalArgumentException("matmul: shapes " + av.shape() + " and " + bv.shape()
                    + " do not multiply (need [m, k] and [k, n])");
        }
        Elementwise.requireSameDType("matmul", av, bv);
        Tensor out = Gemm.matmul(av, bv, false, false);
        return Variable.op("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? Gemm.matmul(g, bv, false, true) : null,
            b.requiresGrad() ? Gemm.matmul(av, g, true, false) : null}, a, b);
    }

    /**
     * Fully connected layer {@code y = x·wᵀ + b}: for each sample (row of x), the lecture's linear combiner
     * {@code v = W x} (eq. 1.8) plus a bias. The output starts as the bias rows and one GEMM accumulates into it.
     * Backward (the lecture's eqs. 1.12-1.13: each weight's partial is the input it multiplies):
     * {@code dx = g·w}, {@code dw = gᵀ·x}, {@code db = sum over rows of g}.
     *
     * @param x the input {@code [N, in]}
     * @param w the weight {@code [out, in]}, of the same dtype (PyTorch's layout)
     * @param b the bias {@code [out]}, or null for none
     * @return the output {@code [N, out]}
     * @throws IllegalArgumentException if the shapes do not fit or the dtypes differ
     */
    public static Variable linear(Variable x, Variable w, Variable b) {
        Tensor xv = x.value();
        Tensor wv = w.value();
        if (xv.rank() != 2 || wv.rank() != 2 || xv.dim(1) != wv.dim(1)) {
            throw new IllegalArgumentException("linear: input " + xv.shape() + " and weight " + wv.shape()
                    + " do not fit (need x [N, in] and w [out, in])");
        }
        Elementwise.requireSameDType("linear", xv, wv);
        if (b != null && (b.value().rank() != 1 || b.value().dim(0) != wv.dim(0))) {
            throw new IllegalArgumentException("linear: bias " + b.shape() + " does not match weight " + wv.shape()
                    + " (need [" + wv.dim(0) + "])");
        }
        if (b != null) {
            Elementwise.requireSameDType("linear", xv, b.value());
        }
        Tensor y = linearForward(xv, wv, b == null ? null : b.value());
        BackwardFn back = g -> new Tensor[] {
            x.requiresGrad() ? Gemm.matmul(g, wv, false, false) : null,
            w.requiresGrad() ? Gemm.matmul(g, xv, true, false) : null,
            b != null && b.requiresGrad() ? Reductions.columnSums(g) : null};
        return Variable.opFresh("linear", y, back, LINEAR_FRESH, x, w, b);
    }

    /** Linear's rule returns new matrix products for x and w; the bias sum is not declared fresh. */
    private static final boolean[] LINEAR_FRESH = {true, true, false};

    /** {@code y = x·wᵀ (+ b)}: y starts as the bias rows and the GEMM (NT form) accumulates into it. */
    private static Tensor linearForward(Tensor x, Tensor w, Tensor b) {
        int n = x.dim(0);
        int in = x.dim(1);
        int out = w.dim(0);
        Tensor y = Tensor.zeros(x.dtype(), n, out);
        if (b != null) {
            Elementwise.addRowVectorInto(y, b);
        }
        if (x.dtype() == DType.F32) {
            Gemm.sgemm(false, true, n, out, in, x.f32(), x.offset(), in, w.f32(), w.offset(), in, y.f32(), 0, out,
                    b != null);
        } else {
            Gemm.dgemm(false, true, n, out, in, x.f64(), x.offset(), in, w.f64(), w.offset(), in, y.f64(), 0, out,
                    b != null);
        }
        return y;
    }

    // ------------------------------------------------------------------ reductions

    /**
     * Sum of all elements, as a scalar (shape {@code []}). Backward: {@code da = g} at every element.
     *
     * @param a the operand
     * @return the sum
     */
    public static Variable sum(Variable a) {
        Tensor out = Tensor.scalar(a.value().dtype(), Reductions.sum(a.value()));
        Shape s = a.shape();
        return Variable.op("sum", out, g -> new Tensor[] {Tensor.full(g.dtype(), g.item(), s.dims())}, a);
    }

    /**
     * Mean of all elements, as a scalar (shape {@code []}). Backward: {@code da = g/n} at every element, {@code n}
     * the number of elements.
     *
     * @param a the operand
     * @return the mean (NaN for an empty operand)
     */
    public static Variable mean(Variable a) {
        Tensor out = Tensor.scalar(a.value().dtype(), Reductions.mean(a.value()));
        Shape s = a.shape();
        return Variable.op("mean", out, g -> new Tensor[] {Tensor.full(g.dtype(), g.item() / s.size(), s.dims())}, a);
    }

    /**
     * Sum along one axis. Backward: {@code g} copied to every position along the axis.
     *
     * @param a the operand
     * @param axis the axis to sum over; negative values count from the end
     * @param keepDim keep the summed axis with size 1
     * @return the sums, in the reduced shape
     * @throws IllegalArgumentException if the axis is out of range
     */
    public static Variable sum(Variable a, int axis, boolean keepDim) {
        int ax = Reductions.normalizeAxis(a.shape(), axis, "sum");
        Tensor out = Reductions.sum(a.value(), ax, keepDim);
        Shape s = a.shape();
        return Variable.op("sum", out, g -> new Tensor[] {Reductions.expandAlongAxis(g, s, ax, 1.0)}, a);
    }

    /**
     * Mean along one axis of size {@code n}. Backward: {@code g/n} copied to every position along the axis.
     *
     * @param a the operand
     * @param axis the axis to average over; negative values count from the end
     * @param keepDim keep the averaged axis with size 1
     * @return the means, in the reduced shape
     * @throws IllegalArgumentException if the axis is out of range
     */
    public static Variable mean(Variable a, int axis, boolean keepDim) {
        int ax = Reductions.normalizeAxis(a.shape(), axis, "mean");
        Tensor out = Reductions.mean(a.value(), ax, keepDim);
        Shape s = a.shape();
        return Variable.op("mean", out, g -> new Tensor[] {Reductions.expandAlongAxis(g, s, ax, 1.0 / s.dim(ax))}, a);
    }

    /**
     * Maximum along one axis (NaN counts as maximal). Backward: each slice's {@code g} goes to the first position of
     * its maximum; every other position gets 0 (ties are not shared).
     *
     * @param a the operand
     * @param axis the axis to reduce; negative values count from the end
     * @param keepDim keep the reduced axis with size 1
     * @return the maxima, in the reduced shape
     * @throws IllegalArgumentException if the axis is out of range or empty
     */
    public static Variable max(Variable a, int axis, boolean keepDim) {
        int ax = Reductions.normalizeAxis(a.shape(), axis, "max");
        Reductions.MaxResult r = Reductions.max(a.value(), ax, keepDim);
        int[] idx = r.indices();
        Shape s = a.shape();
        return Variable.op("max", r.values(), g -> new Tensor[] {Reductions.scatterAlongAxis(g, idx, s, ax)}, a);
    }

    // ------------------------------------------------------------------ element-wise math

    /**
     * Element-wise exponential {@code y = e^a}. Backward: {@code da = g·y}.
     *
     * @param a the operand
     * @return the exponentials
     */
    public static Variable exp(Variable a) {
        Tensor y = Elementwise.map(a.value(), Math::exp);
        return Variable.op("exp", y, g -> new Tensor[] {Elementwise.binary(Binary.MUL, g, y, "exp backward")}, a);
    }

    /**
     * Element-wise natural logarithm {@code y = ln(a)}. Backward: {@code da = g/a}.
     *
     * @param a the operand
     * @return the logarithms (NaN where {@code a < 0}, -infinity where {@code a = 0})
     */
    public static Variable log(Variable a) {
        Tensor x = a.value();
        return Variable.op("log", Elementwise.map(x, Math::log),
                g -> new Tensor[] {Elementwise.binary(Binary.DIV, g, x, "log backward")}, a);
    }

    /**
     * Element-wise power {@code y = a^p} ({@link Math#pow}). Backward: {@code da = g·p·a^(p-1)}.
     *
     * @param a the base
     * @param p the constant exponent
     * @return the powers
     */
    public static Variable pow(Variable a, double p) {
        Tensor x = a.value();
        return Variable.op("pow", Elementwise.map(x, v -> Math.pow(v, p)),
                g -> new Tensor[] {Elementwise.zip(g, x, (gi, xi) -> gi * p * Math.pow(xi, p - 1))}, a);
    }

    /**
     * Element-wise square root {@code y = sqrt(a)}. Backward: {@code da = g/(2y)} (infinite at 0).
     *
     * @param a the operand
     * @return the square roots (NaN where negative)
     */
    public static Variable sqrt(Variable a) {
        Tensor y = Elementwise.map(a.value(), Math::sqrt);
        return Variable.op("sqrt", y, g -> new Tensor[] {Elementwise.zip(g, y, (gi, yi) -> gi * 0.5 / yi)}, a);
    }

    /**
     * Element-wise absolute value {@code y = |a|}. Backward: {@code da = g·sign(a)}, with sign(0) = 0 as in
     * PyTorch.
     *
     * @param a the operand
     * @return the absolute values
     */
    public static Variable abs(Variable a) {
        Tensor x = a.value();
        return Variable.op("abs", Elementwise.map(x, Math::abs),
                g -> new Tensor[] {Elementwise.zip(g, x, (gi, xi) -> gi * Math.signum(xi))}, a);
    }

    /**
     * Element-wise clamp {@code y = min(max(a, lo), hi)}. Backward: {@code da = g} where {@code lo <= a <= hi}
     * (bounds included, as in PyTorch), 0 outside.
     *
     * @param a the operand
     * @param lo the lower bound
     * @param hi the upper bound
     * @return the clamped values
     * @throws IllegalArgumentException if {@code lo > hi}
     */
    public static Variable clamp(Variable a, double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        }
        Tensor x = a.value();
        return Variable.op("clamp", Elementwise.map(x, v -> Math.min(Math.max(v, lo), hi)),
                g -> new Tensor[] {Elementwise.zip(g, x, (gi, xi) -> xi >= lo && xi <= hi ? gi : 0.0)}, a);
    }

    // ------------------------------------------------------------------ shape

    /**
     * The same elements in another shape (a view, no copy). Backward: {@code g} reshaped back to a's shape.
     *
     * @param a the operand
     * @param dims the new shape; one dimension may be -1 (inferred)
     * @return the reshaped value
     * @throws IllegalArgumentException if the sizes do not match
     */
    public static Variable reshape(Variable a, int... dims) {
        Shape s = a.shape();
        Tensor out;
        try {
            out = a.value().reshape(dims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reshape: shape " + s + " cannot become " + Arrays.toString(dims), e);
        }
        return Variable.op("reshape", out, g -> new Tensor[] {g.reshape(s.dims())}, a);
    }

    /**
     * Transpose of a 2-D operand, {@code y[j][i] = a[i][j]} (copied). Backward: {@code da = gᵀ}.
     *
     * @param a the 2-D operand
     * @return the transpose
     * @throws IllegalArgumentException if {@code a} is not 2-D
     */
    public static Variable transpose(Variable a) {
        if (a.value().rank() != 2) {
            throw new IllegalArgumentException("transpose: needs a 2-D tensor, got shape " + a.shape());
        }
        return Variable.op("transpose", a.value().transpose(), g -> new Tensor[] {g.transpose()}, a);
    }

    // ------------------------------------------------------------------ activations

    /**
     * Logistic sigmoid {@code y = 1/(1 + e^-a)} (lecture eq. 1.15), computed without overflow for large |a|.
     * Backward: {@code da = g·y·(1 - y)}; at most {@code g/4}, and near 0 when the unit saturates (the vanishing
     * gradient of lecture §2.1).
     *
     * @param a the operand
     * @return the activations, in [0, 1]
     */
    public static Variable sigmoid(Variable a) {
        Tensor y = Elementwise.map(a.value(), Elementwise::sigmoid);
        return Variable.op("sigmoid", y, g -> new Tensor[] {Elementwise.zip(g, y, (gi, yi) -> gi * yi * (1 - yi))}, a);
    }

    /**
     * Hyperbolic tangent {@code y = (e^a - e^-a)/(e^a + e^-a)} (lecture eq. 1.16). Backward: {@code da = g·(1 - y^2)}.
     *
     * @param a the operand
     * @return the activations, in [-1, 1]
     */
    public static Variable tanh(Variable a) {
        Tensor y = Elementwise.map(a.value(), Math::tanh);
        return Variable.op("tanh", y, g -> new Tensor[] {Elementwise.zip(g, y, (gi, yi) -> gi * (1 - yi * yi))}, a);
    }

    /**
     * Rectified linear unit {@code y = max(a, 0)} (NaN gives 0). Backward: {@code da = g} where {@code a > 0}, else 0
     * (relu'(0) = 0, as in PyTorch).
     *
     * @param a the operand
     * @return the activations
     */
    public static Variable relu(Variable a) {
        Tensor y = Elementwise.relu(a.value());
        return Variable.op("relu", y, g -> new Tensor[] {Elementwise.reluBackward(g, y)}, a);
    }

    /**
     * Leaky ReLU {@code y = a > 0 ? a : slope·a}: lecture eq. 1.17 with a fixed, not learned, slope.
     * Backward: {@code da = g} where {@code a > 0}, {@code slope·g} elsewhere (including at 0).
     *
     * @param a the operand
     * @param slope the slope for non-positive inputs
     * @return the activations
     */
    public static Variable leakyRelu(Variable a, double slope) {
        Tensor x = a.value();
        return Variable.op("leakyRelu", Elementwise.map(x, v -> v > 0 ? v : slope * v),
                g -> new Tensor[] {Elementwise.zip(g, x, (gi, xi) -> xi > 0 ? gi : slope * gi)}, a);
    }

    /**
     * Parametric ReLU (lecture eq. 1.17) {@code y = x > 0 ? x : alpha·x}, with alpha of shape [1] (shared) or [C] (one
     * per channel, the channel being dimension 1 of x, as in PyTorch). Backward: {@code dx = x > 0 ? g : alpha·g};
     * {@code dalpha = sum of g·x where x <= 0}, over the batch (and over the channels when alpha is shared).
     *
     * @param x the input; at least 2-D when alpha is per channel
     * @param alpha the learnable slopes, {@code [1]} or {@code [C]}, of the same dtype
     * @return the activations, in x's shape
     * @throws IllegalArgumentException if alpha's shape does not fit x or the dtypes differ
     */
    public static Variable prelu(Variable x, Variable alpha) {
        Tensor xv = x.value();
        Tensor av = alpha.value();
        Elementwise.requireSameDType("prelu", xv, av);
        boolean shared = av.rank() == 1 && av.dim(0) == 1;
        if (!shared && (av.rank() != 1 || xv.rank() < 2 || xv.dim(1) != av.dim(0))) {
            throw new IllegalArgumentException("prelu: alpha " + av.shape() + " does not fit input " + xv.shape()
                    + " (need [1] or [channels] with channels = dimension 1 of the input)");
        }
        // alpha seen as [C, 1, ..., 1] broadcasts over dimension 1 of x (or as [1] over everything)
        int[] ab = new int[shared ? 1 : xv.rank() - 1];
        Arrays.fill(ab, 1);
        ab[0] = av.dim(0);
        Tensor a = av.reshape(ab);
        Tensor negPart = Elementwise.map(xv, v -> v > 0 ? 0.0 : v);
        Tensor y = Elementwise.binary(Binary.ADD, Elementwise.relu(xv),
                Elementwise.binary(Binary.MUL, negPart, a, "prelu"), "prelu");
        return Variable.op("prelu", y, g -> new Tensor[] {
            x.requiresGrad() ? Elementwise.binary(Binary.ADD, Elementwise.reluBackward(g, xv), Elementwise.binary(
                    Binary.MUL, Elementwise.zip(g, xv, (gi, xi) -> xi > 0 ? 0.0 : gi), a, "prelu"), "prelu") : null,
            alpha.requiresGrad() ? Reductions.sumToShape(Elementwise.binary(Binary.MUL, g, negPart, "prelu"),
                    Shape.of(ab)).reshape(av.shape().dims()) : null}, x, alpha);
    }

    /**
     * ELU {@code y = a > 0 ? a : alpha·(e^a - 1)}. Backward: {@code da = g} where {@code a > 0}, {@code g·alpha·e^a}
     * elsewhere.
     *
     * @param a the operand
     * @param alpha the scale of the negative part (its limit is {@code -alpha})
     * @return the activations
     */
    public static Variable elu(Variable a, double alpha) {
        Tensor x = a.value();
        return Variable.op("elu", Elementwise.map(x, v -> v > 0 ? v : alpha * Math.expm1(v)),
                g -> new Tensor[] {Elementwise.zip(g, x, (gi, xi) -> xi > 0 ? gi : gi * alpha * Math.exp(xi))}, a);
    }

    /**
     * GELU, exact form {@code y = a·Phi(a)} with {@code Phi(a) = (1 + erf(a/sqrt 2))/2} the standard normal
     * distribution function (PyTorch's default, not the tanh approximation). Backward:
     * {@code da = g·(Phi(a) + a·phi(a))} with phi the standard normal density.
     *
     * @param a the operand
     * @return the activations
     */
    public static Variable gelu(Variable a) {
        Tensor x = a.value();
        return Variable.op("gelu", Elementwise.map(x, v -> v * Erf.normalCdf(v)),
                g -> new Tensor[] {Elementwise.zip(g, x,
                        (gi, xi) -> gi * (Erf.normalCdf(xi) + xi * Erf.normalPdf(xi)))}, a);
    }

    /**
     * SiLU (swish) {@code y = a·sigmoid(a)}. Backward: {@code da = g·s·(1 + a·(1 - s))} with {@code s = sigmoid(a)}.
     *
     * @param a the operand
     * @return the activations
     */
    public static Variable silu(Variable a) {
        Tensor x = a.value();
        return Variable.op("silu", Elementwise.map(x, v -> v * Elementwise.sigmoid(v)),
                g -> new Tensor[] {Elementwise.zip(g, x, (gi, xi) -> {
                    double s = Elementwise.sigmoid(xi);
                    return gi * s * (1 + xi * (1 - s));
                })}, a);
    }

    /**
     * Batch normalization with the batch's own statistics (training): per feature j of x [N, F],
     * {@code x̂ = (x - μ_j)/√(σ²_j + eps)} with the batch mean μ and biased variance σ², and
     * {@code y = γ_j·x̂ + β_j}. Backward, with {@code s = 1/√(σ² + eps)}:
     * {@code dx = γ·s/N·(N·g - Σ_i g - x̂·Σ_i g·x̂)}, {@code dγ = Σ_i g·x̂}, {@code dβ = Σ_i g} (the statistics
     * depend on x, hence the two correction terms). Arithmetic in double precision, rounded to x's dtype.
     *
     * @param x the batch [N, F], N at least 2
     * @param gamma the scales γ [F]
     * @param beta the shifts β [F]
     * @param eps added to the variance
     * @param meanOut filled with the batch means μ (for the running statistics)
     * @param varOut filled with the biased batch variances σ²
     * @return y, of x's shape and dtype
     * @throws IllegalArgumentException for a shape that is not [N, F] with N &gt;= 2, or parameters not [F]
     */
    public static Variable batchNorm(Variable x, Variable gamma, Variable beta, double eps, double[] meanOut,
            double[] varOut) {
        checkBatchNorm(x, gamma, beta);
        if (x.value().dim(0) < 2) {
            throw new IllegalArgumentException("batch_norm with batch statistics needs at least 2 samples, got input "
                    + x.value().shape());
        }
        BatchNorm.columnStatistics(x.value(), meanOut, varOut);
        return batchNorm(x, gamma, beta, meanOut, varOut, eps, true);
    }

    /**
     * Batch normalization with fixed statistics (evaluation: the running mean and variance):
     * {@code y = γ·(x - mean)/√(var + eps) + β} per feature. Backward: {@code dx = γ·g/√(var + eps)},
     * {@code dγ = Σ_i g·x̂}, {@code dβ = Σ_i g}.
     *
     * @param x the batch [N, F]
     * @param gamma the scales γ [F]
     * @param beta the shifts β [F]
     * @param mean the F means subtracted
     * @param var the F variances
     * @param eps added to the variance
     * @return y, of x's shape and dtype
     * @throws IllegalArgumentException for a shape that is not [N, F], or parameters not [F]
     */
    public static Variable batchNorm(Variable x, Variable gamma, Variable beta, Tensor mean, Tensor var, double eps) {
        checkBatchNorm(x, gamma, beta);
        return batchNorm(x, gamma, beta, mean.toDoubleArray(), var.toDoubleArray(), eps, false);
    }

    private static void checkBatchNorm(Variable x, Variable gamma, Variable beta) {
        Tensor xv = x.value();
        if (xv.rank() != 2 || gamma.value().rank() != 1 || gamma.value().dim(0) != xv.dim(1)
                || !beta.value().shape().equals(gamma.value().shape())) {
            throw new IllegalArgumentException("batch_norm: input " + xv.shape() + ", weight " + gamma.shape()
                    + " and bias " + beta.shape() + " do not fit (need x [N, F], weight and bias [F])");
        }
    }

    private static Variable batchNorm(Variable x, Variable gamma, Variable beta, double[] mean, double[] var,
            double eps, boolean batchStatistics) {
        Tensor xv = x.value();
        int f = xv.dim(1);
        double[] invStd = new double[f];
        for (int j = 0; j < f; j++) {
            invStd[j] = 1 / Math.sqrt(var[j] + eps);
        }
        double[] g = gamma.value().toDoubleArray();
        double[] xhat = new double[xv.size()];
        Tensor y = BatchNorm.forward(xv, mean, invStd, g, beta.value().toDoubleArray(), xhat);
        DType dtype = xv.dtype();
        return Variable.op("batch_norm", y, dy -> {
            double[] dGamma = new double[f];
            double[] dBeta = new double[f];
            Tensor dx = BatchNorm.backward(dy, xhat, g, invStd, batchStatistics, dGamma, dBeta);
            return new Tensor[] {dx, Tensor.of(dtype, dGamma, f), Tensor.of(dtype, dBeta, f)};
        }, x, gamma, beta);
    }

    /**
     * Multiplies x element-wise by a fixed mask: {@code y = x ⊙ m}; backward {@code dx = g ⊙ m}. With m holding
     * 0 for dropped units and 1/(1 - p) for kept ones, this is inverted dropout (the mask is drawn by
     * {@code nn.Dropout}).
     *
     * @param x the input
     * @param mask the mask, of x's shape and dtype
     * @return x ⊙ mask
     * @throws IllegalArgumentException when the shapes or dtypes differ
     */
    public static Variable dropout(Variable x, Tensor mask) {
        if (!x.value().shape().equals(mask.shape())) {
            throw new IllegalArgumentException("dropout: mask " + mask.shape() + " does not match input "
                    + x.value().shape());
        }
        Elementwise.requireSameDType("dropout", x.value(), mask);
        return Variable.op("dropout", Elementwise.binary(Binary.MUL, x.value(), mask, "dropout"),
                g -> new Tensor[] {Elementwise.binary(Binary.MUL, g, mask, "dropout")}, x);
    }

    /**
     * Softmax along the last axis, {@code y_j = exp(a_j - m) / sum_k exp(a_k - m)} with {@code m} the row maximum.
     * Backward, per row: {@code da = y·(g - sum_j g_j·y_j)}.
     *
     * @param a the logits, rank at least 1
     * @return the probabilities, each row summing to 1
     * @throws IllegalArgumentException if {@code a} is a scalar
     */
    public static Variable softmax(Variable a) {
        Tensor y = Reductions.softmaxLastAxis(a.value());
        return Variable.op("softmax", y, g -> new Tensor[] {softmaxBackward(g, y)}, a);
    }

    private static Tensor softmaxBackward(Tensor g, Tensor y) {
        int c = y.dim(-1);
        int rows = c == 0 ? 0 : y.size() / c;
        Tensor dx = Tensor.zeros(g.dtype(), g.shape());
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            for (int j = 0; j < c; j++) {
                dot += g.getFlat(r * c + j) * y.getFlat(r * c + j);
            }
            for (int j = 0; j < c; j++) {
                int i = r * c + j;
                dx.setFlat(i, y.getFlat(i) * (g.getFlat(i) - dot));
            }
        }
        return dx;
    }

    /**
     * Log-softmax along the last axis, {@code y_j = a_j - m - log sum_k exp(a_k - m)} with {@code m} the row maximum.
     * Backward, per row: {@code da = g - softmax(a)·sum_j g_j}.
     *
     * @param a the logits, rank at least 1
     * @return the log-probabilities
     * @throws IllegalArgumentException if {@code a} is a scalar
     */
    public static Variable logSoftmax(Variable a) {
        Tensor y = Reductions.logSoftmaxLastAxis(a.value());
        return Variable.op("logSoftmax", y, g -> {
            int c = y.dim(-1);
            int rows = c == 0 ? 0 : y.size() / c;
            Tensor dx = Tensor.zeros(g.dtype(), g.shape());
            for (int r = 0; r < rows; r++) {
                double gs = 0;
                for (int j = 0; j < c; j++) {
                    gs += g.getFlat(r * c + j);
                }
                for (int j = 0; j < c; j++) {
                    int i = r * c + j;
                    dx.setFlat(i, g.getFlat(i) - Math.exp(y.getFlat(i)) * gs);
                }
            }
            return new Tensor[] {dx};
        }, a);
    }

    // ------------------------------------------------------------------ losses

    /**
     * Cross-entropy of softmax(logits) against integer labels, fused and stable:
     * {@code loss_i = logsumexp(x_i) - x_i[label_i]} with the row maximum subtracted first (finite for logits of
     * ±1000), combined over the N rows by {@code reduction}. Its backward is where backpropagation starts: dL/dy
     * for the network output y, the first factor of the lecture's eqs. 1.3 and 1.8.
     * Backward: {@code dx = (softmax(x) - onehot(label))·g/N} for MEAN, without {@code /N} for SUM.
     *
     * @param logits the unnormalised scores {@code [N, C]}
     * @param labels N class indices in {@code [0, C)} (copied)
     * @param reduction MEAN (divide by N) or SUM
     * @return the loss, a scalar
     * @throws IllegalArgumentException if logits is not 2-D, there is not one label per row, or a label is out of range
     * @throws NullPointerException if {@code reduction} is null
     */
    public static Variable softmaxCrossEntropy(Variable logits, int[] labels, Reduction reduction) {
        Tensor x = logits.value();
        if (x.rank() != 2) {
            throw new IllegalArgumentException("softmaxCrossEntropy: logits must be [N, C], got shape " + x.shape());
        }
        int n = x.dim(0);
        int c = x.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("softmaxCrossEntropy: logits " + x.shape() + " and " + labels.length
                    + " labels: need one label per row");
        }
        for (int r = 0; r < n; r++) {
            if (labels[r] < 0 || labels[r] >= c) {
                throw new IllegalArgumentException("softmaxCrossEntropy: label " + labels[r] + " of row " + r
                        + " is out of range for " + c + " classes");
            }
        }
        Tensor logp = Reductions.logSoftmaxLastAxis(x);
        double total = 0;
        for (int r = 0; r < n; r++) {
            total -= logp.getFlat(r * c + labels[r]);
        }
        Objects.requireNonNull(reduction, "reduction");
        double div = reduction == Reduction.MEAN ? n : 1;
        Tensor out = Tensor.scalar(x.dtype(), total / div);
        int[] lab = labels.clone();
        return Variable.op("softmaxCrossEntropy", out, g -> {
            double s = g.item() / div;
            Tensor dx = Tensor.zeros(x.dtype(), x.shape());
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < c; j++) {
                    int i = r * c + j;
                    dx.setFlat(i, s * (Math.exp(logp.getFlat(i)) - (j == lab[r] ? 1.0 : 0.0)));
                }
            }
            return new Tensor[] {dx};
        }, logits);
    }

    /**
     * Squared error {@code sum_i (pred_i - target_i)^2}, divided by the number of elements for MEAN.
     * Backward: {@code dpred = 2·(pred - target)·g/n} ({@code n = 1} for SUM).
     *
     * @param pred the predictions
     * @param target the targets, of the same shape (any dtype; converted to pred's); no gradient
     * @param reduction MEAN (divide by the element count) or SUM
     * @return the loss, a scalar
     * @throws IllegalArgumentException if the shapes differ
     * @throws NullPointerException if {@code reduction} is null
     */
    public static Variable mse(Variable pred, Tensor target, Reduction reduction) {
        Tensor p = pred.value();
        if (!p.shape().equals(target.shape())) {
            throw new IllegalArgumentException("mse: prediction " + p.shape() + " and target " + target.shape()
                    + " differ");
        }
        Tensor diff = Elementwise.binary(Binary.SUB, p, target.to(p.dtype()), "mse");
        double ss = 0;
        for (int i = 0; i < diff.size(); i++) {
            double d = diff.getFlat(i);
            ss += d * d;
        }
        Objects.requireNonNull(reduction, "reduction");
        double div = reduction == Reduction.MEAN ? p.size() : 1;
        Tensor out = Tensor.scalar(p.dtype(), ss / div);
        return Variable.op("mse", out, g -> new Tensor[] {Elementwise.scale(diff, 2.0 * g.item() / div)}, pred);
    }

    /**
     * Binary cross-entropy on logits, {@code -t·log(sigmoid(x)) - (1 - t)·log(1 - sigmoid(x))} per element, computed
     * in the stable form {@code max(x, 0) - x·t + log(1 + e^-|x|)}. Backward: {@code dx = (sigmoid(x) - t)·g/n}
     * ({@code n} the number of elements for MEAN, 1 for SUM).
     *
     * @param logits the unnormalised scores
     * @param targets the targets in [0, 1], of the same shape (not copied: they are read again by the backward pass)
     * @param reduction MEAN (divide by the element count) or SUM
     * @return the loss, a scalar
     * @throws IllegalArgumentException if the shapes differ
     * @throws NullPointerException if {@code reduction} is null
     */
    public static Variable bceWithLogits(Variable logits, Tensor targets, Reduction reduction) {
        Tensor x = logits.value();
        if (!x.shape().equals(targets.shape())) {
            throw new IllegalArgumentException("bceWithLogits: logits " + x.shape() + " and targets "
                    + targets.shape() + " differ");
        }
        double total = 0;
        for (int i = 0; i < x.size(); i++) {
            double v = x.getFlat(i);
            double t = targets.getFlat(i);
            total += Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
        }
        Objects.requireNonNull(reduction, "reduction");
        double div = reduction == Reduction.MEAN ? x.size() : 1;
        Tensor out = Tensor.scalar(x.dtype(), total / div);
        return Variable.op("bceWithLogits", out, g -> {
            double s = g.item() / div;
            Tensor dx = Tensor.zeros(x.dtype(), x.shape());
            for (int i = 0; i < x.size(); i++) {
                dx.setFlat(i, s * (Elementwise.sigmoid(x.getFlat(i)) - targets.getFlat(i)));
            }
            return new Tensor[] {dx};
        }, logits);
    }
}
