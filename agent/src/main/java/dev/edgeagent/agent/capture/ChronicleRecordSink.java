package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.Bytes;
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

    static {
        // records are little-endian by definition; the unchecked stores below write native order
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the capture record layout needs a little-endian CPU");
        }
    }

    private final CaptureQueue queue;
    private final StreamStats stats;
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
    private final long[] blockReceiveMono = new long[CaptureRecord.MAX_RECORDS_PER_BLOCK];

    ChronicleRecordSink(CaptureQueue queue) {
        this.queue = queue;
        this.stats = queue.stats();
        this.nextSequence = queue.nextSequence();
    }

    @Override
    public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs,
                          DirectBuffer key, int keyOffset, int keyLength,
                          DirectBuffer payload, int payloadOffset, int payloadLength) {
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
            boolean contiguous = blockBytes.addressForWrite(recordStart + recordLength - 1) == address + recordLength - 1;
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
        } catch (RuntimeException e) {
            // disk full, queue closed during shutdown, ...: refuse this record (the source keeps it and offers
            // it again) and leave the records already accepted in the block untouched
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
        if (block == null) {
            return true;
        }
        try {
            commit();
            return true;
        } catch (RuntimeException e) {
            logFailure("failed to commit a block of records", e);
            return false;
        }
    }

    private void open(long wallNs, long monoNs) {
        if (appender == null) {
            appender = queue.chronicle().createAppender();
            appender.singleThreadedCheckDisabled(true);
        }
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
        b.writeShort(blockStart + CaptureRecord.BLOCK_COUNT_OFFSET, (short) records);
        dc.close();
        stats.recordLatencies(System.nanoTime(), blockReceiveMono, records);
        stats.onCommitted(nextSequence - 1, records, bytes);
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

    private void logFailure(String what, RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastFailureLogNs > 10_000_000_000L) {
            lastFailureLogNs = now;
            LOG.log(Level.WARNING, "stream " + queue.streamId() + ": capture queue " + what + ": " + e);
        }
    }
}
