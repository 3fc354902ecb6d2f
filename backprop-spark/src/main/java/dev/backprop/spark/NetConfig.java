package dev.backprop.spark;

import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import dev.backprop.nn.init.Init;
import dev.backprop.tensor.DType;
import java.io.Serializable;
import java.util.Locale;

/**
 * The network and local-step settings every task needs, shipped with each round's tasks (a few numbers).
 *
 * @param layers layer widths, input first
 * @param activation hidden activation name ({@link ActivationKind#parse})
 * @param init weight initializer ("default" or an {@link Init#CHOICES} form)
 * @param dropout dropout probability after each hidden activation
 * @param batchNorm batch normalization before each hidden activation
 * @param dtype element type of parameters and arithmetic
 * @param seed the run seed
 * @param batchSize local mini-batch size per partition
 * @param syncEvery local steps per averaging round
 * @param localLr base learning rate of the local SGD steps between averaging rounds (unused when syncEvery is 1;
 *     a schedule scales it round by round as it scales the optimizer's)
 * @param clipNorm clip each local step's gradient to this global L2 norm (0: no clipping; syncEvery &gt; 1 only)
 * @param clipValue clamp each local step's gradient elements to [-clipValue, clipValue] (0: none; syncEvery &gt; 1)
 * @param shuffle visit each shard in a new seeded order every epoch (false: in its row order)
 */
record NetConfig(int[] layers, String activation, String init, double dropout, boolean batchNorm, DType dtype,
                 long seed, int batchSize, int syncEvery, double localLr, double clipNorm, double clipValue,
                 boolean shuffle) implements Serializable {

    /** The MLP these settings describe, its initialization and dropout masks seeded with {@code netSeed}. */
    Mlp mlp(long netSeed) {
        ActivationKind act = ActivationKind.parse(activation);
        Mlp mlp = Mlp.of(layers).activation(act).dropout(dropout).batchNorm(batchNorm).dtype(dtype).seed(netSeed);
        String i = init == null ? "default" : init.trim().toLowerCase(Locale.ROOT);
        return i.equals("default") ? mlp : mlp.weightInit(Init.parse(i, act));
    }

    /** A new network with these settings, seeded with {@code netSeed}. */
    Sequential build(long netSeed) {
        return mlp(netSeed).build();
    }
}
