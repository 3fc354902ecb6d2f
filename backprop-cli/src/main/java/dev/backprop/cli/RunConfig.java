package dev.backprop.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.backprop.data.FashionMnist;
import dev.backprop.kernel.Parallel;
import dev.backprop.nn.ActivationKind;
import dev.backprop.nn.init.Init;
import dev.backprop.optim.OptimizerSpec;
import dev.backprop.optim.Schedule;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Everything that defines a training run (model, optimization, data, run settings): the one typed configuration
 * that the flags of {@code train} and {@code gradcheck}, a {@code --config} file and the run folder's config.json
 * all fill in.
 *
 * <h2>A setting is declared once</h2>
 * Each setting is one public field of this class, and nothing else lists the settings:
 * <ul>
 *   <li>its picocli {@link Option} gives the flag ({@code --batch-norm}), the config-file key (the flag without its
 *       dashes: {@code batch-norm}), the type, the help text, and the default where it is a constant
 *       ({@code defaultValue}, shown in the help as {@code ${DEFAULT-VALUE}}); a {@code converter} reads the text
 *       forms (layer sizes, initializer, schedule, optimizer) and rejects malformed ones;</li>
 *   <li>{@link Range} or {@link OneOf} on the field gives its valid values, checked by {@link #resolve} with a
 *       message that names the flag, or the file and key, the value came from.</li>
 * </ul>
 * The flags are parsed by picocli into the {@link TrainOptions} mixin. A config file (JSON or YAML) is read by
 * turning each {@code key: value} into {@code --key=value} and parsing that with the same picocli options
 * ({@link #read}), so a value in a file goes through the same conversion, defaults and checks as the flag. Merging
 * ({@link #overlay}), validation, config.json ({@link #toJson}) and the report's configuration table go over the
 * fields; adding a setting is adding a field (and using it).
 *
 * <h2>Precedence and defaults</h2>
 * Defaults &lt; {@code --config} file &lt; flags given on the command line, setting by setting; a value given in
 * the file or as a flag is never replaced by a default. Defaults that depend on other settings are null in the
 * field until {@link #resolve} (or, for the layer sizes, the data) fills them in, once, into the effective
 * configuration: the learning rate and momentum of the optimizer ({@link #cliOptimizer}), the initializer
 * ({@link #DEFAULT_INIT} for the activation), the sample count and noise of a synthetic set, the Fashion-MNIST
 * folder, the thread count, the layer sizes. {@code --lr}, {@code --momentum}, {@code --nesterov} and
 * {@code --weight-decay} set one hyper-parameter of {@link #optimizer} and are folded into it by {@link #resolve}.
 *
 * <p>config.json is the effective configuration: every setting with its value, defaults included (only settings
 * without a value, such as {@code test} or {@code init-from}, are left out), and the optimizer as its
 * {@link OptimizerSpec} object. {@code backprop train --config runs/X/config.json} runs the same training again.
 * Files written by earlier versions (the optimizer as a name, with {@code lr}, {@code momentum}, {@code nesterov},
 * {@code weight-decay} beside it) read as they did.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunConfig {
    /** The initializer text for "the per-layer defaults" ({@code Init.defaultFor} every Linear). */
    static final String DEFAULT_INIT = "default";

    // model
    @Option(names = "--layers", paramLabel = "SIZES", converter = LayersText.class,
            description = "Layer sizes from input to output, e.g. 784-256-128-10 (default: inputs-64-64-classes).")
    public String layers;
    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu",
            description = Setup.ACTIVATIONS + " (default ${DEFAULT-VALUE}).")
    @OneOf(Setup.ACTIVATIONS)
    public String activation;
    @Option(names = "--init", paramLabel = "INIT", converter = InitText.class,
            description = Init.CHOICES + "|default (default: default, He-normal for the ReLU family and Xavier-uniform"
                    + " for sigmoid/tanh, Xavier-uniform on the output layer).")
    public String init;
    @Option(names = "--loss", paramLabel = "LOSS", defaultValue = "cross-entropy",
            description = "cross-entropy|mse (default ${DEFAULT-VALUE}).")
    @OneOf(value = "cross-entropy|mse", aliases = "cross_entropy|ce")
    public String loss;
    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
            description = "Dropout probability after each hidden activation (default ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 1, maxOpen = true)
    public Double dropout;
    @Option(names = "--batch-norm", arity = "0..1", fallbackValue = "true", defaultValue = "false", paramLabel = "BOOL",
            description = "Batch normalization before each hidden activation.")
    public Boolean batchNorm;

    // optimization
    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd", converter = OptimizerText.class,
            completionCandidates = OptimizerNames.class,
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}), or a JSON object such as"
                    + " {\"type\":\"adam\",\"beta2\":0.99} with the hyper-parameters (see docs/cli.md).")
    public OptimizerSpec optimizer;
    @Option(names = "--lr", paramLabel = "ETA", description = "Learning rate (default 0.05 for sgd, 0.001 otherwise).")
    @Range(min = 0)
    public Double lr;
    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default 0.9).")
    @Range(min = 0)
    public Double momentum;
    @Option(names = "--nesterov", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Nesterov momentum (sgd).")
    public Boolean nesterov;
    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", description = "L2 penalty lambda*sum(w^2) on"
            + " weights: w <- (1-2*eta*lambda)w - eta*grad (PyTorch weight_decay = 2*lambda).")
    @Range(min = 0)
    public Double l2;
    @Option(names = "--l1", paramLabel = "LAMBDA", defaultValue = "0",
            description = "L1 penalty lambda*sum(|w|) on weights, applied by soft-thresholding (exact zeros).")
    @Range(min = 0)
    public Double l1;
    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "Decoupled weight decay of adamw (default"
            + " 0.01, as PyTorch; not for the other optimizers: use --l2).")
    @Range(min = 0)
    public Double weightDecay;
    @Option(names = "--clip-norm", paramLabel = "N", defaultValue = "0",
            description = "Clip gradients to this global L2 norm (0: no clipping).")
    @Range(min = 0)
    public Double clipNorm;
    @Option(names = "--clip-value", paramLabel = "V", defaultValue = "0",
            description = "Clip each gradient element to [-V, V] (0: no clipping).")
    @Range(min = 0)
    public Double clipValue;
    @Option(names = "--schedule", paramLabel = "S", defaultValue = "constant", converter = ScheduleText.class,
            description = "constant|step:EVERY:GAMMA|exp:GAMMA|cosine|warmup:STEPS (step/exp count epochs).")
    public String schedule;
    @Option(names = "--batch", paramLabel = "B", defaultValue = "64",
            description = "Mini-batch size (default ${DEFAULT-VALUE}).")
    @Range(min = 1)
    public Integer batch;
    @Option(names = "--epochs", paramLabel = "E", defaultValue = "20", description = "Epochs (default ${DEFAULT-VALUE}).")
    @Range(min = 1)
    public Integer epochs;
    @Option(names = "--early-stop", paramLabel = "PATIENCE", defaultValue = "0",
            description = "Stop after this many epochs without a better evaluation loss (0: never).")
    @Range(min = 0)
    public Integer earlyStop;
    @Option(names = "--restore-best", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "BOOL", description = "Save the weights of the epoch with the best evaluation loss (the"
            + " training loss without an evaluation set) instead of the last epoch's; with --early-stop, the"
            + " epoch the patience counts from.")
    public Boolean restoreBest;

    // data
    @Option(names = "--data", paramLabel = "DATA", defaultValue = "spirals",
            description = PreparedData.CHOICES + " (default ${DEFAULT-VALUE}).")
    public String data;
    @Option(names = "--label-column", paramLabel = "NAME|INDEX",
            description = "CSV label column (default: the last; negative indexes count from the end).")
    public String labelColumn;
    @Option(names = "--test", paramLabel = "FILE.csv", description = "CSV test set.")
    public String test;
    @Option(names = "--normalize", paramLabel = "KIND", defaultValue = "none", description = "none|standard|minmax,"
            + " fitted on the training data (default ${DEFAULT-VALUE}; fashion-mnist is scaled to [0,1]).")
    @OneOf("none|standard|minmax")
    public String normalize;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Fashion-MNIST folder (default " + "/usr/share/datasets/fashion-mnist" + ").")
    public String dataDir;
    @Option(names = "--val-split", paramLabel = "F", defaultValue = "0",
            description = "Hold out this fraction of the training data as a validation set, scored after every"
                    + " epoch in place of the test set (default ${DEFAULT-VALUE}).")
    @Range(min = 0, max = 1, maxOpen = true)
    public Double valSplit;
    @Option(names = "--samples", paramLabel = "N",
            description = "Training samples of a synthetic set (default 1000; the test set has N/2).")
    @Range(min = 2, max = 10_000_000)
    public Integer samples;
    @Option(names = "--noise", paramLabel = "X",
            description = "Noise of a synthetic set (default 0.05 for spirals, 0.8 for blobs, 0.1 otherwise).")
    @Range(min = 0)
    public Double noise;

    // run
    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    public Long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads, 1 to 1024 (default: available processors).")
    @Range(min = 1, max = 1024)
    public Integer threads;
    @Option(names = "--dtype", paramLabel = "T", defaultValue = "f32", description = "f32|f64 (default ${DEFAULT-VALUE}). f64 keeps a CSV file's values in double, as written.")
    @OneOf("f32|f64")
    public String dtype;
    @Option(names = "--shuffle", negatable = true, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL",
            description = "Shuffle the training data every epoch (default true); --no-shuffle keeps the data order.")
    public Boolean shuffle;
    @Option(names = "--init-from", paramLabel = "FILE.safetensors",
            description = "Start from these weights instead of an initializer.")
    public String initFrom;
    @Option(names = "--log-every", paramLabel = "STEPS", defaultValue = "50", description = "Gradient-flow"
            + " diagnostics every STEPS steps into metrics.jsonl (default ${DEFAULT-VALUE}; 0 turns them off).")
    @Range(min = 0)
    public Integer logEvery;

    /** Valid range of a numeric setting: {@code min <= v <= max} ({@code < max} with maxOpen). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Range {
        double min();

        double max() default Double.POSITIVE_INFINITY;

        boolean maxOpen() default false;
    }

    /** Valid values of a text setting, '|'-separated, any case; {@code aliases} are accepted but not listed. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface OneOf {
        String value();

        String aliases() default "";
    }

    /** The settings: the fields with an {@link Option}, in declaration order. */
    static final List<Field> SETTINGS = Arrays.stream(RunConfig.class.getDeclaredFields())
            .filter(f -> f.isAnnotationPresent(Option.class)).toList();

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Per setting key: where its value came from, a config file's path or {@link #FLAG}; absent: the default. */
    private final Map<String, String> origin = new HashMap<>();
    private static final String FLAG = "";

    /** The file key of a setting: its flag without the dashes. */
    static String key(Field f) {
        return f.getAnnotation(Option.class).names()[0].substring(2);
    }

    private Object get(Field f) {
        try {
            return f.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private void set(Field f, Object v) {
        try {
            f.set(this, v);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How an error names the setting {@code key}: {@code --key} when it came from a flag or a default,
     * {@code FILE: key 'key'} when from a config file.
     */
    String where(String key) {
        String o = origin.get(key);
        return o == null || o.equals(FLAG) ? "--" + key : o + ": key '" + key + "'";
    }

    /** "FILE: key 'key': " when {@code key} came from a config file, else "" (for messages that name no flag). */
    String inFile(String key) {
        return isFile(key) ? where(key) + ": " : "";
    }

    private boolean isFile(String key) {
        String o = origin.get(key);
        return o != null && !o.equals(FLAG);
    }

    /** Whether {@code key} holds its default (neither the file nor a flag gave it). */
    boolean isDefault(String key) {
        return !origin.containsKey(key);
    }

    /** Every setting at its default; the dependent defaults still null (see {@link #resolve}). */
    static RunConfig defaults() {
        return parse(List.of(), null);
    }

    /** {@code --key=value} arguments parsed with the settings' options; a {@code file} names them in errors. */
    private static RunConfig parse(List<String> args, Path file) {
        return parse(args, file, Map.of());
    }

    /**
     * {@code --key=value} arguments parsed with the settings' options; a {@code file}, and the line of each key in
     * it ({@code lines}), name them in errors.
     */
    private static RunConfig parse(List<String> args, Path file, Map<String, Integer> lines) {
        RunConfig c = new RunConfig();
        CommandLine cl = new CommandLine(c);
        ParseResult r;
        try {
            r = cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            java.util.regex.Matcher k = java.util.regex.Pattern.compile("^Invalid value for option '--([^']+)': ")
                    .matcher(e.getMessage());
            String at = k.find() && lines.containsKey(k.group(1)) ? " line " + lines.get(k.group(1)) : "";
            String m = k.replaceFirst("invalid value for key '$1': ");
            throw new UsageError(file + at + ": " + m);
        }
        for (Field f : SETTINGS) {
            if (r.hasMatchedOption("--" + key(f))) {
                Integer line = lines.get(key(f));
                c.origin.put(key(f), file + (line == null ? "" : " line " + line));
            }
        }
        return c;
    }

    /**
     * Reads a JSON (.json) or YAML (.yaml, .yml) config file: its settings over the defaults, not yet resolved.
     * A key that is not a setting, and a value that is not valid for its setting, is a {@link UsageError} naming
     * the file and the key; a file that is not JSON or YAML is an {@link IOException} naming the file.
     */
    static RunConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "config file not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        JsonNode tree;
        Map<String, Integer> lines;
        try {
            String text = dev.backprop.io.TextFiles.readUtf8(file);
            tree = (yaml ? YAML : JSON).readTree(text);
            lines = keyLines((yaml ? YAML : JSON).getFactory(), text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + dev.backprop.io.TextFiles.location(e) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("invalid config"), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return parse(List.of(), file);
        }
        if (!tree.isObject()) {
            throw new UsageError(file + ": expected an object of settings (key: value), got " + tree.getNodeType());
        }
        if (adamwDefaultDecayOfAnEarlierVersion((ObjectNode) tree)) {
            ((ObjectNode) tree).remove("weight-decay");
        }
        Map<String, Field> byKey = SETTINGS.stream().collect(Collectors.toMap(RunConfig::key, f -> f));
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            Field f = byKey.get(key);
            String at = lines.containsKey(key) ? " line " + lines.get(key) : "";
            if (f == null) {
                throw new UsageError(file + at + ": unknown key '" + key + "'; keys are the flags of 'backprop train'"
                        + " without dashes: " + String.join(", ", byKey.keySet()));
            }
            if (v.isNull()) {
                continue;
            }
            if (v.isContainerNode() && f.getType() != OptimizerSpec.class) {
                throw new UsageError(file + at + ": key '" + key + "': expected a single value, got " + v);
            }
            args.add("--" + key + "=" + (v.isValueNode() ? v.asText() : v.toString()));
        }
        return parse(args, file, lines);
    }

    /** The line of each top-level key of a JSON or YAML object (the first, if a key repeats). */
    private static Map<String, Integer> keyLines(com.fasterxml.jackson.core.JsonFactory factory, String text)
            throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(text)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return lines;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                lines.putIfAbsent(p.currentName(), p.currentTokenLocation().getLineNr());
                p.nextToken();
                p.skipChildren();
            }
        }
        return lines;
    }

    /**
     * Whether {@code tree} is the config.json of an AdamW run written by an earlier version with no weight decay
     * given: those wrote every key with a default, {@code "weight-decay": 0.0} among them, but trained with AdamW's
     * 0.01 when there was no --l1/--l2 penalty. Such a file is recognised by the optimizer written as a name beside
     * the keys that only those versions wrote; its weight-decay is then read as not given, which reproduces the run.
     */
    private static boolean adamwDefaultDecayOfAnEarlierVersion(ObjectNode tree) {
        return tree.path("optimizer").asText("").equalsIgnoreCase("adamw")
                && tree.path("weight-decay").isNumber() && tree.get("weight-decay").asDouble() == 0
                && tree.path("l1").asDouble(0) == 0 && tree.path("l2").asDouble(0) == 0
                && List.of("momentum", "nesterov", "clip-norm", "clip-value", "early-stop", "val-split", "shuffle")
                        .stream().allMatch(tree::has);
    }

    /** The configuration of a config file (a run folder's config.json), resolved. */
    static RunConfig load(Path file) throws IOException {
        return read(file).resolve();
    }

    /** Lays the settings given as flags ({@code flags}, matched in {@code parsed}) over this configuration. */
    RunConfig overlay(RunConfig flags, ParseResult parsed) {
        for (Field f : SETTINGS) {
            if (parsed.hasMatchedOption("--" + key(f))) {
                set(f, flags.get(f));
                origin.put(key(f), FLAG);
            }
        }
        return this;
    }

    /**
     * Checks every value, resolves the dependent defaults and folds {@code lr}, {@code momentum}, {@code nesterov}
     * and {@code weight-decay} into {@link #optimizer}; the result is the effective configuration (the layer sizes
     * excepted, which need the data: {@link #resolveLayers}).
     *
     * @throws UsageError naming the flag, or the file and key, of an invalid value
     */
    RunConfig resolve() {
        validate();
        optimizer = foldOptimizer();
        lr = null;
        momentum = null;
        nesterov = null;
        weightDecay = null;
        if (init == null || isDefaultInit(init)) {
            init = defaultInitText(Setup.activation(this));
        }
        String set = data.toLowerCase(Locale.ROOT);
        if (set.matches(PreparedData.SYNTHETIC)) {
            if (samples == null) {
                samples = PreparedData.DEFAULT_SAMPLES;
            }
            if (noise == null) {
                noise = PreparedData.defaultNoise(set);
            }
        }
        if (PreparedData.isFashionMnist(set) && dataDir == null) {
            dataDir = FashionMnist.DEFAULT_DIR.toString();
        }
        if (threads == null) {
            threads = Parallel.threads();
        }
        return this;
    }

    /** Records the layer sizes in use (the default ones resolved from the data). */
    void resolveLayers(int[] sizes) {
        layers = Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    /** Checks each value against its field's {@link Range} or {@link OneOf}. */
    private void validate() {
        for (Field f : SETTINGS) {
            Object v = get(f);
            if (v == null) {
                continue;
            }
            Range r = f.getAnnotation(Range.class);
            if (r != null) {
                double d = ((Number) v).doubleValue();
                if (!(d >= r.min() && (r.maxOpen() ? d < r.max() : d <= r.max())) || Double.isNaN(d)) {
                    throw new UsageError(where(key(f)) + " must be " + rangeText(r) + ", got " + v);
                }
            }
            OneOf one = f.getAnnotation(OneOf.class);
            if (one != null) {
                String s = v.toString().trim().toLowerCase(Locale.ROOT);
                List<String> ok = new ArrayList<>(List.of(one.value().split("\\|")));
                if (!one.aliases().isEmpty()) {
                    ok.addAll(List.of(one.aliases().split("\\|")));
                }
                if (!ok.contains(s)) {
                    String k = key(f);
                    throw new UsageError((isFile(k) ? where(k) + ": unknown value '" + v + "'"
                            : "unknown " + where(k) + " '" + v + "'") + "; valid: " + one.value());
                }
            }
        }
    }

    private static String rangeText(Range r) {
        String lo = num(r.min());
        if (r.max() == Double.POSITIVE_INFINITY) {
            return "at least " + lo;
        }
        return "in [" + lo + ", " + num(r.max()) + (r.maxOpen() ? ")" : "]");
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * The optimizer with the hyper-parameter flags applied. A flag for a hyper-parameter the optimizer does not
     * have is an error, except for the value earlier versions wrote into every config.json (momentum 0.9,
     * nesterov false, weight-decay 0), which is ignored.
     */
    private OptimizerSpec foldOptimizer() {
        OptimizerSpec o = optimizer;
        try {
            if (lr != null) {
                o = o.withLr(lr);
            }
            if (momentum != null) {
                if (o instanceof OptimizerSpec.Sgd s) {
                    o = s.momentum(momentum);
                } else if (momentum != 0.9) {
                    throw new UsageError(where("momentum") + " is SGD's momentum; " + o.name() + " has none"
                            + (o instanceof OptimizerSpec.RMSProp ? " by that flag (rmsprop's: --optimizer"
                            + " '{\"type\":\"rmsprop\",\"momentum\":M}')" : ""));
                }
            }
            if (nesterov != null) {
                if (o instanceof OptimizerSpec.Sgd s) {
                    o = s.nesterov(nesterov);
                } else if (nesterov) {
                    throw new UsageError(where("nesterov") + " is SGD's Nesterov momentum; " + o.name() + " has none");
                }
            }
            if (weightDecay != null) {
                if (o instanceof OptimizerSpec.AdamW w) {
                    o = w.weightDecay(weightDecay);
                } else if (weightDecay != 0) {
                    throw new UsageError(where("weight-decay") + " is AdamW's decoupled decay; use --optimizer adamw,"
                            + " or --l2 LAMBDA (the lecture's penalty) with " + o.name());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError(where("optimizer") + ": " + e.getMessage());
        }
        return o;
    }

    /**
     * The optimizer {@code --optimizer NAME} means: SGD with lr 0.05 and momentum 0.9, the others with lr 0.001 and
     * PyTorch's other defaults (AdamW's weight decay 0.01).
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    static OptimizerSpec cliOptimizer(String name) {
        OptimizerSpec o = OptimizerSpec.named(name);
        return o instanceof OptimizerSpec.Sgd s ? s.withLr(0.05).momentum(0.9) : o.withLr(0.001);
    }

    /** Whether an initializer text means the per-layer defaults ("default", or "default (...)" as recorded). */
    static boolean isDefaultInit(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        return s.equals(DEFAULT_INIT) || s.startsWith(DEFAULT_INIT + " ") || s.startsWith(DEFAULT_INIT + "(");
    }

    /** "default (he-normal; xavier-uniform for the output layer)": what the per-layer defaults are for {@code act}. */
    static String defaultInitText(ActivationKind act) {
        return DEFAULT_INIT + (act.isReluLike() ? " (he-normal; xavier-uniform for the output layer)"
                : " (xavier-uniform)");
    }

    /** Writes this configuration as JSON (config.json). */
    public byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    // ---------------------------------------------------------------- converters of the text forms

    /** The optimizer names of {@link OptimizerSpec#NAMES}, for the help text. */
    static final class OptimizerNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of(OptimizerSpec.NAMES.split("\\|")).iterator();
        }
    }

    /** Layer sizes joined by '-': at least two, each at least 1. */
    static final class LayersText implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            int[] sizes;
            try {
                sizes = Arrays.stream(value.trim().split("-")).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "': expected sizes joined by '-', e.g. 784-256-128-10");
            }
            if (sizes.length < 2 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
                throw new TypeConversionException("'" + value + "': need at least an input and an output size, all >= 1");
            }
            return value.trim();
        }
    }

    /** An initializer of {@link Init#parse}, or {@link #DEFAULT_INIT}. */
    static final class InitText implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (isDefaultInit(value)) {
                return value.trim();
            }
            try {
                Init.parse(value, ActivationKind.RELU);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + "|default");
            }
            return value.trim();
        }
    }

    /** A learning-rate schedule of {@link Schedule#parse}. */
    static final class ScheduleText implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Schedule.parse(value, 1);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value.trim();
        }
    }

    /**
     * An optimizer name ({@link #cliOptimizer}), or a JSON object with a "type" whose keys override that
     * optimizer's CLI defaults, e.g. {@code {"type":"adam","beta2":0.99}}.
     */
    static final class OptimizerText implements ITypeConverter<OptimizerSpec> {
        @Override
        public OptimizerSpec convert(String value) {
            try {
                String s = value.trim();
                if (!s.startsWith("{")) {
                    return cliOptimizer(s);
                }
                JsonNode given = OBJECTS.readTree(s);
                String type = given.path("type").asText("");
                if (type.isEmpty()) {
                    throw new TypeConversionException("an optimizer object needs a \"type\" (" + OptimizerSpec.NAMES
                            + "), got " + s);
                }
                ObjectNode spec = (ObjectNode) OBJECTS.readTree(cliOptimizer(type).toJson());
                spec.setAll((ObjectNode) given);
                return OptimizerSpec.fromJson(spec.toString());
            } catch (JsonProcessingException e) {
                throw new TypeConversionException("invalid optimizer JSON '" + value + "': " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        private static final ObjectMapper OBJECTS = new ObjectMapper();
    }
}
