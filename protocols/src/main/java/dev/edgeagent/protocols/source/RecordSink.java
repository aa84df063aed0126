package dev.edgeagent.protocols.source;

import org.agrona.DirectBuffer;

/**
 * Where a source puts each record it captures. A sink has exactly one writer thread: the source
 * that owns it. Implementations must not allocate per record and must not block on the network.
 *
 * <p>A sink may pack several small records into one durable write: {@link #append} accepts a record,
 * {@link #flush} makes every accepted record durable. The pipeline flushes each source's sink at the end of
 * every duty cycle, so a source only calls {@code flush()} itself where it acknowledges upstream (an MQTT
 * PUBACK): acknowledge only after {@code flush()} returned true.
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
     * @return true once the record is accepted (durable at the next {@link #flush}, which may happen inside
     *         this call when a block fills); false if the sink refused it, e.g. because its disk quota is
     *         reached: the source keeps the record and offers it again later
     */
    boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs,
                   DirectBuffer key, int keyOffset, int keyLength,
                   DirectBuffer payload, int payloadOffset, int payloadLength);

    /**
     * Makes every record accepted so far durable.
     *
     * @return true when they are; false if the durable write failed (the sink logs and counts it)
     */
    default boolean flush() {
        return true;
    }
}
