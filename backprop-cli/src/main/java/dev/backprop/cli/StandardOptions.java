package dev.backprop.cli;

import picocli.CommandLine.Option;

/**
 * The options every command takes: {@code -h/--help} and {@code --verbose} (Java stack traces on errors; read by
 * {@link Main#run}, which handles the errors).
 */
final class StandardOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
    @Option(names = "--verbose", description = "Show Java stack traces on errors.")
    boolean verbose;
}
