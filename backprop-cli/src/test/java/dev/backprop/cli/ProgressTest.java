package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.train.EpochMetrics;
import dev.backprop.train.StepContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress bar and the epoch line say which loss they show, and name the evaluation set. */
class ProgressTest {
    @Test
    void theBarShowsTheSmoothedBatchLossAndTheEpochLineTheEpochMean() {
        PrintStream err = System.err;
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        StringWriter lines = new StringWriter();
        try {
            System.setErr(new PrintStream(bar, true, StandardCharsets.UTF_8));
            Progress p = new Progress(new PrintWriter(lines), true, 2, 10, 1, "validation");
            p.afterStep(new StepContext(1, 1, 0, 0.5, null, List.of(), List.of(), 0.1));
            p.afterStep(new StepContext(2, 1, 1, 0.25, null, List.of(), List.of(), 0.1));
            p.onEpochEnd(new EpochMetrics(1, 0.375, 0, 0.4, 0.75, 1, 20, 0.1, 0.8));
        } finally {
            System.setErr(err);
        }
        String drawn = bar.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("batch loss (smoothed) "), drawn);
        String line = lines.toString();
        assertTrue(line.startsWith("epoch   1  train loss (epoch mean) 0.3750  train acc 0.8000  val loss 0.4000"
                + "  val acc 0.7500"), line);
        assertTrue(Progress.line(new EpochMetrics(2, 0.3, 0, 0.4, 0.7, 1, 20, 0.1), "test")
                .matches("epoch   2  train loss \\(epoch mean\\) 0.3000  test loss 0.4000  test acc 0.7000 .*"));
    }
}
