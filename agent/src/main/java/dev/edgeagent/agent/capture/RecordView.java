package dev.edgeagent.agent.capture;

import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * A flyweight over one record inside a queue excerpt (which holds a block of records, see
 * {@link ChronicleRecordSink}): valid only while the excerpt's DocumentContext is open. Reads the mapped memory directly; {@link #payload()} and {@link #key()} are views, not copies.
 */
public final class RecordView {

    private final UnsafeBuffer header = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer key = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private long excerptIndex = -1;
    private int length;

    /** Points the view at the record starting at the bytes' read position. */
    public RecordView wrap(Bytes<?> bytes) {
        long start = bytes.readPosition();
        long available = bytes.readRemaining();
        if (available < CaptureRecord.HEADER_LENGTH) {
            throw new IllegalStateException("capture record shorter than its header: " + available + " bytes");
        }
        long address = bytes.addressForRead(start);
        header.wrap(address, CaptureRecord.HEADER_LENGTH);
        int version = header.getByte(CaptureRecord.VERSION_OFFSET) & 0xff;
        if (version != CaptureRecord.VERSION) {
            throw new IllegalStateException("capture record version " + version + " is not " + CaptureRecord.VERSION);
        }
        int keyLength = header.getShort(CaptureRecord.KEY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xffff;
        int payloadLength = header.getInt(CaptureRecord.PAYLOAD_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (payloadLength < 0 || CaptureRecord.HEADER_LENGTH + (long) keyLength + payloadLength > available) {
            throw new IllegalStateException("capture record lengths (key " + keyLength + ", payload "
                    + payloadLength + ") exceed its excerpt of " + available + " bytes");
        }
        key.wrap(address + CaptureRecord.HEADER_LENGTH, keyLength);
        payload.wrap(address + CaptureRecord.HEADER_LENGTH + keyLength, payloadLength);
        length = CaptureRecord.HEADER_LENGTH + keyLength + payloadLength;
        return this;
    }

    /**
     * Points the view at the next record of an excerpt (an excerpt holds a block of one or more records) and
     * moves the read position past it; false once the excerpt has no more.
     */
    public boolean next(Bytes<?> excerpt) {
        if (excerpt.readRemaining() <= 0) {
            return false;
        }
        wrap(excerpt);
        excerpt.readSkip(length);
        return true;
    }

    /** Bytes the record takes in its excerpt: header, key and payload. */
    public int length() {
        return length;
    }

    public RecordView excerptIndex(long index) {
        this.excerptIndex = index;
        return this;
    }

    /** Chronicle index of the excerpt holding this record. */
    public long excerptIndex() {
        return excerptIndex;
    }

    public int fingerprint() {
        return header.getInt(CaptureRecord.FINGERPRINT_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long sequence() {
        return header.getLong(CaptureRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public boolean hasSensorTime() {
        return (header.getByte(CaptureRecord.FLAGS_OFFSET) & CaptureRecord.FLAG_SENSOR_TIME) != 0;
    }

    /** Sensor time, or {@link dev.edgeagent.protocols.source.RecordSink#NO_SENSOR_TIME}. */
    public long sensorTimeNs() {
        return hasSensorTime() ? header.getLong(CaptureRecord.SENSOR_TIME_OFFSET, ByteOrder.LITTLE_ENDIAN)
                : dev.edgeagent.protocols.source.RecordSink.NO_SENSOR_TIME;
    }

    public long receiveWallNs() {
        return header.getLong(CaptureRecord.RECEIVE_WALL_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long receiveMonoNs() {
        return header.getLong(CaptureRecord.RECEIVE_MONO_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public UnsafeBuffer key() {
        return key;
    }

    public UnsafeBuffer payload() {
        return payload;
    }
}
