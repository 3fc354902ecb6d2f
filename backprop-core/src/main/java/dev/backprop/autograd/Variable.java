package dev.backprop.autograd;

import dev.backprop.kernel.Tensors;
import dev.backprop.tensor.Shape;
import dev.backprop.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value on the tape: a {@link Tensor}, and for values that need one, its gradient dL/d(value).
 *
 * <p>Leaves are created by the user ({@link #param}, {@link #constant}); every other variable is the output of a
 * differentiable operation (see {@link Ops}), which records a {@link Node} holding its inputs and its backward rule.
 * This is the forward pass of the lecture's §1.1: each operation caches what its backward needs. {@link #backward()}
 * is the backward pass: it walks the graph once in reverse topological order, and each node turns
 * dL/d(output) into dL/d(inputs), which are summed into the inputs' gradients.
 *
 * <p>Only leaves that {@link #requiresGrad()} keep their gradient in {@link #grad()}; intermediate gradients are
 * dropped unless {@link #retainGrad()} was called (diagnostics use that to read dL/d(activation)).
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private Node node;
    private Tensor grad;
    private boolean retainGrad;
    private String name;

    private Variable(Tensor value, boolean requiresGrad, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /**
     * Creates a leaf whose gradient {@link #backward()} accumulates: a trainable parameter.
     *
     * @param value the parameter's tensor (not copied; optimizers update it in place)
     * @return the leaf, with {@link #requiresGrad()} true
     */
    public static Variable param(Tensor value) {
        return new Variable(value, true, null);
    }

    /**
     * Creates a leaf that needs no gradient (inputs, targets, fixed values).
     *
     * @param value the tensor (not copied)
     * @return the leaf, with {@link #requiresGrad()} false
     */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null);
    }

    /**
     * Records the output of an operation. If no input requires a gradient, or inside {@link NoGrad}, nothing is
     * recorded and the result is a constant.
     *
     * @param op name of the operation, used in error messages and diagnostics
     * @param output the forward result
     * @param backward the rule mapping dL/d(output) to dL/d(inputs)
     * @param inputs the operation's inputs, in the order {@code backward} returns their gradients; an optional
     *     input that is absent (a linear layer's missing bias) is null, and its gradient is ignored
     * @return the output as a variable: recorded (requiring a gradient) or a constant
     */
    public static Variable op(String op, Tensor output, BackwardFn backward, Variable... inputs) {
        if (NoGrad.active()) {
            return constant(output);
        }
        for (Variable in : inputs) {
            if (in != null && in.requiresGrad) {
                return new Variable(output, true, new Node(op, inputs, backward));
            }
        }
        return constant(output);
    }

    /**
     * As {@link #op}, for a rule whose gradient for input {@code i} is, where {@code fresh[i]}, a tensor it has just
     * created and shares with nothing (a matrix product's result): a parameter that receives only that gradient
     * takes the tensor as its gradient instead of a copy.
     */
    static Variable opFresh(String op, Tensor output, BackwardFn backward, boolean[] fresh, Variable... inputs) {
        if (NoGrad.active()) {
            return constant(output);
        }
        for (Variable in : inputs) {
            if (in != null && in.requiresGrad) {
                return new Variable(output, true, new Node(op, inputs, backward, fresh));
            }
        }
        return constant(output);
    }

    /** {@return the value (the tensor itself, not a copy)} */
    public Tensor value() {
        return value;
    }

    /** {@return the shape of the value} */
    public Shape shape() {
        return value.shape();
    }

    /** {@return true for parameters and for results of recorded operations on them} */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * {@return true for variables created with {@link #param} or {@link #constant} (or recorded as constants),
     * false for recorded operation outputs}
     */
    public boolean isLeaf() {
        return node == null;
    }

    /** {@return the name of the operation that produced this variable, or "leaf"} */
    public String opName() {
        return node == null ? "leaf" : node.op;
    }

    /** {@return the optional name (a parameter's name, a layer's output) used in messages, or null} */
    public String name() {
        return name;
    }

    /**
     * Sets the optional name used in messages and diagnostics.
     *
     * @param n the name (a parameter's name, a layer's output), or null to clear it
     * @return this variable, for chaining
     */
    public Variable named(String n) {
        this.name = n;
        return this;
    }

    /**
     * {@return the accumulated gradient dL/d(this), or null before any backward pass reached it (and for
     * intermediate variables without {@link #retainGrad()})}
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient (optimizers and tests use this).
     *
     * @param g the new gradient, of the value's shape (not copied), or null to clear it
     * @throws IllegalArgumentException if {@code g}'s shape differs from the value's
     */
    public void setGrad(Tensor g) {
        if (g != null) {
            value.requireSameShape(g, "setGrad");
        }
        this.grad = g;
    }

    /** Clears the gradient (sets it to null; the next backward pass starts a fresh one). */
    public void zeroGrad() {
        this.grad = null;
    }

    /**
     * Keeps this intermediate variable's gradient after backward, so that it can be read with {@link #grad()}.
     *
     * @return this variable, for chaining
     */
    public Variable retainGrad() {
        this.retainGrad = true;
        return this;
    }

    /**
     * Backward pass from a one-element result, with seed {@code dL/dL = 1}: the usual call on a loss.
     *
     * @throws IllegalArgumentException if the value does not have exactly one element (use {@link #backward(Tensor)})
     * @throws IllegalStateException as for {@link #backward(Tensor)}
     */
    public void backward() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("backward() without a seed gradient needs a scalar, got shape "
                    + value.shape() + "; pass dL/d(output) to backward(Tensor)");
        }
        backward(Tensor.full(value.dtype(), 1.0, value.shape().dims()));
    }

    /**
     * Backward pass from this variable with the given seed gradient dL/d(this): the chain rule of the lecture's
     * eqs. 1.3-1.14, applied one operation at a time. The variables reachable from this one are visited in reverse
     * topological order; each operation's rule turns the gradient of its output (already summed over all its uses)
     * into gradients of its inputs, and a value that feeds several operations gets the sum. Leaves that require a
     * gradient, and variables marked with {@link #retainGrad()}, add the result to {@link #grad()} (so gradients
     * accumulate across backward passes until cleared). Each rule is freed after use, so the graph can be traversed
     * only once.
     *
     * @param seed dL/d(this), of this variable's shape
     * @throws IllegalArgumentException if the seed's shape differs from this variable's
     * @throws IllegalStateException if this variable does not require a gradient, if this graph was already freed by
     *         an earlier backward pass, or if a backward rule returns a gradient of the wrong shape
     */
    public void backward(Tensor seed) {
        value.requireSameShape(seed, "backward seed");
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a value that does not require a gradient (op '"
                    + opName() + "'): no parameter contributed to it, or it was computed under NoGrad");
        }
        List<Variable> order = topologicalOrder();
        Map<Variable, Tensor> grads = new IdentityHashMap<>();
        // gradients this pass owns: sums it allocated, and fresh results of rules that declare them (Node.fresh)
        Map<Variable, Boolean> ownSum = new IdentityHashMap<>();
        grads.put(this, seed);
        for (int k = order.size() - 1; k >= 0; k--) {
            Variable v = order.get(k);
            Tensor g = grads.remove(v);
            if (g == null) {
                continue;
            }
            if (v.node == null && v.grad == null && ownSum.containsKey(v)) {
                v.grad = g; // a tensor this pass created and no one else holds: no copy needed
            } else if (v.node == null || v.retainGrad) {
                v.accumulate(g);
            }
            Node n = v.node;
            if (n == null) {
                continue;
            }
            if (n.backward == null) {
                throw new IllegalStateException("backward through '" + n.op
                        + "' a second time: its graph was freed by the first backward pass; run the forward pass again");
            }
            Tensor[] inGrads = n.backward.apply(g);
            n.backward = null; // free what the forward pass cached
            for (int i = 0; i < n.inputs.length; i++) {
                Variable in = n.inputs[i];
                Tensor ig = inGrads[i];
                if (in == null || !in.requiresGrad || ig == null) {
                    continue;
                }
                if (!ig.shape().equals(in.value.shape())) {
                    throw new IllegalStateException("backward of '" + n.op + "' returned a gradient of shape "
                            + ig.shape() + " for input " + i + " of shape " + in.value.shape());
                }
                Tensor prev = grads.get(in);
                if (prev == null) {
                    grads.put(in, ig);
                    if (n.fresh != null && n.fresh[i]) {
                        ownSum.put(in, Boolean.TRUE);
                    }
                } else if (ownSum.containsKey(in)) {
                    Tensors.addInto(prev, ig);
                } else {
                    // the first gradient may be shared (with the seed, or another input's); sum into a fresh tensor
                    Tensor sum = prev.copy();
                    Tensors.addInto(sum, ig);
                    grads.put(in, sum);
                    ownSum.put(in, Boolean.TRUE);
                }
            }
        }
    }

    private void accumulate(Tensor g) {
        if (grad == null) {
            grad = g.copy();
        } else {
            Tensors.addInto(grad, g);
        }
    }

    /** Variables reachable from this one, each after all of its inputs (iterative DFS: no stack overflow). */
    private List<Variable> topologicalOrder() {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        seen.put(this, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Variable v = (Variable) frame[0];
            int next = (Integer) frame[1];
            Variable[] inputs = v.node == null ? new Variable[0] : v.node.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Variable in = inputs[next];
                if (in != null && in.requiresGrad && seen.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    /** {@return a short description: the name if any, the producing operation and the value} */
    @Override
    public String toString() {
        return "Variable(" + (name != null ? name + ", " : "") + opName() + ", " + value + ")";
    }
}
