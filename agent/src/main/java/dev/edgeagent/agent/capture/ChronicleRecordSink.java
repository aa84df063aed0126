package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;

import java.lang.System.Logger.Level;

/**
 * Appends records to a stream's {@link CaptureQueue}, written straight into the mapped file (no intermediate
 * copy, no allocation). Small records share an excerpt: a block stays open while the source's duty cycle
 * appends, and is committed by {@link #flush()} (the source calls it at the end of each duty cycle, or before
 * it acknowledges upstream), when it reaches {@value #MAX_BLOCK_BYTES} bytes or {@value #MAX_BLOCK_RECORDS}
 * records, or at once for a record that alone fills a block. One excerpt per record would cap capture at
 * Chronicle's excerpt rate (about a million a second here); a block costs one commit for up to a thousand
 * CAN-sized records.
 *
 * <p>Single writer: the appender is created lazily on the thread that first appends, which must be the only
 * one that ever does.
 */
public final class ChronicleRecordSink implements RecordSink {

    private static final System.Logger LOG = System.getLogger(ChronicleRecordSink.class.getName());
    static final int MAX_BLOCK_BYTES = 64 * 1024;
    static final int MAX_BLOCK_RECORDS = 1024;

    private final CaptureQueue queue;
    private final StreamStats stats;
    private ExcerptAppender appender;
    private long nextSequence;
    private long lastFailureLogNs;

    // the open block
    private DocumentContext block;
    private Bytes<?> blockBytes;
    private long blockStart;
    private int blockRecords;
    private long blockPayloadBytes;
    private final long[] blockReceiveMono = new long[MAX_BLOCK_RECORDS];

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
        long recordLength = (long) CaptureRecord.HEADER_LENGTH + keyLength + payloadLength;
        long recordStart = -1;
        try {
            if (block != null && (blockRecords == MAX_BLOCK_RECORDS
                    || blockBytes.writePosition() - blockStart + recordLength > MAX_BLOCK_BYTES)) {
                commit();
            }
            if (block == null) {
                open();
            }
            recordStart = blockBytes.writePosition();
            Bytes<?> b = blockBytes;
            boolean hasSensorTime = sensorTimeNs != NO_SENSOR_TIME;
            b.writeByte((byte) CaptureRecord.VERSION);
            b.writeByte((byte) (hasSensorTime ? CaptureRecord.FLAG_SENSOR_TIME : 0));
            b.writeShort((short) keyLength);
            b.writeInt(queue.fingerprint());
            b.writeLong(nextSequence);
            b.writeLong(hasSensorTime ? sensorTimeNs : 0L);
            b.writeLong(receiveWallNs);
            b.writeLong(receiveMonoNs);
            b.writeInt(payloadLength);
            copy(b, key, keyOffset, keyLength);
            copy(b, payload, payloadOffset, payloadLength);
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

    private void open() {
        if (appender == null) {
            appender = queue.chronicle().createAppender();
        }
        block = appender.writingDocument();
        blockBytes = block.wire().bytes();
        blockStart = blockBytes.writePosition();
        blockRecords = 0;
        blockPayloadBytes = 0;
    }

    private void commit() {
        DocumentContext dc = block;
        int records = blockRecords;
        long bytes = blockPayloadBytes;
        block = null;
        blockBytes = null;
        if (records == 0) {
            dc.rollbackOnClose();
            dc.close();
            return;
        }
        dc.close();
        long now = System.nanoTime();
        for (int i = 0; i < records; i++) {
            stats.recordLatency(now - blockReceiveMono[i]);
        }
        stats.onCommitted(nextSequence - 1, records, bytes);
    }

    private void logFailure(String what, RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastFailureLogNs > 10_000_000_000L) {
            lastFailureLogNs = now;
            LOG.log(Level.WARNING, "stream " + queue.streamId() + ": capture queue " + what + ": " + e);
        }
    }

    private static void copy(Bytes<?> to, DirectBuffer from, int offset, int length) {
        if (length == 0) {
            return;
        }
        byte[] array = from.byteArray();
        if (array != null) {
            to.write(array, from.wrapAdjustment() + offset, length);
        } else {
            to.unsafeWrite(from.addressOffset() + offset, length);
        }
    }
}
