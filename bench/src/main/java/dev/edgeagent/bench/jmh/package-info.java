/**
 * JMH benchmarks of the hot pieces: record append, MCAP chunk write, LZ4, and each decoder. The load harness
 * ({@code bench/run}) runs them and puts their figures in its report.
 */
package dev.edgeagent.bench.jmh;
