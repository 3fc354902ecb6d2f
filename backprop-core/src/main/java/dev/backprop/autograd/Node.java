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

    Node(String op, Variable[] inputs, BackwardFn backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }
}
