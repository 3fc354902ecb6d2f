package dev.backprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The flags that define a run, shared by {@code train} and {@code gradcheck}: every setting of {@link RunConfig}
 * (declared there, once) and {@code --config FILE}.
 */
final class TrainOptions {
    /** The settings given as flags (picocli fills in the defaults of the others; {@link #toConfig} knows which). */
    @Mixin
    RunConfig flags = new RunConfig();
    @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML file with the same keys; flags override it.")
    Path config;

    /**
     * The effective configuration: defaults, then the --config file, then the flags given; resolved. A --config file
     * that is missing, unreadable, not UTF-8 or not JSON/YAML is a usage error (exit 2) like a bad value in it.
     */
    RunConfig toConfig(CommandSpec spec) {
        RunConfig fromFile;
        try {
            fromFile = config == null ? RunConfig.defaults() : RunConfig.read(config);
        } catch (IOException e) {
            throw new UsageError("--config: " + Main.message(e));
        }
        return over(fromFile, spec);
    }

    /** The flags given laid over {@code c} (a config file read by {@link RunConfig#read}); resolved. */
    RunConfig over(RunConfig c, CommandSpec spec) {
        return c.overlay(flags, spec.commandLine().getParseResult()).resolve();
    }
}
