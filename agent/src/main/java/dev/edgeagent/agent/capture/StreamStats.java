package dev.edgeagent.agent.capture;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-stream capture counters. The capture thread is the single writer of the counters (ordered
 * stores, no locks, no allocation); metrics and the status log read them from other threads.
 * Capture latency (receive to durable in the queue) goes into a wait-free HdrHistogram recorder.
 */
public final class StreamStats {

    private static final VarHandle RECORDS;
    private static final VarHandle BYTES;
    private static final VarHandle REFUSED;
    private static final VarHandle LAST_SEQUENCE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RECORDS = l.findVarHandle(StreamStats.class, "records", long.class);
            BYTES = l.findVarHandle(StreamStats.class, "bytes", long.class);
            REFUSED = l.findVarHandle(StreamStats.class, "refused", long.class);
            LAST_SEQUENCE = l.findVarHandle(StreamStats.class, "lastSequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String streamId;
    @SuppressWarnings("unused") private long records;
    @SuppressWarnings("unused") private long bytes;
    @SuppressWarnings("unused") private long refused;
    @SuppressWarnings("unused") private long lastSequence = -1;
    // up to 60 s with 2 significant digits (1 %, plenty for quantiles): covers a stalled disk without resizing,
    // in 31 KB a histogram (3 digits would take 222 KB, times three per stream, on a heap of 128 MB). The capture thread records
    // into the active histogram inside a writer critical section (one per block, not per record); the sampler
    // flips active and inactive and folds the inactive one into the cumulative histogram.
    private static final long MAX_LATENCY_NS = 60_000_000_000L;
    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private static final int LATENCY_DIGITS = 2;
    private volatile Histogram activeLatency = new Histogram(MAX_LATENCY_NS, LATENCY_DIGITS);
    private Histogram inactiveLatency = new Histogram(MAX_LATENCY_NS, LATENCY_DIGITS);
    private final Histogram cumulativeLatency = new Histogram(MAX_LATENCY_NS, LATENCY_DIGITS);
    private final Map<String, LongAdder> badInput = new ConcurrentHashMap<>();

    public StreamStats(String streamId) {
        this.streamId = streamId;
    }

    public String streamId() {
        return streamId;
    }

    /** Capture thread only: a block of records became durable, the newest being {@code lastSequence}. */
    void onCommitted(long lastSequence, int records, long payloadBytes) {
        RECORDS.setRelease(this, (long) RECORDS.getOpaque(this) + records);
        BYTES.setRelease(this, (long) BYTES.getOpaque(this) + payloadBytes);
        LAST_SEQUENCE.setRelease(this, lastSequence);
    }

    /** Capture thread only: a block became durable at {@code nowNs}; its records were received at these times. */
    void recordLatencies(long nowNs, long[] receiveMonoNs, int records) {
        long token = phaser.writerCriticalSectionEnter();
        try {
            Histogram h = activeLatency;
            for (int i = 0; i < records; i++) {
                h.recordValue(Math.min(Math.max(nowNs - receiveMonoNs[i], 0), MAX_LATENCY_NS));
            }
        } finally {
            phaser.writerCriticalSectionExit(token);
        }
    }

    /** Capture thread only. */
    void onRefused() {
        REFUSED.setRelease(this, (long) REFUSED.getOpaque(this) + 1);
    }

    /** Records accepted into a block whose write then failed (a full disk mid-block): not in the queue. */
    private final java.util.concurrent.atomic.AtomicLong lostOnWriteFailure = new java.util.concurrent.atomic.AtomicLong();

    /** Capture thread only. */
    void onLostOnWriteFailure(int records) {
        lostOnWriteFailure.addAndGet(records);
    }

    public long lostOnWriteFailure() {
        return lostOnWriteFailure.get();
    }

    void initLastSequence(long sequence) {
        LAST_SEQUENCE.setRelease(this, sequence);
    }

    /** Bad input is rare: a map of adders is fine here. Any thread. */
    public void onBadInput(String kind) {
        badInput.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public long records() {
        return (long) RECORDS.getAcquire(this);
    }

    public long bytes() {
        return (long) BYTES.getAcquire(this);
    }

    public long refused() {
        return (long) REFUSED.getAcquire(this);
    }

    /** Sequence of the newest record in the queue, -1 when it is empty. */
    public long lastSequence() {
        return (long) LAST_SEQUENCE.getAcquire(this);
    }

    public Map<String, LongAdder> badInput() {
        return badInput;
    }

    public long badInputTotal() {
        long n = 0;
        for (LongAdder a : badInput.values()) {
            n += a.sum();
        }
        return n;
    }

    /**
     * Folds the latency recorded since the last call into the cumulative histogram and returns a copy
     * of it. Called by one reader (the metrics sampler), never on the capture path.
     */
    public Histogram sampleLatency() {
        return sampleLatencyInto(null);
    }

    /**
     * As {@link #sampleLatency()}, into {@code reuse} (a histogram this method returned before) rather than a new
     * copy: a sampler that runs every second allocates nothing.
     */
    public synchronized Histogram sampleLatencyInto(Histogram reuse) {
        phaser.readerLock();
        try {
            inactiveLatency.reset();
            Histogram recorded = activeLatency;
            activeLatency = inactiveLatency;
            inactiveLatency = recorded;
            phaser.flipPhase();
        } finally {
            phaser.readerUnlock();
        }
        cumulativeLatency.add(inactiveLatency);
        if (reuse == null) {
            return cumulativeLatency.copy();
        }
        cumulativeLatency.copyInto(reuse);
        return reuse;
    }
}
