package dev.backprop.autograd;

/**
 * One recorded operation on the tape: its name (for error messages and diagnostics), its inputs, and the backward
 * rule that turns dL/d(output) into dL/d(inputs). The rule is dropped after {@link Variable#backward()} has run
 * through it, which frees what the forward pass cached.
 */
final class Node {
    final String op;
    final Variable[] inputs;
    BackwardFn backward;
    /** Per input, whether the rule returns a new tensor no one else holds (null: none known to be); may be null. */
    final boolean[] fresh;

    Node(String op, Variable[] inputs, BackwardFn backward) {
        this(op, inputs, backward, null);
    }

    Node(String op, Variable[] inputs, BackwardFn backward, boolean[] fresh) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.fresh = fresh;
    }
}
