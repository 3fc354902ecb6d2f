/**
 * The lecture's experiments behind {@code backprop experiment NAME}: small, fast runs that make the lecture's claims
 * visible — vanishing gradients (§2, §2.1), symmetry under constant initialization (§3), weight decay and sparsity
 * (chapter 2) and the activation and penalty functions themselves (Figures 1.3 and 2.2).
 *
 * <p>Each experiment returns an {@link dev.backprop.cli.experiment.ExperimentResult}: a JSON-ready map, a printed
 * table, figures as SVG, and notes; {@link dev.backprop.cli.experiment.ExperimentReport} writes them to a folder with a
 * self-contained report.html.
 */
package dev.backprop.cli.experiment;
