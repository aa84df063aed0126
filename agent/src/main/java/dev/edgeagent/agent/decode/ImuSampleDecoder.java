package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.protocols.imu.ImuFormatException;
import dev.edgeagent.protocols.imu.ImuRecord;
import dev.edgeagent.protocols.imu.ImuSample;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IMU records (the agent's binary IMU layout) as JSON on {@code /<stream>/imu}, one message per sample, with
 * units in the field names so that a viewer plots them directly: angular velocity rad/s, linear acceleration
 * m/s², orientation quaternion and magnetic field µT when the sensor gives them.
 */
public final class ImuSampleDecoder implements RecordDecoder {

    private static final DerivedSchema SCHEMA = DerivedSchema.json("edgeagent.imu.Sample", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"IMU sample","type":"object",
             "properties":{"time_ns":{"type":"integer","description":"sensor time, ns"},
              "gyro_x_rad_s":{"type":"number"},"gyro_y_rad_s":{"type":"number"},"gyro_z_rad_s":{"type":"number"},
              "accel_x_m_s2":{"type":"number"},"accel_y_m_s2":{"type":"number"},"accel_z_m_s2":{"type":"number"},
              "quat_w":{"type":"number"},"quat_x":{"type":"number"},"quat_y":{"type":"number"},"quat_z":{"type":"number"},
              "mag_x_ut":{"type":"number"},"mag_y_ut":{"type":"number"},"mag_z_ut":{"type":"number"}},
             "required":["time_ns","gyro_x_rad_s","accel_x_m_s2"]}""");

    private final ImuSample sample = new ImuSample();
    private final JsonBytes json = new JsonBytes();
    private long written;
    private long bad;

    @Override
    public void decode(RecordView r, DerivedOutput out) throws IOException {
        try {
            ImuRecord.decode(r.payload(), 0, r.payload().capacity(), sample);
        } catch (ImuFormatException e) {
            bad++;   // kept raw; counted
            return;
        }
        json.begin().integer("time_ns", sample.timeNs)
                .number("gyro_x_rad_s", sample.gyroX).number("gyro_y_rad_s", sample.gyroY).number("gyro_z_rad_s", sample.gyroZ)
                .number("accel_x_m_s2", sample.accelX).number("accel_y_m_s2", sample.accelY)
                .number("accel_z_m_s2", sample.accelZ);
        if (sample.hasOrientation) {
            json.number("quat_w", sample.quatW).number("quat_x", sample.quatX).number("quat_y", sample.quatY)
                    .number("quat_z", sample.quatZ);
        }
        if (sample.hasMagneticField) {
            json.number("mag_x_ut", sample.magX).number("mag_y_ut", sample.magY).number("mag_z_ut", sample.magZ);
        }
        json.end();
        long time = r.timeNs();
        out.write(out.channel("imu", SCHEMA), r.sequence(), r.receiveWallNs(), time, json.buffer, 0, json.length);
        written++;
    }

    @Override
    public void reset() {
        // samples decode on their own
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("samples-written", written);
        c.put("bad-records", bad);
        return c;
    }
}
