package dev.backprop.cli;

import dev.backprop.train.DivergenceException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code backprop} command line.
 *
 * <p>Exit codes: 0 success; 1 failure while running (including divergence to NaN, a malformed file); 2 usage error
 * (unknown option or value, sizes that do not fit). Errors print one message, with a Java stack trace only under
 * {@code --verbose}.
 */
@Command(name = "backprop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train feed-forward neural networks and see why training fails.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, InspectCommand.class,
                GradcheckCommand.class, ExperimentCommand.class, ReportCommand.class, ServeCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** The version of Backprop, and the Java that runs it (with whether the matrix kernels are vectorised). */
    static final String VERSION = "0.1.0";

    /** {@code backprop --version}: "backprop 0.1.0", then the Java runtime and the kernels in use. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"backprop " + VERSION, "Java " + Runtime.version() + " (" + System.getProperty(
                    "java.vm.name", "?") + "), " + (dev.backprop.kernel.Gemm.VECTORIZED ? "Vector API kernels"
                    : "plain-loop kernels (run with --add-modules jdk.incubator.vector for the vector ones)")};
        }
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line with the given streams and returns the exit code (used by tests in-process). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(new CommandLine(new Main()), out, err, args);
    }

    /**
     * Runs a command line built on {@code cl} (this one, or {@code backprop spark}'s) with the project's help layout,
     * error handling and exit codes: 2 for a usage error, 1 for a failure, no stack trace without --verbose.
     */
    static int run(CommandLine cl, PrintStream out, PrintStream err, String... args) {
        HelpLayout.install(cl);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        boolean verbose = Arrays.asList(args).contains("--verbose");
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("backprop: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                e.println("Did you mean " + String.join(" or ", u.getSuggestions().subList(0,
                        Math.min(3, u.getSuggestions().size()))) + "?");
            }
            usage(e, ex.getCommandLine());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter e = c.getErr();
            if (ex instanceof UsageError) {
                e.println("backprop: " + ex.getMessage());
                usage(e, c);
                return 2;
            }
            e.println("backprop: error: " + message(ex));
            if (verbose) {
                ex.printStackTrace(e);
            }
            e.flush();
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError oom) {
            PrintWriter e = cl.getErr();
            e.println("backprop: error: out of memory (" + oom.getMessage() + "); the JVM may use at most "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB: raise it with BACKPROP_JAVA_OPTS"
                    + " (e.g. BACKPROP_JAVA_OPTS=\"-XX:+UseSerialGC -Xmx8g\"), or use a smaller --batch or --layers");
            if (verbose) {
                oom.printStackTrace(e);
            }
            e.flush();
            return 1;
        }
    }

    /** After a usage error, one hint: where the full usage is (the message above says what was wrong). */
    private static void usage(PrintWriter e, CommandLine c) {
        e.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the usage.");
        e.flush();
    }

    /** A one-line description of a failure that a user can act on. */
    static String message(Throwable ex) {
        if (ex instanceof NoSuchFileException n) {
            return (n.getReason() != null ? n.getReason() + ": " : "no such file: ") + n.getFile();
        }
        if (ex instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (ex instanceof DivergenceException) {
            return ex.getMessage();
        }
        if (ex instanceof java.io.UncheckedIOException u && u.getCause() != null) {
            return message(u.getCause());
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }
}
