package dev.backprop.kernel;

import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;

/**
 * The loops of batch normalization over the rows of x [N, F], per feature (column) j, in double precision whatever
 * the tensors' dtype (results are rounded to it once): the statistics μ_j and σ²_j, the forward
 * x̂ = (x − μ)·s with s = 1/√(σ² + ε) and y = γ·x̂ + β, and the backward
 * dx = γ·s/N·(N·g − Σ_i g − x̂·Σ_i g·x̂) (batch statistics) or dx = γ·s·g (fixed statistics). Every loop runs over
 * the row-major arrays with the feature index innermost, so the JIT vectorizes it; sums run over the rows in order,
 * so results do not depend on the thread count.
 */
public final class BatchNorm {
    private BatchNorm() {
    }

    /**
     * The biased batch statistics of each column: {@code mean[j] = Σ_i x_ij / N}, {@code var[j] = Σ_i (x_ij − mean_j)² / N}.
     *
     * @param x the batch [N, F]
     * @param mean filled with the F means
     * @param var filled with the F biased variances
     */
    public static void columnStatistics(Tensor x, double[] mean, double[] var) {
        int n = x.dim(0);
        int f = x.dim(1);
        double[] row = new double[f];
        java.util.Arrays.fill(mean, 0, f, 0);
        java.util.Arrays.fill(var, 0, f, 0);
        for (int i = 0; i < n; i++) {
            readRow(x, i, row);
            for (int j = 0; j < f; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            readRow(x, i, row);
            for (int j = 0; j < f; j++) {
                double d = row[j] - mean[j];
                var[j] += d * d;
            }
        }
        for (int j = 0; j < f; j++) {
            var[j] /= n;
        }
    }

    /**
     * The forward pass: {@code xhat = (x − mean)·invStd} and {@code y = gamma·xhat + beta}, per column.
     *
     * @param x the batch [N, F]
     * @param mean the F means subtracted
     * @param invStd the F factors 1/√(σ² + ε)
     * @param gamma the F scales γ
     * @param beta the F shifts β
     * @param xhat filled with the N·F normalized values (row-major)
     * @return y, of x's dtype and shape
     */
    public static Tensor forward(Tensor x, double[] mean, double[] invStd, double[] gamma, double[] beta,
            double[] xhat) {
        int n = x.dim(0);
        int f = x.dim(1);
        Tensor y = Tensor.zeros(x.dtype(), n, f);
        double[] row = new double[f];
        double[] out = new double[f];
        for (int i = 0; i < n; i++) {
            readRow(x, i, row);
            int o = i * f;
            for (int j = 0; j < f; j++) {
                double h = (row[j] - mean[j]) * invStd[j];
                xhat[o + j] = h;
                out[j] = gamma[j] * h + beta[j];
            }
            writeRow(y, i, out);
        }
        return y;
    }

    /**
     * The backward pass: fills {@code dGamma[j] = Σ_i g_ij·x̂_ij} and {@code dBeta[j] = Σ_i g_ij} and returns dL/dx.
     *
     * @param g dL/dy [N, F]
     * @param xhat the normalized input of the forward pass (row-major N·F)
     * @param gamma the F scales γ
     * @param invStd the F factors s = 1/√(σ² + ε)
     * @param batchStatistics whether the forward pass used the batch's own statistics (training), which then depend
     *     on x; false for fixed running statistics (evaluation)
     * @param dGamma filled with dL/dγ
     * @param dBeta filled with dL/dβ
     * @return dL/dx, of g's dtype and shape
     */
    public static Tensor backward(Tensor g, double[] xhat, double[] gamma, double[] invStd, boolean batchStatistics,
            double[] dGamma, double[] dBeta) {
        int n = g.dim(0);
        int f = g.dim(1);
        double[] row = new double[f];
        java.util.Arrays.fill(dGamma, 0, f, 0);
        java.util.Arrays.fill(dBeta, 0, f, 0);
        for (int i = 0; i < n; i++) {
            readRow(g, i, row);
            int o = i * f;
            for (int j = 0; j < f; j++) {
                dBeta[j] += row[j];
                dGamma[j] += row[j] * xhat[o + j];
            }
        }
        Tensor dx = Tensor.zeros(g.dtype(), n, f);
        double[] out = new double[f];
        for (int i = 0; i < n; i++) {
            readRow(g, i, row);
            int o = i * f;
            if (batchStatistics) {
                for (int j = 0; j < f; j++) {
                    out[j] = gamma[j] * invStd[j] / n * (n * row[j] - dBeta[j] - xhat[o + j] * dGamma[j]);
                }
            } else {
                for (int j = 0; j < f; j++) {
                    out[j] = gamma[j] * invStd[j] * row[j];
                }
            }
            writeRow(dx, i, out);
        }
        return dx;
    }

    private static void readRow(Tensor t, int i, double[] row) {
        int f = row.length;
        int o = t.offset() + i * f;
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            for (int j = 0; j < f; j++) {
                row[j] = a[o + j];
            }
        } else {
            System.arraycopy(t.f64(), o, row, 0, f);
        }
    }

    private static void writeRow(Tensor t, int i, double[] row) {
        int f = row.length;
        int o = t.offset() + i * f;
        if (t.dtype() == DType.F32) {
            float[] a = t.f32();
            for (int j = 0; j < f; j++) {
                a[o + j] = (float) row[j];
            }
        } else {
            System.arraycopy(row, 0, t.f64(), o, f);
        }
    }
}
