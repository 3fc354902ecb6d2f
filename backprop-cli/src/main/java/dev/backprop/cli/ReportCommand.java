package dev.backprop.cli;

import dev.backprop.cli.report.ReportWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code backprop report RUN_DIR}: writes the run's self-contained HTML report (see {@link ReportWriter}). */
@Command(name = "report", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Write a self-contained HTML report of a training run: configuration, loss and accuracy,",
                "gradient norms, update ratios, saturated and dead units, weight histograms, sparsity, findings.",
                "'backprop train' writes one at the end of every run; this command rewrites it."},
        footer = {"", "Examples:", "  backprop report runs/spirals-20261127-180000",
                "  backprop report runs/spirals-20261127-180000 --out /tmp/spirals.html"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run folder written by 'backprop train'.")
    Path runDir;
    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the report (default RUN_DIR/report.html).")
    Path out;
    @picocli.CommandLine.Mixin
    StandardOptions standard = new StandardOptions();

    @Override
    public Integer call() throws Exception {
        Path file = out != null ? out : runDir.resolve(ReportWriter.FILE);
        ReportWriter.write(runDir, file);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("report: " + file);
        stdout.flush();
        return 0;
    }
}
