package dev.edgeagent.protocols.source;

import org.agrona.DirectBuffer;

/**
 * Where a source puts each record it captures. A sink has exactly one writer thread: the source
 * that owns it. Implementations must not allocate per record and must not block on the network.
 */
public interface RecordSink {

    /** Marks a record whose source has no sensor clock (the receive time is then the only time). */
    long NO_SENSOR_TIME = Long.MIN_VALUE;

    /**
     * Captures one record.
     *
     * @param sensorTimeNs  the sensor's own timestamp in ns since the Unix epoch, or {@link #NO_SENSOR_TIME}
     * @param receiveWallNs wall-clock receive time, ns since the Unix epoch
     * @param receiveMonoNs monotonic receive time ({@link System#nanoTime()})
     * @param key           record key: MQTT topic, CAN interface, ...; UTF-8; length 0 when none
     * @param payload       the record's bytes, kept byte for byte
     * @return true once the record is durable in its queue (only then may the source acknowledge it
     *         upstream); false if the sink refused it, e.g. because its disk quota is reached
     */
    boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs,
                   DirectBuffer key, int keyOffset, int keyLength,
                   DirectBuffer payload, int payloadOffset, int payloadLength);
}
