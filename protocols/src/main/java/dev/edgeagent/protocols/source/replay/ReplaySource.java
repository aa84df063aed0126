package dev.edgeagent.protocols.source.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * What every file replay has in common: lazy opening, pacing, resuming ({@link #skipRecords}), looping, bounded
 * batches, back-pressure and counters. A subclass reads its format one input unit at a time ({@link #readNext}).
 *
 * <p>Per {@code doWork()}: at most {@code maxRecordsPerWork} input units (records, filtered or bad packets) are
 * handled; with original timing the loop stops at the first record not yet due and returns what was done — 0 when
 * nothing was, so the runner's idle strategy sleeps. A record the sink refuses stays pending and is offered again
 * on the next call: nothing is ever skipped. Bad input goes to the {@link BadInputListener} and is counted; reading
 * never throws out of {@code doWork()} (an exception thrown by the sink itself does propagate, with its record
 * still pending). Counters are plain longs written with release semantics and read with acquire from any thread.
 */
public abstract class ReplaySource implements Source {

    /** What {@link #readNext} found. */
    protected enum Step {
        /** A record is ready: {@link #recordSensorTimeNs} and the key / payload accessors describe it. */
        RECORD,
        /** One input unit was consumed without a record (filtered, bad, a fragment held). */
        SKIPPED,
        /** The end of the input (one pass). */
        END
    }

    private static final VarHandle APPENDED;
    private static final VarHandle BYTES;
    private static final VarHandle BAD;
    private static final VarHandle FILTERED;
    private static final VarHandle REFUSED;
    private static final VarHandle SKIPPED_FOR_RESUME;
    private static final VarHandle PASSES;
    private static final VarHandle EXHAUSTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            APPENDED = l.findVarHandle(ReplaySource.class, "recordsAppended", long.class);
            BYTES = l.findVarHandle(ReplaySource.class, "payloadBytes", long.class);
            BAD = l.findVarHandle(ReplaySource.class, "badInputs", long.class);
            FILTERED = l.findVarHandle(ReplaySource.class, "filteredOut", long.class);
            REFUSED = l.findVarHandle(ReplaySource.class, "appendsRefused", long.class);
            SKIPPED_FOR_RESUME = l.findVarHandle(ReplaySource.class, "recordsSkipped", long.class);
            PASSES = l.findVarHandle(ReplaySource.class, "passesCompleted", long.class);
            EXHAUSTED = l.findVarHandle(ReplaySource.class, "exhaustedFlag", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final NanoClock monoClock;
    private final ReplayPacing pacing;
    private final boolean loop;
    private final int maxPerWork;
    private final String roleName;

    private boolean opened;
    private boolean pending;
    private long toSkip;
    private boolean anchored;
    private long originMonoNs;
    private long originSensorNs;
    private long recordsThisPass;

    // counters: written on the agent thread with setRelease, read anywhere with getAcquire
    @SuppressWarnings("unused") private long recordsAppended;
    @SuppressWarnings("unused") private long payloadBytes;
    @SuppressWarnings("unused") private long badInputs;
    @SuppressWarnings("unused") private long filteredOut;
    @SuppressWarnings("unused") private long appendsRefused;
    @SuppressWarnings("unused") private long recordsSkipped;
    @SuppressWarnings("unused") private long passesCompleted;
    @SuppressWarnings("unused") private boolean exhaustedFlag;

    protected ReplaySource(String roleName, RecordSink sink, BadInputListener listener, ReplayPacing pacing,
                           boolean loop, int maxRecordsPerWork, EpochNanoClock wallClock, NanoClock monoClock) {
        this.roleName = Objects.requireNonNull(roleName, "roleName");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.pacing = Objects.requireNonNull(pacing, "pacing");
        this.loop = loop;
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
        this.maxPerWork = maxRecordsPerWork;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.monoClock = Objects.requireNonNull(monoClock, "monoClock");
    }

    @Override
    public String roleName() {
        return roleName;
    }

    // ---------------------------------------------------------------- counters (any thread)

    /** Records the sink accepted. */
    public long recordsAppended() {
        return (long) APPENDED.getAcquire(this);
    }

    /** Payload bytes of the accepted records. */
    public long payloadBytes() {
        return (long) BYTES.getAcquire(this);
    }

    /** Bad input units reported to the listener (bad packets / lines, truncation, an unreadable file, ...). */
    public long badInputs() {
        return (long) BAD.getAcquire(this);
    }

    /** Input units deliberately left out: other ports / interfaces, non-UDP packets, unsupported link types. */
    public long filteredOut() {
        return (long) FILTERED.getAcquire(this);
    }

    /** Appends the sink refused; each refused record was offered again later. */
    public long appendsRefused() {
        return (long) REFUSED.getAcquire(this);
    }

    /** Records passed over by {@link #skipRecords} (already delivered before a restart). */
    public long recordsSkipped() {
        return (long) SKIPPED_FOR_RESUME.getAcquire(this);
    }

    /** Complete passes over the file (with looping, more than one). */
    public long passesCompleted() {
        return (long) PASSES.getAcquire(this);
    }

    /** Records accounted for so far, appended or skipped: the value to give {@link #skipRecords} after a restart. */
    public long position() {
        return recordsAppended() + recordsSkipped();
    }

    @Override
    public boolean exhausted() {
        return (boolean) EXHAUSTED.getAcquire(this);
    }

    /**
     * Resumes after a restart: the first {@code n} records that would be appended (same filters, counting across
     * passes when looping) are passed over. Call before the source starts.
     */
    public void skipRecords(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("skipRecords: n must be >= 0, got " + n);
        }
        if (opened) {
            throw new IllegalStateException("skipRecords must be called before the source starts");
        }
        toSkip = n;
    }

    public ReplayPacing pacing() {
        return pacing;
    }

    // ---------------------------------------------------------------- the duty cycle

    @Override
    public int doWork() {
        try {
            return replay();
        } finally {
            sink.flush();   // what this duty cycle appended becomes durable now
        }
    }

    private int replay() {
        if ((boolean) EXHAUSTED.getOpaque(this)) {
            return 0;
        }
        int work = 0;
        try {
            if (!opened) {
                opened = true;
                recordsThisPass = 0;
                if (!openInput()) {
                    finish();
                    return 1;
                }
            }
            while (work < maxPerWork) {
                if (!pending) {
                    final Step step = readNext();
                    if (step == Step.END) {
                        closeInput();
                        PASSES.setRelease(this, (long) PASSES.getOpaque(this) + 1);
                        // a pass without a single record would loop forever doing nothing
                        if (loop && recordsThisPass > 0) {
                            recordsThisPass = 0;
                            anchored = false; // the next pass starts its timing afresh
                            if (!openInput()) {
                                finish();
                                return work + 1;
                            }
                            work++;
                            continue;
                        }
                        finish();
                        return work + 1;
                    }
                    work++;
                    if (step == Step.SKIPPED) {
                        continue;
                    }
                    recordsThisPass++;
                    if (toSkip > 0) {
                        toSkip--;
                        SKIPPED_FOR_RESUME.setRelease(this, (long) SKIPPED_FOR_RESUME.getOpaque(this) + 1);
                        continue;
                    }
                    pending = true;
                }
                final long sensorNs = recordSensorTimeNs();
                final long monoNs = monoClock.nanoTime();
                if (pacing.paced() && !due(sensorNs, monoNs)) {
                    break;
                }
                final int length = payloadLength();
                if (!sink.append(sensorNs, wallClock.nanoTime(), monoNs, key(), keyOffset(), keyLength(),
                        payload(), payloadOffset(), length)) {
                    REFUSED.setRelease(this, (long) REFUSED.getOpaque(this) + 1);
                    break; // the same record is offered again next time
                }
                pending = false;
                APPENDED.setRelease(this, (long) APPENDED.getOpaque(this) + 1);
                BYTES.setRelease(this, (long) BYTES.getOpaque(this) + length);
                work++;
            }
        } catch (RuntimeException e) {
            if (pending) {
                throw e; // from the sink: the record stays pending
            }
            // a reader failure (I/O error, a bug on bad input): report it, stop this file
            reportBadInput("read-error", -1, "reading stopped: " + e);
            closeInput();
            finish();
            return work + 1;
        }
        return work;
    }

    /** With original timing: true once the pending record is due. Anchors the timeline at the first record. */
    private boolean due(long sensorNs, long monoNs) {
        if (sensorNs == RecordSink.NO_SENSOR_TIME) {
            return true; // no timestamp: due right after the previous one
        }
        if (!anchored) {
            anchored = true;
            originMonoNs = monoNs;
            originSensorNs = sensorNs;
            return true;
        }
        final long offset = (long) ((sensorNs - originSensorNs) / pacing.speed());
        return monoNs - (originMonoNs + offset) >= 0;
    }

    /** Nanoseconds until the pending record is due (0 when due or unpaced, -1 when exhausted); for runners and tests. */
    public long nanosUntilDue() {
        if (exhausted()) {
            return -1;
        }
        if (!pacing.paced() || !pending || !anchored || recordSensorTimeNs() == RecordSink.NO_SENSOR_TIME) {
            return 0;
        }
        final long dueNs = originMonoNs + (long) ((recordSensorTimeNs() - originSensorNs) / pacing.speed());
        return Math.max(0, dueNs - monoClock.nanoTime());
    }

    private void finish() {
        pending = false;
        EXHAUSTED.setRelease(this, true);
    }

    @Override
    public void onClose() {
        closeInput();
    }

    // ---------------------------------------------------------------- for subclasses

    /** Reports and counts one bad input unit. */
    protected final void reportBadInput(String kind, long offset, String detail) {
        BAD.setRelease(this, (long) BAD.getOpaque(this) + 1);
        try {
            listener.onBadInput(kind, offset, detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw; if it does, the source still goes on
        }
    }

    /** Counts one input unit left out on purpose. */
    protected final void countFiltered() {
        FILTERED.setRelease(this, (long) FILTERED.getOpaque(this) + 1);
    }

    /** A listener that counts as bad input and forwards (for helpers such as the fragment reassembler). */
    protected final BadInputListener countingListener() {
        return this::reportBadInput;
    }

    /**
     * Opens (or reopens, for the next pass) the input at its start. On failure reports it (e.g. kind
     * {@code "unreadable-file"}) and returns false; the source is then exhausted.
     */
    protected abstract boolean openInput();

    /** Reads one input unit. Must report bad input itself (and return {@link Step#SKIPPED} or END). */
    protected abstract Step readNext();

    /** Releases the input; may be called more than once. */
    protected abstract void closeInput();

    protected abstract long recordSensorTimeNs();

    protected abstract DirectBuffer key();

    protected abstract int keyOffset();

    protected abstract int keyLength();

    protected abstract DirectBuffer payload();

    protected abstract int payloadOffset();

    protected abstract int payloadLength();
}
