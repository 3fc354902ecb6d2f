package dev.backprop.optim;

import dev.backprop.nn.Parameter;
import dev.backprop.nn.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameters that share a learning rate and a {@link Regularizer}.
 *
 * @param params the parameters
 * @param lr the group's initial learning rate η
 * @param regularizer the penalty applied to every parameter of the group
 */
public record ParamGroup(List<Parameter> params, double lr, Regularizer regularizer) {
    /**
     * Copies {@code params}; a null {@code regularizer} means {@link Regularizer#none()}.
     *
     * @throws IllegalArgumentException for a negative, infinite or NaN learning rate
     */
    public ParamGroup {
        params = List.copyOf(params);
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("invalid learning rate: " + lr);
        }
        if (regularizer == null) {
            regularizer = Regularizer.none();
        }
    }

    /**
     * The default grouping: {@link Role#WEIGHT}s with {@code regularizer}, every other parameter (biases, PReLU
     * slopes, batch-norm scales and shifts) without regularization; both at rate {@code lr}. An empty group is left
     * out, except that an empty {@code params} gives one empty weight group.
     *
     * @param params the parameters, e.g. {@code model.parameters()}
     * @param lr the learning rate η of both groups
     * @param regularizer the penalty on the weights
     * @return the weight group, then the group of the other parameters
     */
    public static List<ParamGroup> split(List<Parameter> params, double lr, Regularizer regularizer) {
        List<Parameter> weights = new ArrayList<>();
        List<Parameter> others = new ArrayList<>();
        for (Parameter p : params) {
            (p.role() == Role.WEIGHT ? weights : others).add(p);
        }
        List<ParamGroup> groups = new ArrayList<>();
        if (!weights.isEmpty() || others.isEmpty()) {
            groups.add(new ParamGroup(weights, lr, regularizer));
        }
        if (!others.isEmpty()) {
            groups.add(new ParamGroup(others, lr, Regularizer.none()));
        }
        return groups;
    }

    /**
     * One group holding every parameter, all with {@code regularizer} (roles ignored).
     *
     * @param params the parameters
     * @param lr the learning rate η
     * @param regularizer the penalty on every parameter, biases included
     * @return a list of that one group
     */
    public static List<ParamGroup> all(List<Parameter> params, double lr, Regularizer regularizer) {
        return List.of(new ParamGroup(params, lr, regularizer));
    }
}
