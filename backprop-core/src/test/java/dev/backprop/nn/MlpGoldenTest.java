package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backprop.autograd.Reduction;
import dev.backprop.autograd.Variable;
import dev.backprop.nn.loss.Loss;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A PyTorch state_dict (Linear-BatchNorm1d-PReLU-Linear, F64) loads into {@code Mlp.build} by name, and the network
 * then gives PyTorch's logits, loss and gradients in training mode and its logits in eval mode.
 */
class MlpGoldenTest {
    private static final double TOL = 1e-10;

    @Test
    void pyTorchStateDictLoadsAndAgrees() throws IOException {
        JsonNode g = BatchNorm1dGoldenTest.golden().get("mlp");
        Sequential net = Mlp.of(5, 4, 3).activation(ActivationKind.PRELU).batchNorm(true).dtype(DType.F64).seed(1).build();
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = g.get("state").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            state.put(e.getKey(), e.getValue().isArray() ? BatchNorm1dGoldenTest.tensor(e.getValue())
                    : Tensor.scalar(DType.F64, e.getValue().asDouble()));
        }
        net.loadStateDict(state);
        int[] labels = new int[g.get("labels").size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = g.get("labels").get(i).asInt();
        }
        Tensor x = BatchNorm1dGoldenTest.tensor(g.get("x"));
        Variable logits = net.forward(Variable.constant(x));
        BatchNorm1dGoldenTest.assertClose(BatchNorm1dGoldenTest.tensor(g.get("logits_train")), logits.value(), "logits");
        Variable loss = Loss.crossEntropy(Reduction.MEAN).compute(logits, labels, null);
        assertEquals(g.get("loss").asDouble(), loss.value().item(), TOL);
        loss.backward();
        for (Parameter p : net.parameters()) {
            BatchNorm1dGoldenTest.assertClose(BatchNorm1dGoldenTest.tensor(g.get("grads").get(p.name())), p.grad(),
                    "dL/d" + p.name());
        }
        BatchNorm1dGoldenTest.assertClose(BatchNorm1dGoldenTest.tensor(g.get("running_mean")),
                net.stateDict().get("1.running_mean"), "running_mean");
        BatchNorm1dGoldenTest.assertClose(BatchNorm1dGoldenTest.tensor(g.get("running_var")),
                net.stateDict().get("1.running_var"), "running_var");
        net.eval();
        BatchNorm1dGoldenTest.assertClose(BatchNorm1dGoldenTest.tensor(g.get("logits_eval")),
                net.forward(Variable.constant(x)).value(), "eval logits");
    }
}
