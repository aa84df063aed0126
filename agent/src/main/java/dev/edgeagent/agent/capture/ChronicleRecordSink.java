package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Appends records to a stream's {@link CaptureQueue} in the block layout of {@link CaptureRecord}, written
 * straight into the mapped file (no intermediate copy, no allocation). A block stays open while the source's
 * duty cycle appends and is committed by {@link #flush()} (the source calls it at the end of each duty cycle,
 * or before it acknowledges upstream), when it reaches {@value #MAX_BLOCK_BYTES} bytes or
 * {@value CaptureRecord#MAX_RECORDS_PER_BLOCK} records, or at once for a record that alone fills a block.
 * One excerpt per record would cap capture at Chronicle's excerpt rate; a block pays one commit for up to a
 * thousand CAN-sized records, and shared fields are written once per block.
 *
 * <p>Single writer: the appender is created lazily on the thread that first appends, which must be the only
 * one that ever does.
 */
public final class ChronicleRecordSink implements RecordSink {

    private static final System.Logger LOG = System.getLogger(ChronicleRecordSink.class.getName());
    static final int MAX_BLOCK_BYTES = 64 * 1024;
    private static final long PAGE = 4096;
    /** -Dedgeagent.capture.no-touch-ahead=true turns the touch-ahead off, to measure what it saves. */
    private static final boolean TOUCH = !Boolean.getBoolean("edgeagent.capture.no-touch-ahead");
    private static final long TOUCH_AHEAD = 1024 * 1024;
    private static final int TOUCH_PAGES_PER_FLUSH = 128;
    private long touchedUpTo;
    private int touchedCycle = Integer.MIN_VALUE;

    static {
        // records are little-endian by definition; the unchecked stores below write native order
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the capture record layout needs a little-endian CPU");
        }
    }

    private final CaptureQueue queue;
    private final StreamStats stats;
    private final Admission admission;
    private final UnsafeMemory memory = UnsafeMemory.MEMORY;
    private final UnsafeBuffer target = new UnsafeBuffer(0, 0);
    private UnsafeBuffer scratch;
    private ExcerptAppender appender;
    private long nextSequence;
    private long lastFailureLogNs;

    // the open block
    private DocumentContext block;
    private Bytes<?> blockBytes;
    private long blockStart;
    private int blockRecords;
    private long blockPayloadBytes;
    private long baseWallNs;
    private long baseMonoNs;
    private long blockFirstSequence;
    private final long[] blockReceiveMono = new long[CaptureRecord.MAX_RECORDS_PER_BLOCK];

    ChronicleRecordSink(CaptureQueue queue) {
        this.queue = queue;
        this.stats = queue.stats();
        this.admission = queue.admission();
        this.nextSequence = queue.nextSequence();
    }

    @Override
    public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs,
                          DirectBuffer key, int keyOffset, int keyLength,
                          DirectBuffer payload, int payloadOffset, int payloadLength) {
        if (!admission.admits()) {
            // a reject-new quota or a full disk: refused like a failed write, the source keeps the record
            admission.onRejected();
            stats.onRefused();
            return false;
        }
        if (keyLength > CaptureRecord.MAX_KEY_LENGTH) {
            // a key that long is bad input, not a capture failure: keep the record, cut the key
            keyLength = CaptureRecord.MAX_KEY_LENGTH;
        }
        boolean hasSensor = sensorTimeNs != NO_SENSOR_TIME;
        boolean sensorIsWall = hasSensor && sensorTimeNs == receiveWallNs;
        boolean sensorField = hasSensor && !sensorIsWall;
        long recordLength = CaptureRecord.recordLength(sensorField, keyLength, payloadLength);
        long recordStart = -1;
        try {
            if (block != null && (blockRecords == CaptureRecord.MAX_RECORDS_PER_BLOCK
                    || blockBytes.writePosition() - blockStart + recordLength > MAX_BLOCK_BYTES
                    || !fitsInt(receiveWallNs - baseWallNs) || !fitsInt(receiveMonoNs - baseMonoNs))) {
                commit();
            }
            if (block == null) {
                open(receiveWallNs, receiveMonoNs);
            }
            recordStart = blockBytes.writePosition();
            // one bounds check for the whole record, then plain stores into the mapped memory: Chronicle's
            // streaming writes cost a position/bounds update each, several times what the stores cost
            blockBytes.writeSkip(recordLength);
            long address = blockBytes.addressForWrite(recordStart);
            // asking for the address of the record's end would move the mapping to the next chunk when the end is
            // in the overlap, and the next record would move it back: ask the mapping whether it holds the record
            boolean contiguous = blockBytes.bytesStore().inside(recordStart, recordLength);
            long at = contiguous ? address : scratch(recordLength);
            int flags = (hasSensor ? CaptureRecord.FLAG_SENSOR_TIME : 0) | (sensorIsWall ? CaptureRecord.FLAG_SENSOR_IS_WALL : 0)
                    | (keyLength > 0 ? CaptureRecord.FLAG_KEY : 0) | (payloadLength > 0xFFFF ? CaptureRecord.FLAG_WIDE_LENGTH : 0);
            memory.writeByte(at, (byte) flags);
            memory.writeInt(at + 1, (int) (receiveWallNs - baseWallNs));
            memory.writeInt(at + 5, (int) (receiveMonoNs - baseMonoNs));
            long p = at + CaptureRecord.RECORD_FIXED_LENGTH;
            if (sensorField) {
                memory.writeLong(p, sensorTimeNs);
                p += 8;
            }
            if (keyLength > 0) {
                memory.writeShort(p, (short) keyLength);
                copyTo(p + 2, key, keyOffset, keyLength);
                p += 2 + keyLength;
            }
            if (payloadLength > 0xFFFF) {
                memory.writeInt(p, payloadLength);
                p += 4;
            } else {
                memory.writeShort(p, (short) payloadLength);
                p += 2;
            }
            copyTo(p, payload, payloadOffset, payloadLength);
            if (!contiguous) {
                // the reserved range straddles two mappings (rare): copy it in through Chronicle
                blockBytes.writePosition(recordStart);
                blockBytes.unsafeWrite(scratch.addressOffset(), (int) recordLength);
            }
            blockReceiveMono[blockRecords++] = receiveMonoNs;
            blockPayloadBytes += payloadLength;
            nextSequence++;
            if (recordLength >= MAX_BLOCK_BYTES) {
                commit();   // a frame-sized record does not wait for the end of the duty cycle
            }
            return true;
        } catch (RuntimeException | InternalError e) {
            // disk full, queue closed during shutdown, ...: refuse this record (the source keeps it and offers
            // it again) and leave the records already accepted in the block untouched. A mapped page that the
            // filesystem cannot back (ENOSPC on tmpfs, a sparse file) faults: the JVM raises InternalError
            if (recordStart >= 0 && block != null) {
                try {
                    blockBytes.writePosition(recordStart);
                } catch (RuntimeException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
            }
            stats.onRefused();
            logFailure("refused a record", e);
            return false;
        }
    }

    private static boolean fitsInt(long v) {
        return v == (int) v;
    }

    @Override
    public boolean flush() {
        try {
            if (block != null) {
                commit();
            }
            touchAhead();   // also after a frame-sized record, which append committed by itself; publishes the position
            return true;
        } catch (RuntimeException | InternalError e) {
            logFailure("failed to commit a block of records", e);
            return false;
        }
    }

    /**
     * Faults in the pages just after the write position, after the commit: a new page of a mapped file costs a
     * write fault of several µs (a camera frame spans ~60), and paying it here, between duty cycles, keeps it out
     * of the next records' receive-to-durable time. A compare-and-swap of 0 for 0 faults the page in for writing
     * and changes nothing. Bounded per call, so a busy source is not held up, and by the mapped chunk. A touched
     * page stays allocated even if no record reaches it before the file rolls: up to a megabyte of zeros at the
     * end of a finished file. Touching only two duty cycles' writing ahead (64 KiB for a LiDAR) avoided that, but
     * raised the 4x reference vehicle's p99 capture latency (A/B, one pair each: 309-635 µs against 623-864 µs).
     */
    private void touchAhead() {
        if (appender == null) {
            return;
        }
        Bytes<?> b = appender.wire().bytes();
        long position = b.writePosition();
        queue.publishWritePosition(appender.cycle(), position);   // for the thread that extends the file ahead
        if (!TOUCH) {
            return;
        }
        int cycle = appender.cycle();
        if (cycle != touchedCycle) {   // a new file: positions start again
            touchedCycle = cycle;
            touchedUpTo = 0;
        }
        long from = Math.max(touchedUpTo, (position + PAGE - 1) & -PAGE);
        long to = Math.min(position + TOUCH_AHEAD, from + (long) TOUCH_PAGES_PER_FLUSH * PAGE);
        BytesStore<?, ?> store = b.bytesStore();
        for (long at = from; at < to; at += PAGE) {
            if (!store.inside(at, 4)) {
                break;   // the next chunk is not mapped yet: Chronicle maps it when it gets there
            }
            store.compareAndSwapInt(at, 0, 0);
            touchedUpTo = at + PAGE;
        }
    }

    private void open(long wallNs, long monoNs) {
        if (appender == null) {
            appender = queue.chronicle().createAppender();
            appender.singleThreadedCheckDisabled(true);
        }
        try {
            openBlock(wallNs, monoNs);
        } catch (RuntimeException | InternalError e) {
            DocumentContext dc = block;
            block = null;
            blockBytes = null;
            discardAppender(dc);
            throw e;
        }
    }

    private void openBlock(long wallNs, long monoNs) {
        blockFirstSequence = nextSequence;
        block = appender.writingDocument();
        blockBytes = block.wire().bytes();
        // this sink is single-writer by contract; Chronicle's per-call thread check costs more than the store
        blockBytes.singleThreadedCheckDisabled(true);
        blockStart = blockBytes.writePosition();
        blockBytes.writeByte((byte) CaptureRecord.VERSION);
        blockBytes.writeByte((byte) 0);
        blockBytes.writeShort((short) 0);            // the count is set at commit
        blockBytes.writeInt(queue.fingerprint());
        blockBytes.writeLong(nextSequence);
        blockBytes.writeLong(wallNs);
        blockBytes.writeLong(monoNs);
        baseWallNs = wallNs;
        baseMonoNs = monoNs;
        blockRecords = 0;
        blockPayloadBytes = 0;
    }

    private void commit() {
        DocumentContext dc = block;
        int records = blockRecords;
        long bytes = blockPayloadBytes;
        Bytes<?> b = blockBytes;
        block = null;
        blockBytes = null;
        if (records == 0) {
            dc.rollbackOnClose();
            dc.close();
            return;
        }
        try {
            b.writeShort(blockStart + CaptureRecord.BLOCK_COUNT_OFFSET, (short) records);
            dc.close();
        } catch (RuntimeException | InternalError e) {
            // the block never became durable (a full disk under the mapping): its records are not in the queue,
            // and their sequence numbers are given out again so the stream keeps no gap; counted as lost
            discardAppender(dc);
            nextSequence = blockFirstSequence;
            stats.onLostOnWriteFailure(records);
            throw e;
        }
        stats.recordLatencies(System.nanoTime(), blockReceiveMono, records);
        stats.onCommitted(nextSequence - 1, records, bytes);
    }

    /**
     * After a failed write the appender may hold a half-written document (its header open): a new document on
     * it would nest in that one. Roll back what can be, and start the next block on a new appender.
     */
    private void discardAppender(DocumentContext dc) {
        if (dc != null && dc.isOpen()) {   // a close that failed part way has marked it closed: closing again only warns
            try {
                dc.rollbackOnClose();
                dc.close();
            } catch (RuntimeException | InternalError | AssertionError ignored) {
                // the appender is dropped anyway
            }
        }
        if (appender != null) {
            try {
                appender.close();
            } catch (RuntimeException | InternalError | AssertionError ignored) {
                // nothing more to release
            }
            appender = null;
        }
        releaseWriteLock();
        touchedUpTo = 0;
    }

    /** SingleChronicleQueue.writeLock() is package-private; a document whose close failed can leave it held. */
    private static final java.lang.reflect.Method WRITE_LOCK = writeLockAccessor();

    private static java.lang.reflect.Method writeLockAccessor() {
        try {
            java.lang.reflect.Method m = net.openhft.chronicle.queue.impl.single.SingleChronicleQueue.class.getDeclaredMethod("writeLock");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The queue's write lock is taken when a document opens and given back when it closes; a close that failed
     * (the page under it could not be written) leaves it taken, and every later append would wait 15 s for it
     * and fail. This sink is the queue's only writer, so a lock still held here is the failed document's.
     */
    private void releaseWriteLock() {
        if (WRITE_LOCK == null) {
            return;
        }
        try {
            if (WRITE_LOCK.invoke(queue.chronicle()) instanceof net.openhft.chronicle.queue.impl.single.WriteLock lock
                    && lock.locked()) {
                lock.unlock();
            }
        } catch (ReflectiveOperationException | RuntimeException | InternalError e) {
            logFailure("could not release the queue's write lock after a failed write", e);
        }
    }

    /** A direct buffer for the rare record that cannot be written in place. */
    private long scratch(long length) {
        if (scratch == null || scratch.capacity() < length) {
            scratch = new UnsafeBuffer(ByteBuffer.allocateDirect((int) Math.max(length, 1 << 16)));
        }
        return scratch.addressOffset();
    }

    /**
     * Copies into reserved memory with the JVM's intrinsic copy (Agrona's putBytes; Chronicle's own copy from
     * heap arrays is a Java loop); the source's bounds are checked, it is the caller's buffer.
     */
    private void copyTo(long address, DirectBuffer from, int offset, int length) {
        if (length == 0) {
            return;
        }
        target.wrap(address, length);
        target.putBytes(0, from, offset, length);
    }

    private void logFailure(String what, Throwable e) {
        long now = System.nanoTime();
        if (now - lastFailureLogNs > 10_000_000_000L) {
            lastFailureLogNs = now;
            LOG.log(Level.WARNING, "stream " + queue.streamId() + ": capture queue " + what + ": " + e);
        }
    }
}
