package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;

import java.lang.System.Logger.Level;

/**
 * Appends records to a stream's {@link CaptureQueue}: one excerpt per record, written straight into
 * the mapped file (no intermediate copy, no allocation). Single writer: the appender is created lazily on
 * the thread that first appends, which must be the only one that ever does.
 */
public final class ChronicleRecordSink implements RecordSink {

    private static final System.Logger LOG = System.getLogger(ChronicleRecordSink.class.getName());

    private final CaptureQueue queue;
    private final StreamStats stats;
    private ExcerptAppender appender;
    private long nextSequence;
    private long lastFailureLogNs;

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
        try {
            if (appender == null) {
                appender = queue.chronicle().createAppender();
            }
            long sequence = nextSequence;
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> b = dc.wire().bytes();
                boolean hasSensorTime = sensorTimeNs != NO_SENSOR_TIME;
                b.writeByte((byte) CaptureRecord.VERSION);
                b.writeByte((byte) (hasSensorTime ? CaptureRecord.FLAG_SENSOR_TIME : 0));
                b.writeShort((short) keyLength);
                b.writeInt(queue.fingerprint());
                b.writeLong(sequence);
                b.writeLong(hasSensorTime ? sensorTimeNs : 0L);
                b.writeLong(receiveWallNs);
                b.writeLong(receiveMonoNs);
                b.writeInt(payloadLength);
                copy(b, key, keyOffset, keyLength);
                copy(b, payload, payloadOffset, payloadLength);
            }
            nextSequence = sequence + 1;
            stats.onAppended(sequence, payloadLength, System.nanoTime() - receiveMonoNs);
            return true;
        } catch (RuntimeException e) {
            // disk full, queue closed during shutdown, ...: refuse the record so the source keeps it
            // (replay retries, MQTT leaves it unacknowledged) rather than acknowledging what is not stored
            stats.onRefused();
            long now = System.nanoTime();
            if (now - lastFailureLogNs > 10_000_000_000L) {
                lastFailureLogNs = now;
                LOG.log(Level.WARNING, "stream " + queue.streamId() + ": capture queue refused a record: " + e);
            }
            return false;
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
