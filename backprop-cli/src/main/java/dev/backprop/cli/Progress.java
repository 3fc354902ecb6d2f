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
 * Shows training progress: on a terminal a progress bar per epoch (batches, samples/s, running loss, ETA); always
 * one summary line per epoch (train loss, penalty, test loss and accuracy, seconds) on {@code out}.
 */
final class Progress implements TrainingListener {
    private final PrintWriter out;
    private final boolean bar;
    private final int batchesPerEpoch;
    private final int batchSize;
    private final int totalEpochs;
    private ProgressBar current;
    private double runningLoss = Double.NaN;
    private long epochStart;
    private int seen;

    Progress(PrintWriter out, boolean bar, int batchesPerEpoch, int batchSize, int totalEpochs) {
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
            current.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %.0f samples/s", runningLoss,
                    seen / Math.max(secs, 1e-9)));
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        if (current != null) {
            current.close();
            current = null;
        }
        out.println(line(m));
        out.flush();
    }

    static String line(EpochMetrics m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %3d  train loss %.4f", m.epoch(), m.trainLoss()));
        if (m.penalty() != 0) {
            sb.append(String.format(Locale.ROOT, "  penalty %.4g", m.penalty()));
        }
        if (m.hasTest()) {
            sb.append(String.format(Locale.ROOT, "  test loss %.4f", m.testLoss()));
            if (!Double.isNaN(m.testAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  test acc %.4f", m.testAccuracy()));
            }
        }
        return sb.append(String.format(Locale.ROOT, "  %.2fs  %.0f samples/s", m.seconds(), m.samplesPerSecond())).toString();
    }
}
