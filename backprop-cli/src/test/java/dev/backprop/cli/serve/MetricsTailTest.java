package dev.backprop.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.diagnose.MetricsJson;
import dev.backprop.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading metrics.jsonl in bounded pieces: every line once, in order, whatever the piece size. */
class MetricsTailTest {
    @TempDir
    Path tmp;

    @Test
    void smallPiecesReadEveryLineOnceInOrder() throws IOException {
        Path f = tmp.resolve("metrics.jsonl");
        StringBuilder b = new StringBuilder();
        for (int e = 1; e <= 50; e++) {
            b.append(MetricsJson.line(new EpochMetrics(e, 1, 0, 1, 0.5, 1, 1, 0.1))).append('\n');
        }
        b.append("{\"type\":\"epoch\",\"epo"); // being written
        Files.writeString(f, b);
        int lineLength = b.indexOf("\n") + 1;
        for (int max : new int[] {1, lineLength - 1, lineLength, lineLength + 1, 3 * lineLength + 7, 1 << 20}) {
            List<Integer> epochs = new ArrayList<>();
            String file = null;
            long since = 0;
            long line = 0;
            int reads = 0;
            MetricsTail.Chunk c;
            do {
                c = MetricsTail.read(f, file, since, line, max);
                assertFalse(c.reset() && reads > 0, "no reset while the file only grows");
                assertTrue(c.errors().isEmpty(), c.errors().toString());
                c.records().forEach(r -> epochs.add(((EpochMetrics) r).epoch()));
                file = c.file();
                since = c.next();
                line = c.nextLine();
                reads++;
            } while (c.more());
            assertEquals(50, epochs.size(), "pieces of " + max + " bytes");
            for (int i = 0; i < 50; i++) {
                assertEquals(i + 1, epochs.get(i));
            }
            assertEquals(50, line);
            assertEquals(b.lastIndexOf("\n") + 1, since, "stops before the partial line");
            assertTrue(max >= 1 << 20 || reads > 1, "read in several pieces");
        }
    }
}
