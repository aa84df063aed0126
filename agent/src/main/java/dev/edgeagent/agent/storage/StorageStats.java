package dev.edgeagent.agent.storage;

import dev.edgeagent.agent.config.Tier;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** What the storage governor measured and removed; read by metrics, the health report and tests. */
public final class StorageStats {

    /** Per stream: what was evicted. Written by the governor (and, for queue files, the batcher's callback). */
    public static final class StreamCounters {
        final String streamId;
        final Tier tier;
        final AtomicLong evictedBatches = new AtomicLong();
        final AtomicLong evictedBatchBytes = new AtomicLong();
        final AtomicLong evictedBatchRecords = new AtomicLong();
        final AtomicLong evictedQueueFiles = new AtomicLong();
        final AtomicLong evictedQueueBytes = new AtomicLong();
        final AtomicLong lostQueueRecords = new AtomicLong();

        StreamCounters(String streamId, Tier tier) {
            this.streamId = streamId;
            this.tier = tier;
        }

        public String streamId() {
            return streamId;
        }

        public Tier tier() {
            return tier;
        }

        /** Sealed batches removed from the outbox before upload (object and manifest). */
        public long evictedBatches() {
            return evictedBatches.get();
        }

        public long evictedBatchBytes() {
            return evictedBatchBytes.get();
        }

        /** Records in the evicted batches: lost. */
        public long evictedBatchRecords() {
            return evictedBatchRecords.get();
        }

        /** Capture queue cycle files deleted under quota or disk pressure (not by plain retention). */
        public long evictedQueueFiles() {
            return evictedQueueFiles.get();
        }

        public long evictedQueueBytes() {
            return evictedQueueBytes.get();
        }

        /** Records in evicted queue files that were in no sealed batch yet: lost. */
        public long lostQueueRecords() {
            return lostQueueRecords.get();
        }
    }

    private static final int TIERS = Tier.values().length;
    final AtomicLongArray queueBytes = new AtomicLongArray(TIERS);
    final AtomicLongArray outboxBytes = new AtomicLongArray(TIERS);
    final AtomicLongArray outboxBatches = new AtomicLongArray(TIERS);
    final AtomicLongArray rejecting = new AtomicLongArray(TIERS);
    volatile long freeBytes = -1;
    volatile long lastCheckEpochMs;

    /** Bytes of the tier's capture queue files, at the last check. */
    public long queueBytes(Tier t) {
        return queueBytes.get(t.ordinal());
    }

    /** Bytes of the tier's sealed batches (objects and manifests) in the outbox, at the last check. */
    public long outboxBytes(Tier t) {
        return outboxBytes.get(t.ordinal());
    }

    public long outboxBatches(Tier t) {
        return outboxBatches.get(t.ordinal());
    }

    /** Disk use of the tier: queue and outbox. */
    public long usedBytes(Tier t) {
        return queueBytes(t) + outboxBytes(t);
    }

    /** Streams of the tier refusing new records now (reject-new quota or disk full). */
    public long rejectingStreams(Tier t) {
        return rejecting.get(t.ordinal());
    }

    /** Usable bytes on the data directory's filesystem at the last check; -1 before the first. */
    public long freeBytes() {
        return freeBytes;
    }

    public long lastCheckEpochMs() {
        return lastCheckEpochMs;
    }
}
