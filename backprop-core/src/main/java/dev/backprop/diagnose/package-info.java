/**
 * Seeing training: gradient-flow diagnostics with findings in plain words (lecture §2 vanishing and exploding
 * gradients, §2.1 the role of the activation, §3 symmetry, chapter 2 sparsity).
 *
 * <p>{@link dev.backprop.diagnose.GradientDiagnostics} is a {@code TrainingListener}. Every step it computes the
 * global gradient norm (one pass over the gradients); on logged steps (step 1 and every {@code logEvery}-th) it
 * traces the layer outputs and records a {@link dev.backprop.diagnose.StepStats} with one
 * {@link dev.backprop.diagnose.LayerStats} per layer (parameter and gradient norms, update ratios, activation mean
 * and spread, saturated and dead fractions, PReLU slopes, identical neurons, exact zeros). Each epoch gets an
 * {@link dev.backprop.diagnose.EpochSummary}. {@link dev.backprop.diagnose.Findings} applies the
 * {@link dev.backprop.diagnose.Thresholds} and reports each problem once, as a {@link dev.backprop.diagnose.Finding}
 * with a remedy. Every record renders itself as a JSON-ready map ({@code toMap()}: strings, numbers, lists, maps and
 * null for NaN) for metrics.jsonl and {@code --json} output.
 *
 * <p>Wiring, as the CLI does it:
 * <pre>{@code
 * GradientDiagnostics diag = new GradientDiagnostics(logEvery)      // default GradientDiagnostics.DEFAULT_LOG_EVERY
 *         .onFinding(f -> progress.println(f.message()))           // printed as they arise
 *         .onStep(s -> metrics.writeLine(s.toMap()))                // one JSON object per logged step
 *         .onEpoch(e -> metrics.writeLine(e.toMap()));              // one per epoch
 * Trainer trainer = Trainer.builder(model, loss, optimizer, loader).listener(diag).build();
 * try { trainer.fit(); } catch (DivergenceException e) { ... }      // diag has recorded a "divergence" finding
 * List<Map<String, Object>> findings = diag.findingMaps();          // "findings" in --json, findings.json
 * }</pre>
 */
package dev.backprop.diagnose;
