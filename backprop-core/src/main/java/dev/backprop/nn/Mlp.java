package dev.backprop.nn;

import dev.backprop.nn.init.Init;
import dev.backprop.nn.init.Initializer;
import dev.backprop.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-layer perceptrons: Linear-[BatchNorm1d]-activation-[Dropout] for every hidden layer, then a final Linear
 * producing logits (no activation: the loss applies softmax or sigmoid).
 */
public final class Mlp {
    private Mlp() {}

    /**
     * The layer specs of an MLP with layer widths {@code sizes} (input, hidden…, output).
     *
     * @param activation an activation kind (see {@link Activation#KINDS}) or "prelu" (one slope per feature)
     * @param dropout drop probability after each hidden activation; 0 for none
     * @param batchNorm whether to normalize each hidden Linear's output (the Linear then has no bias, which the
     *     batch-norm shift would cancel)
     */
    public static List<LayerSpec> specs(int[] sizes, String activation, double dropout, boolean batchNorm) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output sizes, got " + sizes.length);
        }
        List<LayerSpec> specs = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            boolean last = i + 2 == sizes.length;
            specs.add(new LayerSpec.Linear(sizes[i], sizes[i + 1], last || !batchNorm));
            if (last) {
                break;
            }
            if (batchNorm) {
                specs.add(new LayerSpec.BatchNorm1d(sizes[i + 1], 1e-5, 0.1));
            }
            specs.add(activation.equalsIgnoreCase("prelu")
                    ? new LayerSpec.PReLU(sizes[i + 1])
                    : Activation.of(activation, defaultParam(activation)).spec());
            if (dropout > 0) {
                specs.add(new LayerSpec.Dropout(dropout));
            }
        }
        return specs;
    }

    /**
     * Builds the MLP of {@link #specs}. With {@code weightInit} null every Linear gets {@code Init.defaultFor} its
     * activation; otherwise hidden and output weights all get {@code weightInit} (biases 0). Same seed, same model.
     */
    public static Sequential build(int[] sizes, String activation, double dropout, boolean batchNorm, DType dtype,
            Initializer weightInit, long seed) {
        Sequential net = Sequential.fromSpecs(specs(sizes, activation, dropout, batchNorm), dtype, seed);
        if (weightInit != null) {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
            for (Module m : net.layers()) {
                if (m instanceof Linear l) {
                    l.reset(weightInit, Init.defaultFor(Role.BIAS, activation), rng);
                }
            }
        }
        return net;
    }

    private static double defaultParam(String activation) {
        return switch (activation.toLowerCase(java.util.Locale.ROOT)) {
            case "leaky_relu", "leakyrelu", "leaky-relu" -> 0.01;
            case "elu" -> 1.0;
            default -> 0.0;
        };
    }
}
