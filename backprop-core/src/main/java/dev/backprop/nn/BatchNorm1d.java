package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the batch dimension of x [N, F] (Ioffe and Szegedy, 2015), as PyTorch's BatchNorm1d.
 *
 * <p>Training: μ_j = (1/N) Σ_i x_ij, σ²_j = (1/N) Σ_i (x_ij − μ_j)² (biased), x̂ = (x − μ)/√(σ² + ε),
 * y = γ·x̂ + β; the running statistics become r_μ ← (1 − m)·r_μ + m·μ and r_σ² ← (1 − m)·r_σ² + m·σ²·N/(N − 1)
 * (unbiased). Evaluation: x̂ = (x − r_μ)/√(r_σ² + ε). The op and its backward are {@code Ops.batchNorm}
 * (training mode, with s = 1/√(σ² + ε) and g = dL/dy·γ:
 * dL/dx = (s/N)·(N·g − Σ_i g − x̂·Σ_i g·x̂), dL/dγ = Σ_i dL/dy·x̂, dL/dβ = Σ_i dL/dy; in evaluation dL/dx = g·s).
 *
 * <p>State names as in PyTorch: weight (γ, {@link Role#BN_SCALE}), bias (β, {@link Role#BN_SHIFT}),
 * buffers running_mean, running_var and num_batches_tracked (saved as an F64 scalar; PyTorch uses int64, and
 * loads it either way). Arithmetic is done in double precision and rounded to the layer's dtype.
 */
public final class BatchNorm1d extends Module {
    private final int features;
    private final double eps;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked = Tensor.scalar(DType.F64, 0);

    /**
     * A batch-norm layer with γ = 1, β = 0, running mean 0 and running variance 1.
     *
     * @param features the number of features F
     * @param eps ε &gt; 0, added to the variance
     * @param momentum m in [0, 1], the update rate of the running statistics (PyTorch's meaning, not Keras')
     * @param dtype the dtype of the parameters and buffers
     * @throws IllegalArgumentException if {@code features} or {@code eps} is not positive, or {@code momentum} is
     *     outside [0, 1]
     */
    public BatchNorm1d(int features, double eps, double momentum, DType dtype) {
        if (features <= 0) {
            throw new IllegalArgumentException("BatchNorm1d needs features >= 1, got " + features);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("invalid batch-norm eps: " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("invalid batch-norm momentum: " + momentum + " (must be in [0, 1])");
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = Parameter.of("weight", Role.BN_SCALE, Tensor.ones(dtype, features));
        this.bias = Parameter.of("bias", Role.BN_SHIFT, Tensor.zeros(dtype, features));
        this.runningMean = Tensor.zeros(dtype, features);
        this.runningVar = Tensor.ones(dtype, features);
    }

    /**
     * A batch-norm layer with PyTorch's defaults: eps = 1e-5, momentum = 0.1.
     *
     * @param features the number of features F
     * @param dtype the dtype of the parameters and buffers
     * @throws IllegalArgumentException if {@code features} is not positive
     */
    public BatchNorm1d(int features, DType dtype) {
        this(features, 1e-5, 0.1, dtype);
    }

    /**
     * The scale.
     *
     * @return γ, of shape [F]
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * The shift.
     *
     * @return β, of shape [F]
     */
    public Parameter bias() {
        return bias;
    }

    /**
     * The running mean r_μ, used in evaluation mode.
     *
     * @return the live buffer, of shape [F]
     */
    public Tensor runningMean() {
        return runningMean;
    }

    /**
     * The running (unbiased) variance r_σ², used in evaluation mode.
     *
     * @return the live buffer, of shape [F]
     */
    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public Variable forward(Variable x) {
        Tensor in = x.value();
        if (in.rank() != 2 || in.dim(1) != features) {
            throw new IllegalArgumentException(describe() + " got input of shape " + in.shape()
                    + ", expected [N, " + features + "]");
        }
        int n = in.dim(0);
        if (isTraining() && n < 2) {
            throw new IllegalArgumentException(describe() + " in training mode needs more than one sample per "
                    + "feature, got input of shape " + in.shape());
        }
        if (!isTraining()) {
            return Ops.batchNorm(x, weight.variable(), bias.variable(), runningMean, runningVar, eps);
        }
        double[] mean = new double[features];
        double[] var = new double[features];
        Variable y = Ops.batchNorm(x, weight.variable(), bias.variable(), eps, mean, var);
        updateRunning(mean, var, n);
        return y;
    }

    private void updateRunning(double[] mean, double[] var, int n) {
        for (int j = 0; j < features; j++) {
            runningMean.setFlat(j, (1 - momentum) * runningMean.getFlat(j) + momentum * mean[j]);
            double unbiased = var[j] * n / (n - 1);
            runningVar.setFlat(j, (1 - momentum) * runningVar.getFlat(j) + momentum * unbiased);
        }
        numBatchesTracked.setFlat(0, numBatchesTracked.getFlat(0) + 1);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put("running_mean", runningMean);
        b.put("running_var", runningVar);
        b.put("num_batches_tracked", numBatchesTracked);
        return b;
    }

    @Override
    public LayerSpec.BatchNorm1d spec() {
        return new LayerSpec.BatchNorm1d(features, eps, momentum);
    }

    @Override
    public String describe() {
        return "BatchNorm1d(" + features + ")";
    }
}
