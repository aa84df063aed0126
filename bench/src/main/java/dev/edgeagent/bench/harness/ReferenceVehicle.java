package dev.edgeagent.bench.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference vehicle: 6 cameras at 1080p30 MJPEG (~250 KB per frame, ±30 %), one Ouster OS1-64 at its
 * packet rate (1024×10 mode: 640 packets/s of 12 608 B), 4 CAN buses at 2 000 frames/s, IMU at 400 Hz, GNSS
 * at 10 Hz and 1 000 MQTT messages/s through a real Mosquitto; all rates times {@code factor}. Each sensor has
 * a buffer of 100 ms, as drivers and sockets do: what the agent does not take in time is dropped and counted.
 */
final class ReferenceVehicle {

    static final int CAMERA_BYTES = 250_000;
    static final int LIDAR_PACKET_BYTES = 12_608;
    static final double LIDAR_PACKETS_PER_SECOND = 640;
    static final long SENSOR_BUFFER_MS = 100;

    private ReferenceVehicle() {
    }

    /** @param preprocess every sensor stream with a preprocess block (quality checks, a decimated copy) */
    static AgentRun.Spec spec(int factor, double seconds, List<String> jvm, boolean preprocess) {
        // synthetic sensors run 2 s longer than MQTT is published, so every message arrives before they end
        double sensorSeconds = seconds + 2;
        List<AgentRun.Stream> s = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            s.add(stream("cam" + i, "camera", CAMERA_BYTES, 30, 30.0 * factor, sensorSeconds));
        }
        s.add(stream("lidar", "lidar", LIDAR_PACKET_BYTES, 0, LIDAR_PACKETS_PER_SECOND * factor, sensorSeconds));
        for (int i = 0; i < 4; i++) {
            s.add(stream("can" + i, "can", 16, 0, 2000.0 * factor, sensorSeconds));
        }
        s.add(stream("imu", "imu", 48, 0, 400.0 * factor, sensorSeconds));
        s.add(stream("gnss", "gnss", 100, 0, 10.0 * factor, sensorSeconds));
        AgentRun.Mqtt mqtt = new AgentRun.Mqtt("telemetry", List.of("bench/engine", "bench/battery", "bench/doors",
                "bench/hvac"), 1000.0 * factor, seconds, 200);
        return new AgentRun.Spec((preprocess ? "vehicle-preprocess-" : "vehicle-") + factor + "x", s, mqtt, "64M", "10s",
                jvm, 900, preprocess);
    }

    private static AgentRun.Stream stream(String id, String modality, int bytes, int jitter, double rate, double seconds) {
        return new AgentRun.Stream(id, modality, bytes, jitter, rate, Math.round(rate * seconds), SENSOR_BUFFER_MS);
    }

    /** Records per second the sensors (not MQTT) send at 1x. */
    static double sensorRecordsPerSecond() {
        return 6 * 30 + LIDAR_PACKETS_PER_SECOND + 4 * 2000 + 400 + 10;
    }

    /** MB/s the sensors offer at this factor. */
    static double offeredMBps(int factor) {
        double bytesPerSecond = 6 * 30 * CAMERA_BYTES + LIDAR_PACKETS_PER_SECOND * LIDAR_PACKET_BYTES + 4 * 2000 * 16
                + 400 * 48 + 10 * 100 + 1000 * 200;
        return bytesPerSecond * factor / 1e6;
    }

    /**
     * Cores used while the sensors run (after the first 2 s), from the CPU samples taken from /proc: start-up
     * and the final drain are left out.
     */
    static double steadyCores(AgentRun.Outcome o, double seconds) {
        List<double[]> samples = o.cpuSamples();
        double tStart = -1;
        for (double[] s : samples) {
            if (o.startupCpuSeconds() >= 0 && s[1] >= o.startupCpuSeconds()) {
                tStart = s[0];
                break;
            }
        }
        if (tStart < 0) {
            return -1;
        }
        double from = tStart + 2;
        double to = tStart + seconds;
        double[] a = null;
        double[] b = null;
        for (double[] s : samples) {
            if (a == null && s[0] >= from) {
                a = s;
            }
            if (s[0] <= to) {
                b = s;
            }
        }
        if (a == null || b == null || b[0] <= a[0]) {
            return -1;
        }
        return (b[1] - a[1]) / (b[0] - a[0]);
    }
}
