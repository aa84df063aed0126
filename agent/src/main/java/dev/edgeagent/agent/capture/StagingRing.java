package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.core.UnsafeMemory;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A live source's staging ring between its thread and its capture queue. The source thread copies each record
 * into memory touched in advance and goes back to its socket; the stream's {@link StagingWriter} (the queue's one
 * writer) appends from here into the memory-mapped queue.
 *
 * <p>Why: a write to a queue file's next page, and mapping its next chunk, need the process's mmap lock. Chronicle's
 * releaser thread holds that lock while it unmaps chunks it is done with, and when the kernel writes the file's
 * dirty pages back at the same time, the unmap waits for the file's mapping lock, which writeback holds: every
 * source thread then waited 100–340 ms, longer than a sensor or a socket buffers. Now such a wait holds only the
 * writer, and this ring absorbs it. No lock is taken on the source's side: Agrona's single-producer ring is a
 * claim, the copies and an ordered store.
 *
 * <p>A record in the ring is accepted but not yet durable, like one still in a socket buffer. So only sources
 * that acknowledge nothing upstream are staged (live UDP, CAN, cameras, gpsd, synthetic); MQTT (PUBACK once
 * durable) and replays (they resume from the queue) write their queue directly.
 *
 * <p>Layout of one ring message: sensor time, receive wall time, receive monotonic time (8 bytes each), key
 * length (4), the key, the payload.
 */
public final class StagingRing implements RecordSink, AutoCloseable {

    private static final int MSG_TYPE = 1;
    private static final int SENSOR_OFFSET = 0;
    private static final int WALL_OFFSET = 8;
    private static final int MONO_OFFSET = 16;
    private static final int KEY_LENGTH_OFFSET = 24;
    private static final int HEADER_LENGTH = 28;
    /** Smallest ring. */
    public static final int MIN_CAPACITY = 64 * 1024;

    private final String streamId;
    private final ChronicleRecordSink writer;
    private final Admission admission;
    private final StreamStats stats;
    private final long address;
    private final int capacity;
    private final OneToOneRingBuffer ring;
    private final ControlledMessageHandler onRecord = this::write;
    private final AtomicLong full = new AtomicLong();
    private final AtomicLong highWater = new AtomicLong();
    private volatile boolean closed;
    private int budget;

    /**
     * @param capacity bytes of records the ring holds (rounded up to a power of two); its largest record is an
     *                 eighth of that (see {@link #holds})
     */
    public StagingRing(CaptureQueue queue, int capacity) {
        this.streamId = queue.streamId();
        this.writer = new ChronicleRecordSink(queue, false);   // the source's side checked admission
        this.admission = queue.admission();
        this.stats = queue.stats();
        this.capacity = ringCapacity(capacity);
        long bytes = (long) this.capacity + RingBufferDescriptor.TRAILER_LENGTH;
        // off the Java heap and outside the direct-memory limit; zeroed now, so every page is resident before the
        // first record (a first write to a page would take the mmap lock this ring is here to avoid)
        this.address = UnsafeMemory.MEMORY.allocate(bytes);
        UnsafeMemory.MEMORY.setMemory(address, bytes, (byte) 0);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(address, (int) bytes));
    }

    /** The power of two a ring of {@code bytes} gets. */
    public static int ringCapacity(long bytes) {
        long b = Math.max(MIN_CAPACITY, Math.min(bytes, 1L << 30));
        return (int) (Long.bitCount(b) == 1 ? b : Long.highestOneBit(b) << 1);
    }

    /** Whether a ring of {@code bytes} takes records of up to {@code maxRecordBytes} (payload and key). */
    public static boolean holds(long bytes, long maxRecordBytes) {
        return ringCapacity(bytes) >= minimumBytes(maxRecordBytes);
    }

    /** The smallest ring that takes records of up to {@code maxRecordBytes}: eight of the largest. */
    public static long minimumBytes(long maxRecordBytes) {
        return ringCapacity(8 * (maxRecordBytes + HEADER_LENGTH + CaptureRecord.MAX_KEY_LENGTH));
    }

    public String streamId() {
        return streamId;
    }

    // ---------------------------------------------------------------- the source's thread

    @Override
    public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs,
                          DirectBuffer key, int keyOffset, int keyLength,
                          DirectBuffer payload, int payloadOffset, int payloadLength) {
        if (!admission.admits()) {
            admission.onRejected();
            stats.onRefused();
            return false;
        }
        keyLength = Math.min(keyLength, CaptureRecord.MAX_KEY_LENGTH);
        int length = HEADER_LENGTH + keyLength + payloadLength;
        int at = length <= ring.maxMsgLength() ? ring.tryClaim(MSG_TYPE, length) : -1;
        if (at < 0) {
            // the writer is behind by a whole ring: the source keeps the record and offers it again, or drops it
            // where its own buffer overflows, and counts it
            full.lazySet(full.get() + 1);
            stats.onRefused();
            return false;
        }
        MutableDirectBuffer b = ring.buffer();
        b.putLong(at + SENSOR_OFFSET, sensorTimeNs);
        b.putLong(at + WALL_OFFSET, receiveWallNs);
        b.putLong(at + MONO_OFFSET, receiveMonoNs);
        b.putInt(at + KEY_LENGTH_OFFSET, keyLength);
        if (keyLength > 0) {
            b.putBytes(at + HEADER_LENGTH, key, keyOffset, keyLength);
        }
        b.putBytes(at + HEADER_LENGTH + keyLength, payload, payloadOffset, payloadLength);
        ring.commit(at);
        long size = ring.size();
        if (size > highWater.get()) {
            highWater.lazySet(size);
        }
        return true;
    }

    /**
     * Hands what was appended to the writer; it is durable once the writer has committed it. Sources that
     * acknowledge upstream are never staged.
     */
    @Override
    public boolean flush() {
        return true;
    }

    // ---------------------------------------------------------------- the writer's thread

    /**
     * Appends staged records to the queue, up to {@code limit} records or the first record that reaches
     * {@code byteBudget} bytes, and commits them. Returns how many.
     */
    public int drain(int limit, int byteBudget) {
        if (closed) {
            return 0;
        }
        budget = byteBudget;
        int n = ring.controlledRead(onRecord, limit);
        if (n > 0) {
            writer.flush();
        }
        return n;
    }

    private ControlledMessageHandler.Action write(int type, MutableDirectBuffer b, int index, int length) {
        int keyLength = b.getInt(index + KEY_LENGTH_OFFSET);
        int payloadAt = index + HEADER_LENGTH + keyLength;
        boolean written = writer.append(b.getLong(index + SENSOR_OFFSET), b.getLong(index + WALL_OFFSET),
                b.getLong(index + MONO_OFFSET), b, index + HEADER_LENGTH, keyLength,
                b, payloadAt, length - HEADER_LENGTH - keyLength);
        if (!written) {
            // a failed write (a full disk) leaves the record in the ring; the writer tries again on its next cycle
            return ControlledMessageHandler.Action.ABORT;
        }
        budget -= length;
        return budget > 0 ? ControlledMessageHandler.Action.CONTINUE : ControlledMessageHandler.Action.BREAK;
    }

    // ---------------------------------------------------------------- any thread

    /** Bytes staged and not yet written to the queue. */
    public int stagedBytes() {
        return ring.size();
    }

    public boolean isEmpty() {
        return ring.size() == 0;
    }

    public int capacity() {
        return capacity;
    }

    /** Appends refused because the ring was full (the writer fell a whole ring behind). */
    public long refusedFull() {
        return full.get();
    }

    /** The most bytes the ring has held at once. */
    public long highWaterBytes() {
        return highWater.get();
    }

    /** Frees the ring; call once neither the source nor the writer uses it any more. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            UnsafeMemory.MEMORY.freeMemory(address, (long) capacity + RingBufferDescriptor.TRAILER_LENGTH);
        }
    }
}
