package dev.backprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags that define a run (model, optimization, data, run settings), shared by {@code train} and
 * {@code gradcheck}. Every field is null unless given, so that {@link #toConfig()} can lay the flags over a
 * {@code --config} file.
 */
final class TrainOptions {
    @Option(names = "--layers", paramLabel = "SIZES", description = "Layer sizes from input to output, e.g. 784-256-128-10 (default: inputs-64-64-classes).")
    String layers;
    @Option(names = "--activation", paramLabel = "NAME", description = "relu|leaky-relu|prelu|elu|gelu|silu|sigmoid|tanh|linear (default relu).")
    String activation;
    @Option(names = "--init", paramLabel = "INIT", description = "he-normal|he-uniform|xavier-normal|xavier-uniform|lecun-normal|lecun-uniform|orthogonal|normal:STD|uniform:A|constant:V (default: He for the ReLU family, Xavier for sigmoid/tanh).")
    String init;
    @Option(names = "--loss", paramLabel = "LOSS", description = "cross-entropy|mse (default cross-entropy).")
    String loss;
    @Option(names = "--dropout", paramLabel = "P", description = "Dropout probability after each hidden activation (default 0).")
    Double dropout;
    @Option(names = "--batch-norm", description = "Batch normalization before each hidden activation.")
    Boolean batchNorm;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd|adam|adamw|rmsprop (default sgd).")
    String optimizer;
    @Option(names = "--lr", paramLabel = "ETA", description = "Learning rate (default 0.05 for sgd, 0.001 otherwise).")
    Double lr;
    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default 0.9).")
    Double momentum;
    @Option(names = "--nesterov", description = "Nesterov momentum (sgd).")
    Boolean nesterov;
    @Option(names = "--l2", paramLabel = "LAMBDA", description = "L2 penalty lambda*sum(w^2) on weights: w <- (1-2*eta*lambda)w - eta*grad (PyTorch weight_decay = 2*lambda).")
    Double l2;
    @Option(names = "--l1", paramLabel = "LAMBDA", description = "L1 penalty lambda*sum(|w|) on weights, applied by soft-thresholding (exact zeros).")
    Double l1;
    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "Decoupled weight decay of adamw (default 0.01, as PyTorch; not for the other optimizers: use --l2).")
    Double weightDecay;
    @Option(names = "--clip-norm", paramLabel = "N", description = "Clip gradients to this global L2 norm.")
    Double clipNorm;
    @Option(names = "--clip-value", paramLabel = "V", description = "Clip each gradient element to [-V, V].")
    Double clipValue;
    @Option(names = "--schedule", paramLabel = "S", description = "constant|step:EVERY:GAMMA|exp:GAMMA|cosine|warmup:STEPS (step/exp count epochs).")
    String schedule;
    @Option(names = "--batch", paramLabel = "B", description = "Mini-batch size (default 64).")
    Integer batch;
    @Option(names = "--epochs", paramLabel = "E", description = "Epochs (default 20).")
    Integer epochs;
    @Option(names = "--early-stop", paramLabel = "PATIENCE", description = "Stop after this many epochs without a better evaluation loss.")
    Integer earlyStop;

    @Option(names = "--data", paramLabel = "DATA", description = "fashion-mnist|spirals|circles|moons|xor|blobs|FILE.csv (default spirals).")
    String data;
    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV label column (default: the last; negative indexes count from the end).")
    String labelColumn;
    @Option(names = "--test", paramLabel = "FILE.csv", description = "CSV test set.")
    String test;
    @Option(names = "--normalize", paramLabel = "KIND", description = "none|standard|minmax, fitted on the training data (default none; fashion-mnist is scaled to [0,1]).")
    String normalize;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist).")
    String dataDir;
    @Option(names = "--val-split", paramLabel = "F", description = "Hold out this fraction of the training data for evaluation (default 0).")
    Double valSplit;
    @Option(names = "--samples", paramLabel = "N", description = "Training samples of a synthetic set (default 1000; the test set has N/2).")
    Integer samples;
    @Option(names = "--noise", paramLabel = "X", description = "Noise of a synthetic set.")
    Double noise;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 42).")
    Long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: available processors).")
    Integer threads;
    @Option(names = "--dtype", paramLabel = "T", description = "f32|f64 (default f32).")
    String dtype;
    @Option(names = "--no-shuffle", description = "Keep the data order.")
    Boolean noShuffle;
    @Option(names = "--init-from", paramLabel = "FILE.safetensors", description = "Start from these weights instead of an initializer.")
    String initFrom;
    @Option(names = "--log-every", paramLabel = "STEPS", description = "Gradient-flow diagnostics every STEPS steps into metrics.jsonl (default 50; 0 turns them off).")
    Integer logEvery;
    @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML file with the same keys; flags override it.")
    Path config;

    /** The configuration: defaults, then the --config file, then the flags given. */
    RunConfig toConfig() throws IOException {
        return over(config == null ? new RunConfig() : RunConfig.load(config));
    }

    /** Lays the flags that were given over {@code c}. */
    RunConfig over(RunConfig c) {
        if (layers != null) c.layers = layers;
        if (activation != null) c.activation = activation;
        if (init != null) c.init = init;
        if (loss != null) c.loss = loss;
        if (dropout != null) c.dropout = dropout;
        if (batchNorm != null) c.batchNorm = batchNorm;
        if (optimizer != null) c.optimizer = optimizer;
        if (lr != null) c.lr = lr;
        if (momentum != null) c.momentum = momentum;
        if (nesterov != null) c.nesterov = nesterov;
        if (l2 != null) c.l2 = l2;
        if (l1 != null) c.l1 = l1;
        if (weightDecay != null) c.weightDecay = weightDecay;
        if (clipNorm != null) c.clipNorm = clipNorm;
        if (clipValue != null) c.clipValue = clipValue;
        if (schedule != null) c.schedule = schedule;
        if (batch != null) c.batch = batch;
        if (epochs != null) c.epochs = epochs;
        if (earlyStop != null) c.earlyStop = earlyStop;
        if (data != null) c.data = data;
        if (labelColumn != null) c.labelColumn = labelColumn;
        if (test != null) c.test = test;
        if (normalize != null) c.normalize = normalize;
        if (dataDir != null) c.dataDir = dataDir;
        if (valSplit != null) c.valSplit = valSplit;
        if (samples != null) c.samples = samples;
        if (noise != null) c.noise = noise;
        if (seed != null) c.seed = seed;
        if (threads != null) c.threads = threads;
        if (dtype != null) c.dtype = dtype;
        if (noShuffle != null) c.shuffle = !noShuffle;
        if (initFrom != null) c.initFrom = initFrom;
        if (logEvery != null) c.logEvery = logEvery;
        return c;
    }
}
