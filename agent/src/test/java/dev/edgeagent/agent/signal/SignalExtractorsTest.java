package dev.edgeagent.agent.signal;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.stage.QueueReader;
import dev.edgeagent.protocols.can.dbc.DbcDatabase;
import dev.edgeagent.protocols.imu.ImuRecord;
import dev.edgeagent.protocols.imu.ImuSample;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SignalExtractorsTest {

    private static final Path DBC = Path.of("..", "config", "dbc", "honda_civic_hatchback_ex_2017_can_generated.dbc");
    private static final long T = 1_700_000_000_123_000_000L;

    @TempDir
    Path dataDir;

    /** Writes one record and extracts its signals as name → value. */
    private Map<String, Double> extract(SignalExtractor x, String key, byte[] payload, long sensorTime) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (CaptureQueue q = new CaptureQueue(dataDir.resolve(Long.toString(System.nanoTime())), "s", "FAST_HOURLY", new StreamStats("s"))) {
            RecordSink sink = q.newSink();
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            sink.append(sensorTime, T + 5_000_000, System.nanoTime(), new UnsafeBuffer(k), 0, k.length,
                    new UnsafeBuffer(payload), 0, payload.length);
            sink.flush();
            try (QueueReader r = new QueueReader(q, "x")) {
                r.poll((RecordView v) -> {
                    int n = x.extract(v, (id, value, time) -> {
                        assertEquals(v.timeNs(), time);
                        out.put(x.names().name(id), value);
                    });
                    assertEquals(out.size(), n);
                }, 10);
            }
        }
        return out;
    }

    @Test
    void canFrameThroughTheCivicDbc() throws Exception {
        SignalExtractor x = new SignalExtractors.Can(DbcDatabase.load(DBC, e -> { }));
        // SocketCAN layout: id 344 (ENGINE_DATA), len 8; XMISSION_SPEED bytes 0-1 big-endian x0.01, ENGINE_RPM bytes 2-3
        byte[] frame = new byte[16];
        UnsafeBuffer b = new UnsafeBuffer(frame);
        b.putInt(0, 344);
        frame[4] = 8;
        frame[7] = 8;
        frame[8] = 0x12;
        frame[9] = 0x34;
        frame[10] = 0x0B;
        frame[11] = (byte) 0xB8;
        Map<String, Double> v = extract(x, "can0", frame, T);
        assertEquals(0x1234 * 0.01, v.get("ENGINE_DATA.XMISSION_SPEED"), 1e-9);
        assertEquals(3000.0, v.get("ENGINE_DATA.ENGINE_RPM"));
        assertEquals(0.0, v.get("ENGINE_DATA.XMISSION_SPEED2"));
        assertEquals("kph", x.names().unit(x.names().find("ENGINE_DATA.XMISSION_SPEED")));
    }

    @Test
    void imuSampleAxes() {
        ImuSample s = new ImuSample();
        s.timeNs = T;
        s.gyroX = 0.1;
        s.gyroY = -0.2;
        s.gyroZ = 0.3;
        s.accelX = 9.81;
        s.accelY = 0;
        s.accelZ = -1.5;
        byte[] buf = new byte[256];
        int n = ImuRecord.encode(s, new UnsafeBuffer(buf), 0);
        Map<String, Double> v = extract(new SignalExtractors.Imu(), "", java.util.Arrays.copyOf(buf, n), T);
        assertEquals(Map.of("gyro.x", 0.1, "gyro.y", -0.2, "gyro.z", 0.3, "accel.x", 9.81, "accel.y", 0.0, "accel.z", -1.5), v);
    }

    @Test
    void mqttJsonNumbersByTopicAndPath() {
        SignalExtractor x = new SignalExtractors.JsonNumbers(false);
        Map<String, Double> v = extract(x, "vehicle/1/telemetry",
                "{\"speed\":12.5,\"engine\":{\"rpm\":2100,\"on\":true},\"tags\":[1,2],\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                RecordSink.NO_SENSOR_TIME);
        assertEquals(Map.of("vehicle/1/telemetry:speed", 12.5, "vehicle/1/telemetry:engine.rpm", 2100.0,
                "vehicle/1/telemetry:engine.on", 1.0), v);
        assertEquals(Map.of(), extract(x, "vehicle/1/telemetry", "not json {".getBytes(StandardCharsets.UTF_8), T));
    }

    @Test
    void gpsdTpvOnly() {
        SignalExtractor x = new SignalExtractors.JsonNumbers(true);
        Map<String, Double> v = extract(x, "TPV", ("{\"class\":\"TPV\",\"mode\":3,\"lat\":38.11,\"lon\":-122.62,"
                + "\"altMSL\":12.5,\"speed\":0.3,\"track\":91.0}").getBytes(StandardCharsets.UTF_8), T);
        assertEquals(Map.of("lat", 38.11, "lon", -122.62, "alt", 12.5, "speed", 0.3, "track", 91.0), v);
        assertEquals(Map.of(), extract(x, "SKY", "{\"class\":\"SKY\",\"hdop\":1.2}".getBytes(StandardCharsets.UTF_8), T));
    }
}
