package dev.backprop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code backprop} command line. */
@Command(name = "backprop", mixinStandardHelpOptions = true, version = "backprop 0.1.0",
        description = "Train feed-forward neural networks and see why training fails.",
        subcommands = {CommandLine.HelpCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
