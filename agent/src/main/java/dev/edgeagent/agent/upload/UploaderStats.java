package dev.edgeagent.agent.upload;

import dev.edgeagent.agent.config.Tier;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

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

    // per tier, indexed by Tier.ordinal(): what the health report and the tier metrics need
    final AtomicLongArray tierBacklogBatches = new AtomicLongArray(Tier.values().length);
    final AtomicLongArray tierBacklogBytes = new AtomicLongArray(Tier.values().length);
    final AtomicLongArray tierBatchesUploaded = new AtomicLongArray(Tier.values().length);
    final AtomicLongArray tierBytesUploaded = new AtomicLongArray(Tier.values().length);
    final AtomicLongArray tierLastSuccessEpochMs = new AtomicLongArray(Tier.values().length);
    final AtomicLong auditEntriesUploaded = new AtomicLong();
    volatile long auditLastUploadEpochMs;

    /** Sealed batches of the tier waiting in the outbox (as of the last scan, about every second). */
    public long backlogBatches(Tier t) {
        return tierBacklogBatches.get(t.ordinal());
    }

    public long backlogBytes(Tier t) {
        return tierBacklogBytes.get(t.ordinal());
    }

    /** Batches of the tier (by the tier in their manifest) uploaded and confirmed. */
    public long batchesUploaded(Tier t) {
        return tierBatchesUploaded.get(t.ordinal());
    }

    public long bytesUploaded(Tier t) {
        return tierBytesUploaded.get(t.ordinal());
    }

    /** 0 until the tier's first confirmed upload. */
    public long lastSuccessEpochMs(Tier t) {
        return tierLastSuccessEpochMs.get(t.ordinal());
    }

    /** Audit log entries uploaded (each exactly once). */
    public long auditEntriesUploaded() {
        return auditEntriesUploaded.get();
    }

    public long auditLastUploadEpochMs() {
        return auditLastUploadEpochMs;
    }
}
