package dev.backprop.nn;

import dev.backprop.autograd.Ops;
import dev.backprop.autograd.Variable;
import dev.backprop.tensor.DType;
import dev.backprop.tensor.Tensor;
import java.util.List;

/**
 * Parametric ReLU (lecture eq. 1.17): φ(x) = x for x &gt; 0, α·x otherwise, with α learned. One α shared by all
 * features ({@code numParameters = 1}) or one per feature (input [N, numParameters]). α starts at {@code init}
 * (0.25 as in He et al., 2015) and has role {@link Role#PRELU_ALPHA}, so optimizers do not weight-decay it by default.
 * Its state-dict name is "weight", as in PyTorch.
 */
public final class PReLU extends Module {
    private final int numParameters;
    private final Parameter alpha;

    /**
     * A PReLU with {@code numParameters} slopes, all starting at {@code init}.
     *
     * @param numParameters 1 for one shared slope, or the number of features
     * @param init the initial slope α
     * @param dtype the dtype of α
     * @throws IllegalArgumentException if {@code numParameters} is not positive
     */
    public PReLU(int numParameters, double init, DType dtype) {
        if (numParameters <= 0) {
            throw new IllegalArgumentException("PReLU needs numParameters >= 1, got " + numParameters);
        }
        this.numParameters = numParameters;
        this.alpha = Parameter.of("weight", Role.PRELU_ALPHA, Tensor.full(dtype, init, numParameters));
    }

    /**
     * One shared slope starting at 0.25.
     *
     * @param dtype the dtype of α
     */
    public PReLU(DType dtype) {
        this(1, 0.25, dtype);
    }

    /**
     * The learned slopes.
     *
     * @return α, of shape [numParameters], named "weight" with role {@link Role#PRELU_ALPHA}
     */
    public Parameter alpha() {
        return alpha;
    }

    /**
     * The number of slopes.
     *
     * @return 1 for a shared slope, else the number of features
     */
    public int numParameters() {
        return numParameters;
    }

    @Override
    public Variable forward(Variable x) {
        if (numParameters > 1 && (x.value().rank() != 2 || x.value().dim(1) != numParameters)) {
            throw new IllegalArgumentException(describe() + " got input of shape " + x.value().shape()
                    + ", expected [N, " + numParameters + "]");
        }
        return Ops.prelu(x, alpha.variable());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(alpha);
    }

    @Override
    public LayerSpec.PReLU spec() {
        return new LayerSpec.PReLU(numParameters);
    }

    @Override
    public String describe() {
        return "PReLU(" + (numParameters == 1 ? "shared" : numParameters) + ")";
    }
}
