package dev.edgeagent.agent.batch;

/**
 * When to cut a batch and how to write it; and how long capture queue files stay after they are batched
 * ({@code queueRetentionMs}; negative keeps them forever).
 */
public record BatchSettings(long maxDurationNs, long maxBytes, int chunkBytes, boolean lz4, long queueRetentionMs) {

    public BatchSettings(long maxDurationNs, long maxBytes, int chunkBytes, boolean lz4) {
        this(maxDurationNs, maxBytes, chunkBytes, lz4, -1);
    }
}
