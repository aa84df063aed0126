package dev.edgeagent.agent.upload;

import java.util.concurrent.atomic.AtomicLong;

/** Upload counters; written by the uploader thread, read by metrics, health and the status log. */
public final class UploaderStats {

    final AtomicLong batchesUploaded = new AtomicLong();
    final AtomicLong bytesUploaded = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong quarantined = new AtomicLong();
    volatile long backlogBatches;
    volatile long backlogBytes;
    volatile long lastSuccessEpochMs;
    volatile String lastError;

    public long batchesUploaded() {
        return batchesUploaded.get();
    }

    /** Objects and manifests. */
    public long bytesUploaded() {
        return bytesUploaded.get();
    }

    /** Failed attempts; each is retried with backoff. */
    public long failures() {
        return failures.get();
    }

    /** Batches whose local bytes no longer matched their manifest: moved aside, never uploaded. */
    public long quarantined() {
        return quarantined.get();
    }

    public long backlogBatches() {
        return backlogBatches;
    }

    public long backlogBytes() {
        return backlogBytes;
    }

    /** 0 until the first confirmed upload. */
    public long lastSuccessEpochMs() {
        return lastSuccessEpochMs;
    }

    /** Text of the last failure; null once an upload succeeded after it. */
    public String lastError() {
        return lastError;
    }
}
