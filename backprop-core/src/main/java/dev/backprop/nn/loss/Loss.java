package dev.backprop.nn.loss;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.data.Batch;
import dev.backprop.tensor.Tensor;
import java.util.Locale;

/**
 * A data loss L(output, targets), computed from raw network outputs (logits) by fused, numerically stable ops.
 * Classification losses take integer labels, regression and binary losses a target tensor; {@link #compute} takes
 * both and uses the one its kind needs.
 */
public sealed interface Loss {

    /**
     * The loss of a batch; its {@code backward()} starts backpropagation (dL/dy, the first factor of the lecture's
     * eqs. 1.3 and 1.8).
     *
     * @param output the network output (logits for the classification losses)
     * @param labels the class indices, one per row, for {@link CrossEntropy}; ignored (may be null) by the others
     * @param targets the target tensor, of the output's shape, for the others; ignored (may be null) by
     *     {@link CrossEntropy}
     * @return the loss, a scalar variable
     * @throws IllegalArgumentException if the labels or targets the loss needs are missing or do not fit the output
     */
    Variable compute(Variable output, int[] labels, Tensor targets);

    /**
     * The loss of a mini-batch: its labels for cross-entropy, its targets for the others; for MSE or BCE on a
     * classification batch (no targets), the one-hot encoding of the labels as targets.
     *
     * @param output the network's output [N, C]
     * @param batch the batch it was computed from
     * @return the loss as a scalar variable
     */
    default Variable compute(Variable output, Batch batch) {
        if (needsLabels() || batch.targets() != null) {
            return compute(output, batch.labels(), batch.targets());
        }
        Tensor out = output.value();
        Tensor t = Tensor.zeros(out.dtype(), out.shape());
        int c = out.dim(1);
        for (int i = 0; i < batch.size(); i++) {
            t.setFlat(i * c + batch.labels()[i], 1.0);
        }
        return compute(output, null, t);
    }

    /**
     * How the per-sample (cross-entropy) or per-element (MSE, BCE) terms are combined.
     *
     * @return MEAN or SUM
     */
    Reduction reduction();

    /**
     * A short name.
     *
     * @return "cross_entropy", "mse" or "bce_with_logits"
     */
    String name();

    /**
     * Whether {@link #compute} needs integer labels rather than a target tensor.
     *
     * @return true for {@link CrossEntropy}
     */
    default boolean needsLabels() {
        return this instanceof CrossEntropy;
    }

    /**
     * Softmax cross-entropy from logits [N, C]: ℓ_n = −log softmax(z_n)_{y_n} = logsumexp(z_n) − z_{n,y_n}, the
     * cross-entropy between the one-hot label and the predicted distribution (cf. the entropy of lecture eq. 1.18).
     * Gradient: dℓ_n/dz_n = softmax(z_n) − onehot(y_n) (divided by N for MEAN).
     *
     * @param reduction MEAN (over the N samples) or SUM
     */
    record CrossEntropy(Reduction reduction) implements Loss {
        @Override
        public Variable compute(Variable output, int[] labels, Tensor targets) {
            if (labels == null) {
                throw new IllegalArgumentException("cross_entropy needs integer labels, got none (output shape "
                        + output.value().shape() + ")");
            }
            return Ops.softmaxCrossEntropy(output, labels, reduction);
        }

        @Override
        public String name() {
            return "cross_entropy";
        }
    }

    /**
     * Squared error Σ_nj (ŷ_nj − t_nj)², divided by the number of elements for MEAN (PyTorch's MSELoss). Gradient:
     * 2·(ŷ − t) (divided by the element count for MEAN).
     *
     * @param reduction MEAN (over all elements) or SUM
     */
    record Mse(Reduction reduction) implements Loss {
        @Override
        public Variable compute(Variable output, int[] labels, Tensor targets) {
            return Ops.mse(output, requireTargets(targets, "mse", output), reduction);
        }

        @Override
        public String name() {
            return "mse";
        }
    }

    /**
     * Binary cross-entropy from logits z and targets t ∈ [0, 1], per element: ℓ = −t·log σ(z) − (1 − t)·log(1 − σ(z)),
     * computed as max(z, 0) − z·t + log(1 + e^(−|z|)). Gradient: σ(z) − t (divided by the element count for MEAN).
     *
     * @param reduction MEAN (over all elements) or SUM
     */
    record BceWithLogits(Reduction reduction) implements Loss {
        @Override
        public Variable compute(Variable output, int[] labels, Tensor targets) {
            return Ops.bceWithLogits(output, requireTargets(targets, "bce_with_logits", output), reduction);
        }

        @Override
        public String name() {
            return "bce_with_logits";
        }
    }

    /** {@return softmax cross-entropy averaged over the batch (PyTorch's {@code nn.CrossEntropyLoss()})} */
    static Loss crossEntropy() {
        return new CrossEntropy(Reduction.MEAN);
    }

    /** {@return mean squared error averaged over all elements (PyTorch's {@code nn.MSELoss()})} */
    static Loss mse() {
        return new Mse(Reduction.MEAN);
    }

    /** {@return binary cross-entropy from logits, averaged (PyTorch's {@code nn.BCEWithLogitsLoss()})} */
    static Loss bceWithLogits() {
        return new BceWithLogits(Reduction.MEAN);
    }

    /**
     * Softmax cross-entropy.
     *
     * @param r the reduction
     * @return a {@link CrossEntropy}
     */
    static Loss crossEntropy(Reduction r) {
        return new CrossEntropy(r);
    }

    /**
     * Squared error.
     *
     * @param r the reduction
     * @return an {@link Mse}
     */
    static Loss mse(Reduction r) {
        return new Mse(r);
    }

    /**
     * Binary cross-entropy on logits.
     *
     * @param r the reduction
     * @return a {@link BceWithLogits}
     */
    static Loss bceWithLogits(Reduction r) {
        return new BceWithLogits(r);
    }

    /**
     * Parses "cross_entropy" (or "ce"), "mse", "bce_with_logits" (or "bce"), any case, '-' for '_', with MEAN
     * reduction.
     *
     * @param text the name
     * @return the loss
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    static Loss parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (s) {
            case "cross_entropy", "ce" -> crossEntropy(Reduction.MEAN);
            case "mse" -> mse(Reduction.MEAN);
            case "bce_with_logits", "bce" -> bceWithLogits(Reduction.MEAN);
            default -> throw new IllegalArgumentException("unknown loss '" + text + "'; valid: cross_entropy|mse|bce_with_logits");
        };
    }

    private static Tensor requireTargets(Tensor targets, String loss, Variable output) {
        if (targets == null) {
            throw new IllegalArgumentException(loss + " needs a target tensor of shape " + output.value().shape()
                    + ", got none");
        }
        return targets;
    }
}
