package dev.backprop.train;

import dev.backprop.autograd.NoGrad;
import dev.backprop.autograd.Variable;
import dev.backprop.data.Batch;
import dev.backprop.data.DataLoader;
import dev.backprop.data.Dataset;
import dev.backprop.kernel.Reductions;
import dev.backprop.nn.Module;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.Arena;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;

/**
 * Scores a model on a data set in evaluation mode (dropout off, batch-norm running statistics) without recording a
 * graph: mean loss, accuracy and confusion matrix.
 *
 * @param loss mean per-sample data loss
 * @param accuracy fraction of samples whose arg-max output equals the label (NaN for regression)
 * @param confusion confusion[true][predicted] counts (empty for regression)
 * @param samples number of samples scored
 */
public record Evaluation(double loss, double accuracy, int[][] confusion, int samples) {

    /**
     * Evaluates {@code model} on {@code data} in batches of {@code batchSize}, in data order; the model's training
     * mode is restored afterwards. For MSE or BCE on classification data the targets are the one-hot labels.
     *
     * @param model the model
     * @param loss the data loss to average
     * @param data the samples to score
     * @param batchSize samples per forward pass
     * @param dtype the dtype the features are converted to (the model's)
     * @return the scores; loss and accuracy are NaN for an empty data set
     */
    public static Evaluation of(Module model, Loss loss, Dataset data, int batchSize, DType dtype) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (NoGrad ignored = NoGrad.enter()) {
            DataLoader loader = DataLoader.sequential(data, batchSize).withDType(dtype);
            boolean classify = data.isClassification();
            int classes = classify ? data.classCount() : 0;
            int[][] confusion = new int[classes][classes];
            double lossSum = 0;
            int correct = 0;
            Arena arena = new Arena(); // each batch's activations reuse the previous batch's buffers
            for (Batch b : loader.epoch(0)) {
                double l;
                int[] pred = null;
                try (Arena batchScope = arena.enter()) {
                    Variable out = model.apply(Variable.constant(b.features()));
                    l = loss.compute(out, b).value().item();
                    if (classify) {
                        pred = Reductions.argmax(out.value(), 1);
                    }
                }
                lossSum += Trainer.perSampleSum(loss, l, b.size());
                if (classify) {
                    for (int i = 0; i < pred.length; i++) {
                        confusion[b.labels()[i]][pred[i]]++;
                        if (pred[i] == b.labels()[i]) {
                            correct++;
                        }
                    }
                }
            }
            int n = data.size();
            return new Evaluation(n == 0 ? Double.NaN : lossSum / n,
                    classify && n > 0 ? (double) correct / n : Double.NaN, confusion, n);
        } finally {
            model.train(wasTraining);
        }
    }
}
