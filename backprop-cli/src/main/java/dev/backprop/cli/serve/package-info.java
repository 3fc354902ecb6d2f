/**
 * {@code backprop serve}: a local, read-only web view of a folder of run folders. {@link
 * dev.backprop.cli.serve.RunServer} answers HTTP on the JDK's server; {@code RunsRoot} is the only way a request
 * reaches a file (one path segment per name, no links); {@code MetricsTail} reads a growing metrics.jsonl from an
 * offset with the records of {@code dev.backprop.diagnose.MetricsJson}; {@code RunState} keeps each run's read
 * offset and totals for the list; the pages' scripts and styles live in the resources beside this package and draw
 * with uPlot from its webjar.
 */
package dev.backprop.cli.serve;
