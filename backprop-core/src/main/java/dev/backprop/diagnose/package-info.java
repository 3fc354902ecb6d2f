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
 * with a remedy. The records are the schema of a run folder's metrics.jsonl and findings.json: their annotations
 * name the JSON properties, and {@link dev.backprop.diagnose.MetricsJson} writes them (NaN and infinities as null)
 * and reads them back into the same records (null and missing numbers as NaN) for the report.
 *
 * <p>Wiring, as the CLI does it:
 * <pre>{@code
 * GradientDiagnostics diag = new GradientDiagnostics(logEvery)      // default GradientDiagnostics.DEFAULT_LOG_EVERY
 *         .onFinding(f -> progress.println(f.message()))           // printed as they arise
 *         .onStep(s -> metrics.writeLine(MetricsJson.line(s)))      // one JSON object per logged step
 *         .onEpoch(e -> metrics.writeLine(MetricsJson.line(e)));    // one per epoch
 * Trainer trainer = Trainer.builder(model, loss, optimizer, loader).listener(diag).build();
 * try { trainer.fit(); } catch (DivergenceException e) { ... }      // diag has recorded a "divergence" finding
 * byte[] findingsJson = MetricsJson.findingsDocument(diag.findings()); // findings.json
 * }</pre>
 */
package dev.backprop.diagnose;
