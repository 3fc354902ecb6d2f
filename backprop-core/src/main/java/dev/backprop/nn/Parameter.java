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

    public Parameter(String name, Role role, Variable variable) {
        this.name = Objects.requireNonNull(name, "name");
        this.role = Objects.requireNonNull(role, "role");
        this.variable = Objects.requireNonNull(variable, "variable");
        if (!variable.requiresGrad()) {
            throw new IllegalArgumentException("parameter '" + name + "' needs a variable that requires a gradient");
        }
    }

    /** A new leaf variable holding {@code value}, named {@code name}. */
    public static Parameter of(String name, Role role, Tensor value) {
        return new Parameter(name, role, Variable.param(value).named(name));
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    public Variable variable() {
        return variable;
    }

    /** The current value (updated in place by optimizers). */
    public Tensor value() {
        return variable.value();
    }

    /** dL/d(value) from the last backward pass, or null. */
    public Tensor grad() {
        return variable.grad();
    }

    /** The same parameter seen under the name {@code prefix + name()}. */
    public Parameter withPrefix(String prefix) {
        return new Parameter(prefix + name, role, variable);
    }

    @Override
    public String toString() {
        return "Parameter(" + name + ", " + role + ", " + value().shape() + ")";
    }
}
