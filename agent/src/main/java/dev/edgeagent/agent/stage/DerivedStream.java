package dev.edgeagent.agent.stage;

import dev.edgeagent.agent.capture.ChronicleRecordSink;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A stream a transform writes (data-quality events, features, aligned sets, previews): it is queued, batched
 * and uploaded like a captured stream. One writer thread: the transform's.
 */
public final class DerivedStream {

    private static final UnsafeBuffer NO_KEY = new UnsafeBuffer(new byte[0]);

    private final String id;
    private final String tier;
    private final ChronicleRecordSink sink;
    private final StreamStats stats;
    private final UnsafeBuffer keyBuffer = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer payloadBuffer = new UnsafeBuffer(new byte[0]);

    public DerivedStream(String id, String tier, ChronicleRecordSink sink, StreamStats stats) {
        this.id = id;
        this.tier = tier;
        this.sink = sink;
        this.stats = stats;
    }

    public String id() {
        return id;
    }

    public String tier() {
        return tier;
    }

    public StreamStats stats() {
        return stats;
    }

    /**
     * Appends one record (durable at the next {@link #flush()}).
     *
     * @param sensorTimeNs the time the record is about (event time), or {@link RecordSink#NO_SENSOR_TIME}
     * @param key          channel suffix ("" for the stream's own channel), e.g. "quality", "speed/1s"
     * @return false when the queue refused it (disk quota): the caller keeps it and offers it again
     */
    public boolean append(long sensorTimeNs, DirectBuffer key, int keyOffset, int keyLength,
                          DirectBuffer payload, int payloadOffset, int payloadLength) {
        long mono = System.nanoTime();
        long wall = System.currentTimeMillis() * 1_000_000L;
        return sink.append(sensorTimeNs, wall, mono, key, keyOffset, keyLength, payload, payloadOffset, payloadLength);
    }

    /** Convenience for low-rate outputs (events, window results): allocates. */
    public boolean append(long sensorTimeNs, String key, byte[] payload) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        keyBuffer.wrap(k);
        payloadBuffer.wrap(payload);
        return append(sensorTimeNs, k.length == 0 ? NO_KEY : keyBuffer, 0, k.length, payloadBuffer, 0, payload.length);
    }

    /** Makes every appended record durable; call before committing the inputs' checkpoints. */
    public boolean flush() {
        return sink.flush();
    }
}
