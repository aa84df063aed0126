package dev.edgeagent.agent.signal;

import dev.edgeagent.agent.capture.RecordView;

/**
 * Turns a stream's records into named numeric signals, the common input of quality checks, windowed features,
 * alignment (interpolation of continuous signals) and trigger rules. Names by format:
 * <ul>
 *   <li>CAN with a DBC: {@code MESSAGE.SIGNAL} (e.g. {@code ENGINE_DATA.XMISSION_SPEED}), physical units</li>
 *   <li>IMU: {@code gyro.x|y|z} rad/s, {@code accel.x|y|z} m/s², {@code mag.x|y|z} µT when present</li>
 *   <li>GNSS (receiver frames, gpsd TPV): {@code lat}, {@code lon} (deg), {@code alt} (m), {@code speed} (m/s),
 *       {@code track} (deg), one set per epoch, timed by the fix's GNSS time</li>
 *   <li>MQTT JSON payloads: {@code TOPIC:field.path} for every number (and boolean as 0/1) in the object</li>
 * </ul>
 * An extractor is stateful (GNSS epochs span records) and single-threaded: each stage makes its own with
 * {@link SignalExtractors#create}. It does not allocate per record once its names are registered.
 */
public interface SignalExtractor {

    SignalNames names();

    /**
     * Calls {@code sink} for every value the record holds; a record that does not decode yields nothing
     * (the decoders count it).
     *
     * @return the number of values passed to the sink
     */
    int extract(RecordView record, SignalSink sink);

    /** Forgets state spanning records (the records will be read again from an earlier point). */
    void reset();
}
