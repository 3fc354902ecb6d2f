package dev.backprop.cli;

import dev.backprop.cli.serve.RunServer;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backprop serve [RUNS_DIR]}: a local, read-only web view of the runs, live while they train. */
@Command(name = "serve", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Show the run folders in RUNS_DIR in a web browser: the list of runs, each run's curves",
                "(updating while 'backprop train' writes them), its findings and configuration, and runs compared.",
                "Read-only; bound to 127.0.0.1 unless --host says otherwise. Stop it with Ctrl-C."},
        footer = {"", "Examples:", "  backprop serve", "  backprop serve --port 8080 experiments/runs",
                "  backprop serve --port 0          (any free port; the URL is printed)"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS_DIR", description = "Folder of run folders (default runs).")
    Path runsDir = Path.of("runs");
    @Option(names = "--port", paramLabel = "P", description = "Port to listen on (default 8080; 0: any free port).")
    int port = 8080;
    @Option(names = "--host", paramLabel = "H", description = "Address to bind (default 127.0.0.1; another address shows the runs to the network).")
    String host = "127.0.0.1";
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new UsageError("--port must be between 0 and 65535, not " + port);
        }
        if (!Files.isDirectory(runsDir)) {
            throw new UsageError("RUNS_DIR " + runsDir + " is not a folder" + (Files.exists(runsDir) ? ""
                    : " (it does not exist: train a run first with 'backprop train', or name the folder of runs)"));
        }
        RunServer server;
        try {
            server = RunServer.start(runsDir, host, port);
        } catch (BindException e) {
            throw new UsageError("--host " + host + " --port " + port + ": cannot listen there (" + e.getMessage()
                    + "); is another server using the port? Choose another --port, or --port 0 for any free one");
        } catch (UnknownHostException e) {
            throw new UsageError("--host " + host + ": unknown host");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("serving the runs in " + server.runsDir() + " at " + server.url() + "  (Ctrl-C to stop)");
        if (!java.net.InetAddress.getByName(host).isLoopbackAddress()) {
            out.println("note: bound to " + host + ": anyone who can reach this address can read these runs");
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
