package dev.edgeagent.agent.batch;

/** When to cut a batch and how to write it. */
public record BatchSettings(long maxDurationNs, long maxBytes, int chunkBytes, boolean lz4) {
}
