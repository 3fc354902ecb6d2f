package dev.backprop.nn;

import dev.backprop.autograd.Variable;
import dev.backprop.tensor.Tensor;
import java.util.Objects;

/**
 * A trainable tensor of a module: a leaf {@link Variable} with a name and a {@link Role}.
 *
 * <p>Names follow PyTorch's {@code state_dict}: a layer names its own parameters ("weight", "bias") and a
 * {@link Sequential} prefixes them with the layer's index ("0.weight"). A prefixed parameter shares the variable of
 * the original, so both see the same value and gradient.
 */
public final class Parameter {
    private final String name;
    private final Role role;
    private final Variable variable;

    /**
     * A parameter over an existing variable.
     *
     * @param name the state-dict name
     * @param role what the parameter is for
     * @param variable the variable, which must require a gradient (normally a leaf)
     * @throws IllegalArgumentException if {@code variable} does not require a gradient
     */
    public Parameter(String name, Role role, Variable variable) {
        this.name = Objects.requireNonNull(name, "name");
        this.role = Objects.requireNonNull(role, "role");
        this.variable = Objects.requireNonNull(variable, "variable");
        if (!variable.requiresGrad()) {
            throw new IllegalArgumentException("parameter '" + name + "' needs a variable that requires a gradient");
        }
    }

    /**
     * A parameter over a new leaf variable holding {@code value}, named {@code name}.
     *
     * @param name the state-dict name
     * @param role what the parameter is for
     * @param value the initial value (not copied)
     * @return the parameter
     */
    public static Parameter of(String name, Role role, Tensor value) {
        return new Parameter(name, role, Variable.param(value).named(name));
    }

    /**
     * The state-dict name.
     *
     * @return e.g. "weight", or "0.weight" under a {@link Sequential}
     */
    public String name() {
        return name;
    }

    /**
     * What the parameter is for.
     *
     * @return the role
     */
    public Role role() {
        return role;
    }

    /**
     * The leaf variable that holds the value and accumulates the gradient.
     *
     * @return the variable
     */
    public Variable variable() {
        return variable;
    }

    /**
     * The current value (updated in place by optimizers).
     *
     * @return the live tensor
     */
    public Tensor value() {
        return variable.value();
    }

    /**
     * The gradient.
     *
     * @return dL/d(value) accumulated by the backward passes since the last zeroGrad, or null if none
     */
    public Tensor grad() {
        return variable.grad();
    }

    /**
     * The same parameter seen under the name {@code prefix + name()}.
     *
     * @param prefix the prefix, e.g. "0."
     * @return a parameter sharing this one's variable
     */
    public Parameter withPrefix(String prefix) {
        return new Parameter(prefix + name, role, variable);
    }

    @Override
    public String toString() {
        return "Parameter(" + name + ", " + role + ", " + value().shape() + ")";
    }
}
