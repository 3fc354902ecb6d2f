package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The architecture JSON of layer specs round-trips and rejects bad input. */
class LayerSpecJsonTest {
    @Test
    void roundTrip() {
        List<LayerSpec> specs = Mlp.of(8, 6, 4, 2).activation(ActivationKind.ELU).dropout(0.3).batchNorm(true).specs();
        List<LayerSpec> withPrelu = new java.util.ArrayList<>(specs);
        withPrelu.add(new LayerSpec.PReLU(1));
        withPrelu.add(new LayerSpec.Sequence(List.of(new LayerSpec.Linear(2, 2, false))));
        String json = LayerSpec.toJson(withPrelu);
        assertTrue(json.contains("{\"type\":\"linear\",\"in\":8,\"out\":6,\"bias\":false}"), json);
        assertTrue(json.contains("{\"type\":\"activation\",\"kind\":\"elu\",\"param\":1.0}"), json);
        assertEquals(withPrelu, LayerSpec.listFromJson(json));
        Sequential a = Sequential.fromSpecs(LayerSpec.listFromJson(json), DType.F32, 3);
        assertEquals(withPrelu, a.specs());
    }

    @Test
    void rejectsUnknownTypesAndKinds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerSpec.listFromJson("[{\"type\":\"conv\",\"in\":1}]"));
        assertTrue(e.getMessage().contains("conv"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LayerSpec.listFromJson("[{\"type\":\"activation\",\"kind\":\"swoosh\",\"param\":0}]"));
        assertTrue(e.getMessage().contains("swoosh"), e.getMessage());
    }
}
