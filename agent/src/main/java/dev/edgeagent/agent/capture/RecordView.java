package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A flyweight over the records of one queue excerpt (a block, see {@link CaptureRecord}): {@link #block} reads
 * the block header, each {@link #next} moves to the next record. Valid only while the excerpt's DocumentContext
 * is open; {@link #payload()} and {@link #key()} are views of the mapped memory, not copies.
 */
public final class RecordView {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final UnsafeBuffer blockBuffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer key = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private UnsafeBuffer copy;

    private int count;
    private int fingerprint;
    private long firstSequence;
    private long baseWallNs;
    private long baseMonoNs;

    private int index = -1;
    private int position;
    private int flags;
    private long receiveWallNs;
    private long receiveMonoNs;
    private long sensorTimeNs;

    /**
     * Points the view at the block in {@code excerpt} (from its read position to its end) and before its first
     * record. Throws IllegalStateException for a block that is not in this layout or is cut short.
     */
    public RecordView block(Bytes<?> excerpt) {
        long start = excerpt.readPosition();
        long length = excerpt.readRemaining();
        if (length < CaptureRecord.BLOCK_HEADER_LENGTH || length > Integer.MAX_VALUE) {
            throw new IllegalStateException("capture block of " + length + " bytes: shorter than its header");
        }
        long address = excerpt.addressForRead(start);
        if (excerpt.bytesStore().inside(start, length)) {
            blockBuffer.wrap(address, (int) length);
        } else {
            // the excerpt straddles two mappings (rare): read a copy
            if (copy == null || copy.capacity() < length) {
                copy = new UnsafeBuffer(ByteBuffer.allocateDirect((int) Math.max(length, 1 << 16)));
            }
            for (long i = 0; i < length; i++) {
                copy.putByte((int) i, excerpt.readByte(start + i));
            }
            blockBuffer.wrap(copy, 0, (int) length);
        }
        int version = blockBuffer.getByte(CaptureRecord.BLOCK_VERSION_OFFSET) & 0xff;
        if (version != CaptureRecord.VERSION) {
            throw new IllegalStateException("capture block format " + version + " is not " + CaptureRecord.VERSION);
        }
        count = blockBuffer.getShort(CaptureRecord.BLOCK_COUNT_OFFSET, LE) & 0xffff;
        fingerprint = blockBuffer.getInt(CaptureRecord.BLOCK_FINGERPRINT_OFFSET, LE);
        firstSequence = blockBuffer.getLong(CaptureRecord.BLOCK_FIRST_SEQUENCE_OFFSET, LE);
        baseWallNs = blockBuffer.getLong(CaptureRecord.BLOCK_BASE_WALL_OFFSET, LE);
        baseMonoNs = blockBuffer.getLong(CaptureRecord.BLOCK_BASE_MONO_OFFSET, LE);
        index = -1;
        position = CaptureRecord.BLOCK_HEADER_LENGTH;
        return this;
    }

    /** Moves to the block's next record; false after the last one. */
    public boolean next() {
        if (index + 1 >= count) {
            return false;
        }
        UnsafeBuffer b = blockBuffer;
        int p = position;
        require(p + CaptureRecord.RECORD_FIXED_LENGTH);
        flags = b.getByte(p) & 0xff;
        receiveWallNs = baseWallNs + b.getInt(p + 1, LE);
        receiveMonoNs = baseMonoNs + b.getInt(p + 5, LE);
        p += CaptureRecord.RECORD_FIXED_LENGTH;
        if ((flags & CaptureRecord.FLAG_SENSOR_TIME) == 0) {
            sensorTimeNs = RecordSink.NO_SENSOR_TIME;
        } else if ((flags & CaptureRecord.FLAG_SENSOR_IS_WALL) != 0) {
            sensorTimeNs = receiveWallNs;
        } else {
            require(p + 8);
            sensorTimeNs = b.getLong(p, LE);
            p += 8;
        }
        int keyLength = 0;
        if ((flags & CaptureRecord.FLAG_KEY) != 0) {
            require(p + 2);
            keyLength = b.getShort(p, LE) & 0xffff;
            p += 2;
        }
        require(p + keyLength);
        key.wrap(b, p, keyLength);
        p += keyLength;
        int payloadLength;
        if ((flags & CaptureRecord.FLAG_WIDE_LENGTH) != 0) {
            require(p + 4);
            payloadLength = b.getInt(p, LE);
            p += 4;
        } else {
            require(p + 2);
            payloadLength = b.getShort(p, LE) & 0xffff;
            p += 2;
        }
        if (payloadLength < 0) {
            throw new IllegalStateException("capture record " + sequenceAt(index + 1) + ": negative payload length");
        }
        require(p + (long) payloadLength);
        payload.wrap(b, p, payloadLength);
        position = p + payloadLength;
        index++;
        return true;
    }

    private void require(long end) {
        if (end > blockBuffer.capacity()) {
            throw new IllegalStateException("capture block " + firstSequence + "+" + count + " is cut short: record "
                    + (index + 1) + " needs " + end + " bytes of " + blockBuffer.capacity());
        }
    }

    private long sequenceAt(int i) {
        return firstSequence + i;
    }

    public int fingerprint() {
        return fingerprint;
    }

    public int blockRecords() {
        return count;
    }

    public long firstSequence() {
        return firstSequence;
    }

    public long lastSequence() {
        return firstSequence + count - 1;
    }

    public long sequence() {
        return firstSequence + index;
    }

    public boolean hasSensorTime() {
        return (flags & CaptureRecord.FLAG_SENSOR_TIME) != 0;
    }

    /** Sensor time, or {@link RecordSink#NO_SENSOR_TIME}. */
    public long sensorTimeNs() {
        return sensorTimeNs;
    }

    /** The record's time: the sensor's where it has one, else the receive time (what MCAP publish times use). */
    public long timeNs() {
        return hasSensorTime() ? sensorTimeNs : receiveWallNs;
    }

    public long receiveWallNs() {
        return receiveWallNs;
    }

    public long receiveMonoNs() {
        return receiveMonoNs;
    }

    public UnsafeBuffer key() {
        return key;
    }

    public UnsafeBuffer payload() {
        return payload;
    }
}
