package dev.backprop.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code backprop spark ...}: the command line's Spark commands, run on a classpath that holds Spark
 * (the {@code ./backprop} launcher builds it from the backprop-spark module; {@code spark-submit} brings the
 * cluster's). The plain {@code backprop} command never loads Spark.
 *
 * <p>Exit codes as {@link Main}'s: 0 success, 1 failure while running, 2 usage error.
 */
@Command(name = "backprop", mixinStandardHelpOptions = true, version = "backprop 0.1.0",
        description = "Backprop on Apache Spark.",
        subcommands = {SparkMain.Spark.class})
public final class SparkMain implements Runnable {
    /** A command object for picocli; use {@link #main} or {@link #run}. */
    public SparkMain() {
    }

    /** {@code backprop spark}: the group of Spark commands. */
    @Command(name = "spark", mixinStandardHelpOptions = true,
            description = "Train on Apache Spark (a local master or a cluster's).",
            subcommands = {SparkTrainCommand.class, CommandLine.HelpCommand.class})
    static final class Spark implements Runnable {
        @Override
        public void run() {
            CommandLine.usage(this, System.out);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Runs {@code backprop spark ...} and exits with its code.
     *
     * @param args the arguments, starting with {@code spark}
     */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("spark.master") == null) {
            // not under spark-submit and no logging configured: Spark's warnings only (Spark logs INFO by default)
            java.net.URL quiet = SparkMain.class.getResource("/dev/backprop/spark/log4j2-cli.properties");
            if (quiet != null) {
                System.setProperty("log4j2.configurationFile", quiet.toString());
            }
        }
        System.exit(run(System.out, System.err, args));
    }

    /**
     * Runs the command line with the given streams and returns the exit code (tests call it in-process).
     *
     * @param out standard output (results; the one JSON object with {@code --json})
     * @param err standard error (progress, findings, errors)
     * @param args the arguments, starting with {@code spark}
     * @return the exit code
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return Main.run(new CommandLine(new SparkMain()), out, err, args);
    }
}
