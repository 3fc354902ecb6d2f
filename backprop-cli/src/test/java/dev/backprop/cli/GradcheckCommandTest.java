package dev.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code backprop gradcheck} in-process on small models. */
class GradcheckCommandTest {

    @Test
    void healthyModelPassesWithEveryParameterNamed() {
        JsonNode j = Cli.run("gradcheck", "--samples", "50", "--layers", "2-6-5-2", "--activation", "tanh",
                "--batch-norm", "--dropout", "0.3", "--json").expect(0).json();
        assertEquals("max_relative_error", Cli.fields(j).get(0));
        assertEquals("parameters", Cli.fields(j).get(1));
        assertTrue(j.get("max_relative_error").asDouble() <= 1e-6, j.toString());
        // Linear layers followed by batch norm have no bias; batch norm has weight and bias.
        assertEquals(List.of("0.weight", "1.weight", "1.bias", "4.weight", "5.weight", "5.bias", "8.weight", "8.bias"),
                Cli.fields(j.get("parameters")));
        for (JsonNode e : j.get("parameters")) {
            assertTrue(e.asDouble() >= 0 && e.asDouble() <= j.get("max_relative_error").asDouble(), j.toString());
        }
        assertTrue(j.get("passed").asBoolean());
        assertEquals(8, j.get("batch").asInt(), "default batch");
    }

    @Test
    void textReportListsParametersAndTheSampleCap() {
        Cli.Result r = Cli.run("gradcheck", "--samples", "50", "--layers", "2-40-2", "--loss", "mse",
                "--max-checks", "30").expect(0);
        assertTrue(r.out().contains("30 of 80"), r.out());
        assertTrue(r.out().contains("a seeded random sample of 30 checked"), r.out());
        assertTrue(r.out().contains("PASSED"), r.out());
        for (String p : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
            assertTrue(r.out().contains(p), p + " in\n" + r.out());
        }
    }

    @Test
    void exitsOneAboveTheTolerance() {
        // Central differences in f64 agree to ~1e-8 at best, never to 1e-15.
        Cli.Result r = Cli.run("gradcheck", "--samples", "50", "--layers", "2-4-2", "--tolerance", "1e-15", "--json")
                .expect(1);
        assertTrue(r.json().get("max_relative_error").asDouble() > 1e-15);
        assertTrue(r.err().contains("gradient check failed"), r.err());
    }
}
