package dev.edgeagent.agent.batch;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one stream's batcher; written by the batcher thread, read by metrics and the status log. */
public final class BatcherStats {

    final AtomicLong batchesSealed = new AtomicLong();
    final AtomicLong recordsSealed = new AtomicLong();
    final AtomicLong objectBytesSealed = new AtomicLong();
    final AtomicLong rawBytesSealed = new AtomicLong();
    final AtomicLong lastSealedSeq = new AtomicLong(-1);
    final AtomicLong openRecords = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong skippedAlreadySealed = new AtomicLong();

    public long batchesSealed() {
        return batchesSealed.get();
    }

    public long recordsSealed() {
        return recordsSealed.get();
    }

    public long objectBytesSealed() {
        return objectBytesSealed.get();
    }

    public long rawBytesSealed() {
        return rawBytesSealed.get();
    }

    /** Highest sequence in a sealed batch (this run or before a restart), -1 when none. */
    public long lastSealedSeq() {
        return lastSealedSeq.get();
    }

    /** Records read into the batch being built, not yet sealed. */
    public long openRecords() {
        return openRecords.get();
    }

    /** Batches that failed to seal (I/O errors); their records are batched again from the queue. */
    public long failures() {
        return failures.get();
    }

    /** Records read again after a restart that were already in a sealed batch, and skipped. */
    public long skippedAlreadySealed() {
        return skippedAlreadySealed.get();
    }
}
