package dev.backprop.cli;

import dev.backprop.train.EpochMetrics;
import dev.backprop.train.StepContext;
import dev.backprop.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: on a terminal a progress bar per epoch (batches, samples/s, the training loss of the
 * recent batches, smoothed, ETA); always one summary line per epoch on {@code out}: the mean training loss over the
 * epoch's batches and the training accuracy, the penalty, the evaluation set's loss and accuracy under its name
 * ("val" for a --val-split hold-out, "test" for a test set), seconds. Each says which loss it shows.
 */
final class Progress implements TrainingListener {
    private final PrintWriter out;
    private final boolean bar;
    private final int batchesPerEpoch;
    private final int batchSize;
    private final int totalEpochs;
    private final String evalName;
    private ProgressBar current;
    private double runningLoss = Double.NaN;
    private long epochStart;
    private int seen;

    Progress(PrintWriter out, boolean bar, int batchesPerEpoch, int batchSize, int totalEpochs, String evalName) {
        this.evalName = evalName;
        this.out = out;
        this.bar = bar;
        this.batchesPerEpoch = batchesPerEpoch;
        this.batchSize = batchSize;
        this.totalEpochs = totalEpochs;
    }

    /** True when stderr is an interactive terminal. */
    static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null || System.getenv("CI") != null) {
            return false;
        }
        try { // Java 22+: System.console() may exist without a terminal; isTerminal() tells
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console exists only for a terminal
        }
    }

    @Override
    public void afterStep(StepContext s) {
        if (s.batchInEpoch() == 0) {
            runningLoss = s.loss();
            epochStart = System.nanoTime();
            seen = 0;
            if (bar) {
                current = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", s.epoch(), totalEpochs))
                        .setInitialMax(batchesPerEpoch).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build();
            }
        }
        runningLoss = 0.95 * runningLoss + 0.05 * s.loss();
        seen += batchSize;
        if (current != null) {
            double secs = (System.nanoTime() - epochStart) / 1e9;
            current.stepTo(s.batchInEpoch() + 1);
            current.setExtraMessage(String.format(Locale.ROOT, "batch loss (smoothed) %.4f  %.0f samples/s", runningLoss,
                    seen / Math.max(secs, 1e-9)));
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        if (current != null) {
            current.close();
            current = null;
        }
        out.println(line(m, evalName));
        out.flush();
    }

    /**
     * "epoch   3  train loss (epoch mean) 0.4321  train acc 0.8125  val loss 0.4500  val acc 0.8000  0.52s ...".
     *
     * @param evalName "validation" or "test"
     */
    static String line(EpochMetrics m, String evalName) {
        String set = evalName.equals("validation") ? "val" : evalName;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %3d  train loss (epoch mean) %.4f",
                m.epoch(), m.trainLoss()));
        if (!Double.isNaN(m.trainAccuracy())) {
            sb.append(String.format(Locale.ROOT, "  train acc %.4f", m.trainAccuracy()));
        }
        if (m.penalty() != 0) {
            sb.append(String.format(Locale.ROOT, "  penalty %.4g", m.penalty()));
        }
        if (m.hasTest()) {
            sb.append(String.format(Locale.ROOT, "  %s loss %.4f", set, m.testLoss()));
            if (!Double.isNaN(m.testAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  %s acc %.4f", set, m.testAccuracy()));
            }
        }
        return sb.append(String.format(Locale.ROOT, "  %.2fs  %.0f samples/s", m.seconds(), m.samplesPerSecond())).toString();
    }
}
