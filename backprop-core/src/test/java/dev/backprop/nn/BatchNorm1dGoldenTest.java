package dev.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** BatchNorm1d against PyTorch (values made by scripts/golden/make_optim_golden.py). */
class BatchNorm1dGoldenTest {
    private static final double TOL = 1e-10;

    static JsonNode golden() throws IOException {
        try (InputStream in = BatchNorm1dGoldenTest.class.getResourceAsStream("/golden/optim.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Tensor tensor(JsonNode node) {
        if (node.get(0).isArray()) {
            int rows = node.size();
            int cols = node.get(0).size();
            double[] d = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    d[r * cols + c] = node.get(r).get(c).asDouble();
                }
            }
            return Tensor.of(d, rows, cols);
        }
        double[] d = new double[node.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = node.get(i).asDouble();
        }
        return Tensor.of(d, d.length);
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what + " shape");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.getFlat(i), actual.getFlat(i), TOL, what + "[" + i + "]");
        }
    }

    @Test
    void matchesPyTorch() throws IOException {
        JsonNode g = golden().get("batchnorm1d");
        BatchNorm1d bn = new BatchNorm1d(4, g.get("eps").asDouble(), g.get("momentum").asDouble(), DType.F64);
        bn.weight().value().copyFrom(tensor(g.get("weight")));
        bn.bias().value().copyFrom(tensor(g.get("bias")));
        Variable x = Variable.param(tensor(g.get("x")));
        Variable y = bn.forward(x);
        assertClose(tensor(g.get("y_train")), y.value(), "training output");
        y.backward(tensor(g.get("dy")));
        assertClose(tensor(g.get("dx")), x.grad(), "dL/dx");
        assertClose(tensor(g.get("dweight")), bn.weight().grad(), "dL/dweight");
        assertClose(tensor(g.get("dbias")), bn.bias().grad(), "dL/dbias");
        bn.forward(Variable.constant(tensor(g.get("x2"))));
        assertClose(tensor(g.get("running_mean")), bn.runningMean(), "running_mean");
        assertClose(tensor(g.get("running_var")), bn.runningVar(), "running_var");
        assertEquals(g.get("num_batches_tracked").asDouble(), bn.buffers().get("num_batches_tracked").item());
        bn.eval();
        assertClose(tensor(g.get("y_eval")), bn.forward(Variable.constant(tensor(g.get("x")))).value(), "eval output");
        assertTrue(bn.stateDict().keySet().containsAll(
                java.util.List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked")));
    }
}
