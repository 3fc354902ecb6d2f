package dev.backprop.nn.init;

import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.Role;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Gains, per-role defaults and the command-line forms of the {@link Initializer}s.
 *
 * <p>The gain g of a nonlinearity φ is the factor that keeps the variance of activations constant from layer to
 * layer when weights have variance g²/fan: for ReLU half of the inputs are zeroed, so g = √2 (He et al., 2015).
 */
public final class Init {
    /** The command-line forms accepted by {@link #parse}. */
    public static final String CHOICES = "he-normal|he-uniform|xavier-normal|xavier-uniform|lecun-normal|lecun-uniform"
            + "|orthogonal|normal:STD|uniform:A|constant:V";

    private static final Object SEEDS_LOCK = new Object();
    private static SplittableRandom seeds = new SplittableRandom(0);

    private Init() {}

    /**
     * Restarts the sequence of seeds that directly constructed layers ({@code new Linear(784, 256)}) draw their
     * initialization from, as PyTorch's {@code torch.manual_seed} does: after {@code manualSeed(s)} the same
     * construction order gives the same weights. The sequence starts as if {@code manualSeed(0)} had been called.
     *
     * @param seed the seed
     */
    public static void manualSeed(long seed) {
        synchronized (SEEDS_LOCK) {
            seeds = new SplittableRandom(seed);
        }
    }

    /**
     * The next seed of the sequence restarted by {@link #manualSeed} (thread-safe; each call gives a new one).
     *
     * @return a seed for one layer's initialization
     */
    public static long nextSeed() {
        synchronized (SEEDS_LOCK) {
            return seeds.nextLong();
        }
    }

    /**
     * The gain of a nonlinearity: see {@link ActivationKind#gain}.
     *
     * @param activation the nonlinearity
     * @param param its parameter (leaky ReLU's and PReLU's slope), or NaN for its default
     * @return the gain g (√2 for ReLU, 5/3 for tanh, 1 for the sigmoid and the identity, ...)
     */
    public static double gain(ActivationKind activation, double param) {
        return activation.gain(param);
    }

    /**
     * The default initializer for a parameter: weights followed by a ReLU-family activation get He-normal
     * (Kaiming normal, fan-in, gain of that activation); other weights (sigmoid, tanh, none) get Xavier-uniform with
     * the activation's gain; biases and batch-norm shifts 0; batch-norm scales 1; PReLU slopes 0.25.
     *
     * @param role the parameter's role
     * @param activation the nonlinearity that follows the layer, or null (or IDENTITY) when none does
     * @return the initializer
     */
    public static Initializer defaultFor(Role role, ActivationKind activation) {
        return switch (role) {
            case BIAS, BN_SHIFT -> new Initializer.Constant(0.0);
            case BN_SCALE -> new Initializer.Constant(1.0);
            case PRELU_ALPHA -> new Initializer.Constant(0.25);
            case WEIGHT -> {
                ActivationKind act = activation == null ? ActivationKind.IDENTITY : activation;
                double g = act.gain();
                yield act.isReluLike()
                        ? new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, g)
                        : new Initializer.XavierUniform(g);
            }
        };
    }

    /**
     * Parses a command-line form for weights that feed the given activation: he-normal and he-uniform use the
     * activation's gain (√2 for ReLU) with fan-in, xavier-* use it too; normal:STD is N(0, STD²), uniform:A is
     * U(−A, A), constant:V sets every weight to V; lecun-* take no gain.
     *
     * @param text the form, any case, e.g. "he-normal" or "normal:0.01"
     * @param activation the nonlinearity the weights feed, whose gain the scaled forms use; null means ReLU
     * @return the initializer
     * @throws IllegalArgumentException naming the bad text and listing {@link #CHOICES}
     */
    public static Initializer parse(String text, ActivationKind activation) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        double g = (activation == null ? ActivationKind.RELU : activation).gain();
        int colon = s.indexOf(':');
        String head = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        try {
            Initializer init = switch (head) {
                case "he-normal" -> new Initializer.KaimingNormal(Initializer.Mode.FAN_IN, g);
                case "he-uniform" -> new Initializer.KaimingUniform(Initializer.Mode.FAN_IN, g);
                case "xavier-normal" -> new Initializer.XavierNormal(g);
                case "xavier-uniform" -> new Initializer.XavierUniform(g);
                case "lecun-normal" -> new Initializer.LecunNormal();
                case "lecun-uniform" -> new Initializer.LecunUniform();
                case "orthogonal" -> new Initializer.Orthogonal(g);
                case "normal" -> new Initializer.Normal(0.0, number(arg));
                case "uniform" -> new Initializer.Uniform(-number(arg), number(arg));
                case "constant" -> new Initializer.Constant(number(arg));
                default -> null;
            };
            boolean needsArg = head.equals("normal") || head.equals("uniform") || head.equals("constant");
            if (init != null && (arg == null) == needsArg) {
                throw new IllegalArgumentException(head + " takes no argument");
            }
            if (init != null) {
                return init;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid initializer '" + text + "' (" + e.getMessage()
                    + "); valid: " + CHOICES, e);
        }
        throw new IllegalArgumentException("unknown initializer '" + text + "'; valid: " + CHOICES);
    }

    /**
     * {@link #parse(String, ActivationKind)} for weights feeding a ReLU (gain √2).
     *
     * @param text the form
     * @return the initializer
     * @throws IllegalArgumentException naming the bad text and listing {@link #CHOICES}
     */
    public static Initializer parse(String text) {
        return parse(text, ActivationKind.RELU);
    }

    private static double number(String arg) {
        if (arg == null) {
            throw new IllegalArgumentException("missing number after ':'");
        }
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + arg + "'");
        }
    }
}
