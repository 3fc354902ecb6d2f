package dev.backprop.diagnose;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A metrics.jsonl line ({@code "type": "resume"}) that marks where a run was resumed from its checkpoint, so that
 * charts can show the seam, with what the resume changed about the learning rate (a longer cosine schedule, another
 * base rate), in words.
 *
 * @param epoch the last epoch completed before the resume (the run continues with the next one)
 * @param step the global step at that point
 * @param changes what the resume changed in the learning-rate schedule, one phrase each ("epochs 20 -> 30"); empty
 *     when it continues the same schedule
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Resumed(int epoch, long step, List<String> changes) {
    /** A null list of changes is an empty one. */
    public Resumed {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}
