package dev.edgeagent.protocols.source.synthetic;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Makes records for tests and benchmarks, at a set size, rate and count.
 *
 * <p>Payload layout (little-endian): bytes 0..7 the record's sequence number (source-local, from 0, or from the
 * resume point given to {@link #skipRecords}), bytes 8..15 the generation time (wall clock, ns since the epoch,
 * also passed as sensor time and receive time), then a filler that is a pure function of the sequence and the
 * position, so every byte can be checked with {@link #verify}. Sizes may vary by a deterministic jitter
 * ({@link #recordSize(long)}).
 *
 * <p>Pacing is by due time: record {@code k} after the pacing origin is due at {@code origin + k / rate}, and
 * {@code doWork()} returns 0 while nothing is due, so the runner's idle strategy decides how to wait. After a stall
 * the source catches up, at most {@code maxRecordsPerWork} records (or about 1 MiB) per call. A refused append is
 * retried on the next call with the same sequence: records are never skipped. Nothing is allocated per record.
 */
public final class SyntheticSource implements Source {

    /** Sequence (8 bytes) and generation time (8 bytes). */
    public static final int HEADER_LENGTH = 16;
    /** One doWork stops after this many payload bytes (but always makes at least one record). */
    static final long BYTES_PER_WORK = 1 << 20;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final SyntheticSourceSettings settings;
    private final RecordSink sink;
    private final EpochNanoClock wallClock;
    private final NanoClock monoClock;
    private final String roleName;
    private final UnsafeBuffer payload;
    private final UnsafeBuffer key;
    private final int keyLength;
    private final double periodNs;
    private final long jitterSpan;

    private long next;
    private boolean paced;
    private long originNs;
    private long originSequence;

    private final AtomicLong nextSequence = new AtomicLong();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong payloadBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public SyntheticSource(SyntheticSourceSettings settings, RecordSink sink) {
        this(settings, sink, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    /**
     * @param wallClock generation / receive wall time
     * @param monoClock pacing and monotonic receive time ({@link SystemNanoClock} outside tests)
     */
    public SyntheticSource(SyntheticSourceSettings settings, RecordSink sink, EpochNanoClock wallClock,
                           NanoClock monoClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.monoClock = Objects.requireNonNull(monoClock, "monoClock");
        this.jitterSpan = (long) settings.recordSize() * settings.sizeJitterPercent() / 100;
        this.payload = new UnsafeBuffer(new byte[(int) (settings.recordSize() + jitterSpan)]);
        byte[] keyBytes = settings.key() == null ? new byte[0] : settings.key().getBytes(StandardCharsets.UTF_8);
        this.key = new UnsafeBuffer(keyBytes);
        this.keyLength = keyBytes.length;
        this.periodNs = settings.recordsPerSecond() > 0 ? 1e9 / settings.recordsPerSecond() : 0;
        this.roleName = "synthetic-source" + (settings.key() == null ? "" : ":" + settings.key());
        if (settings.prefilled()) {
            fill(payload, 0, payload.capacity(), 0, 0);
        }
    }

    @Override
    public String roleName() {
        return roleName;
    }

    public SyntheticSourceSettings settings() {
        return settings;
    }

    /**
     * Resumes after a restart: the next record made has sequence {@code n} (records {@code 0..n-1} were made
     * before). Pacing starts over from the next call. Call it from the agent's thread or before it starts.
     */
    public void skipRecords(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("skipRecords: n must be >= 0, got " + n);
        }
        next = n;
        paced = false;
        nextSequence.set(n);
    }

    /** The sequence of the next record to make (readable from any thread). */
    public long nextSequence() {
        return nextSequence.get();
    }

    /** Records the sink accepted. */
    public long recordsGenerated() {
        return generated.get();
    }

    /** Appends the sink refused (each one was retried). */
    public long recordsRefused() {
        return refused.get();
    }

    public long payloadBytesGenerated() {
        return payloadBytes.get();
    }

    /** Records dropped because they were more than maxLagNanos late (a sensor's buffer overflowing): lost. */
    public long recordsDropped() {
        return dropped.get();
    }

    @Override
    public boolean exhausted() {
        long count = settings.count();
        return count > 0 && nextSequence.get() >= count;
    }

    /** Nanoseconds until the next record is due on the source's clock: 0 when one is due now, -1 when exhausted. */
    public long nanosUntilDue() {
        if (exhausted()) {
            return -1;
        }
        if (periodNs == 0 || !paced) {
            return 0;
        }
        return Math.max(0, dueNs(next) - monoClock.nanoTime());
    }

    @Override
    public int doWork() {
        final long count = settings.count();
        final int maxRecords = settings.maxRecordsPerWork();
        long seq = next;
        int made = 0;
        long bytes = 0;
        // unpaced, a duty cycle's records arrive as one batch (as from a recvmmsg or a DMA ring) and share one
        // receive time; paced, each record is stamped when it is due
        final boolean unpaced = periodNs == 0;
        long batchMonoNs = unpaced ? monoClock.nanoTime() : 0;
        long batchWallNs = unpaced ? wallClock.nanoTime() : 0;
        while (made < maxRecords && bytes < BYTES_PER_WORK && (count == 0 || seq < count)) {
            final long monoNs = unpaced ? batchMonoNs : monoClock.nanoTime();
            if (periodNs > 0) {
                if (!paced) {
                    paced = true;
                    originNs = monoNs;
                    originSequence = seq;
                }
                if (monoNs - dueNs(seq) < 0) {
                    break;
                }
                long lateNs = monoNs - dueNs(seq) - settings.maxLagNanos();
                if (settings.maxLagNanos() > 0 && lateNs > 0) {
                    // what a sensor's buffer no longer holds is gone: count it and leave a gap in the sequence
                    long lost = Math.min((long) (lateNs / periodNs) + 1, count == 0 ? Long.MAX_VALUE : count - seq);
                    seq += lost;
                    dropped.lazySet(dropped.get() + lost);
                    next = seq;
                    nextSequence.lazySet(seq);
                    continue;
                }
            }
            final int size = recordSize(seq);
            final long wallNs = unpaced ? batchWallNs : wallClock.nanoTime();
            if (settings.prefilled()) {
                payload.putLong(0, seq, LE);
                payload.putLong(8, wallNs, LE);
            } else {
                fill(payload, 0, size, seq, wallNs);
            }
            if (!sink.append(wallNs, wallNs, monoNs, key, 0, keyLength, payload, 0, size)) {
                refused.lazySet(refused.get() + 1);
                break; // the same sequence is tried again on the next call
            }
            seq++;
            made++;
            bytes += size;
        }
        if (made > 0) {
            sink.flush();   // what this duty cycle appended becomes durable now
            next = seq;
            nextSequence.lazySet(seq);
            generated.lazySet(generated.get() + made);
            payloadBytes.lazySet(payloadBytes.get() + bytes);
        }
        return made;
    }

    private long dueNs(long seq) {
        return originNs + (long) ((seq - originSequence) * periodNs);
    }

    /** The payload length of record {@code sequence}: the set size, or a deterministic draw within the jitter. */
    public int recordSize(long sequence) {
        if (jitterSpan == 0) {
            return settings.recordSize();
        }
        long u = mix64(sequence ^ 0x5DEECE66DL) >>> 1;
        long size = settings.recordSize() - jitterSpan + u % (2 * jitterSpan + 1);
        return (int) Math.max(HEADER_LENGTH, size);
    }

    /**
     * Checks a whole record made by this source: its length is {@link #recordSize} of its sequence and every byte
     * matches. Returns the sequence.
     *
     * @throws IllegalArgumentException naming the first wrong byte
     */
    public long verify(DirectBuffer buffer, int offset, int length) {
        long seq = verifyPattern(buffer, offset, length);
        int expected = recordSize(seq);
        if (length != expected) {
            throw new IllegalArgumentException("record " + seq + ": length " + length + ", expected " + expected);
        }
        return seq;
    }

    // ---------------------------------------------------------------- payload pattern (static, for tests and checks)

    /** Writes a payload: sequence, time, then the filler for {@code sequence}. {@code length >= HEADER_LENGTH}. */
    public static void fill(MutableDirectBuffer buffer, int offset, int length, long sequence, long timeNs) {
        buffer.putLong(offset, sequence, LE);
        buffer.putLong(offset + 8, timeNs, LE);
        long state = mix64(sequence);
        int p = offset + HEADER_LENGTH;
        final int end = offset + length;
        for (; p + 8 <= end; p += 8) {
            state += GOLDEN;
            buffer.putLong(p, mix64(state), LE);
        }
        if (p < end) {
            state += GOLDEN;
            long word = mix64(state);
            for (; p < end; p++, word >>>= 8) {
                buffer.putByte(p, (byte) word);
            }
        }
    }

    /**
     * Checks the header length and every filler byte of a payload made by {@link #fill} (any length).
     *
     * @return the record's sequence
     * @throws IllegalArgumentException naming the first wrong byte, its offset within the record and the sequence
     */
    public static long verifyPattern(DirectBuffer buffer, int offset, int length) {
        if (length < HEADER_LENGTH) {
            throw new IllegalArgumentException("record of " + length + " bytes: shorter than the "
                    + HEADER_LENGTH + "-byte header");
        }
        final long seq = buffer.getLong(offset, LE);
        long state = mix64(seq);
        int p = offset + HEADER_LENGTH;
        final int end = offset + length;
        for (; p + 8 <= end; p += 8) {
            state += GOLDEN;
            long expected = mix64(state);
            long actual = buffer.getLong(p, LE);
            if (actual != expected) {
                throw mismatch(seq, p - offset + firstDifferentByte(expected, actual), expected, actual,
                        firstDifferentByte(expected, actual));
            }
        }
        if (p < end) {
            state += GOLDEN;
            long word = mix64(state);
            for (int i = 0; p < end; p++, i++, word >>>= 8) {
                byte actual = buffer.getByte(p);
                if (actual != (byte) word) {
                    throw new IllegalArgumentException("record " + seq + ": byte " + (p - offset) + " is 0x"
                            + Integer.toHexString(actual & 0xFF) + ", expected 0x" + Integer.toHexString((int) (word & 0xFF)));
                }
            }
        }
        return seq;
    }

    /** The generation time written into a payload. */
    public static long generationTimeNs(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + 8, LE);
    }

    /** The sequence written into a payload. */
    public static long sequence(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset, LE);
    }

    private static int firstDifferentByte(long expected, long actual) {
        return Long.numberOfTrailingZeros(expected ^ actual) >>> 3;
    }

    private static IllegalArgumentException mismatch(long seq, int at, long expected, long actual, int byteInWord) {
        int shift = byteInWord * 8;
        return new IllegalArgumentException("record " + seq + ": byte " + at + " is 0x"
                + Integer.toHexString((int) ((actual >>> shift) & 0xFF)) + ", expected 0x"
                + Integer.toHexString((int) ((expected >>> shift) & 0xFF)));
    }

    /** SplitMix64's finaliser: a cheap, well-mixed bijection on 64 bits. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
