package dev.edgeagent.agent.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.observe.AgentMetrics;
import dev.edgeagent.agent.pipeline.OnceReport;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.testing.IndependentCaptures;
import dev.edgeagent.agent.testing.UploadedBatches;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 7 acceptance 1 and 2 through a real pipeline (replay sources, capture queues, the transform thread,
 * batching, the local upload target): window features over the Honda CAN log and the x-io IMU CSV equal
 * what this test computes from the files itself; injected faults each give exactly one quality event of the
 * right kind while every record is still uploaded.
 */
class PreprocessPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CANDUMP = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\) (\\S+) ([0-9A-Fa-f]{3})#([0-9A-Fa-f]*)$");

    @TempDir
    Path dir;

    /** Micrometer's function counters hold their objects weakly: keep the transforms until the metrics are read. */
    private final List<Object> keepForMetrics = new ArrayList<>();

    private UploadedBatches run(String yaml, SimpleMeterRegistry registry) throws Exception {
        LoadedConfig config = AgentConfigLoader.parse("preprocess.yaml", yaml, Map.of());
        try (Pipeline pipeline = Pipeline.create(config, "test", true)) {
            new AgentMetrics(registry, pipeline);
            keepForMetrics.addAll(pipeline.transforms());
            pipeline.start();
            OnceReport report = pipeline.runOnce(Duration.ofSeconds(120));
            assertTrue(report.ok(), report.render());
        }
        return UploadedBatches.read(dir.resolve("upload"));
    }

    /** A value at its event time. */
    record Sample(long timeNs, double value) {
    }

    @Test
    void windowFeaturesEqualAnIndependentComputation() throws Exception {
        Path can = IndependentCaptures.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log");
        Path imu = IndependentCaptures.sample("imu/xio_fusion_sensor_data.csv");
        Path dbc = IndependentCaptures.sample("../config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        UploadedBatches up = run("""
                agent:
                  device-id: d1
                  data-dir: %s/data
                  streams:
                    - id: can
                      modality: can
                      source: {type: replay, file: %s, timing: max}
                      decode: {dbc: %s}
                      preprocess:
                        features:
                          - {signals: [ENGINE_DATA.XMISSION_SPEED, POWERTRAIN_DATA.ENGINE_RPM], window: 1s, allowed-lateness: 2s, quantiles: [0.5, 0.95]}
                    - id: imu
                      modality: imu
                      source: {type: replay, file: %s, timing: max, columns: xio}
                      preprocess:
                        features:
                          - {signals: [accel.x, gyro.z], window: 2s, hop: 500ms, allowed-lateness: 100ms}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, can, dbc, imu, dir), registry);

        // CAN: values decoded here by hand from the candump text (Motorola 16-bit big-endian fields), at the
        // kernel timestamps of the log
        Map<String, List<Sample>> canValues = new HashMap<>();
        for (String line : Files.readAllLines(can, StandardCharsets.US_ASCII)) {
            Matcher m = CANDUMP.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            long t = Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(m.group(2)) * 1000L;
            int id = Integer.parseInt(m.group(4), 16);
            byte[] d = java.util.HexFormat.of().parseHex(m.group(5));
            if (id == 0x158 && d.length == 8) {
                canValues.computeIfAbsent("ENGINE_DATA.XMISSION_SPEED", k -> new ArrayList<>())
                        .add(new Sample(t, (((d[0] & 0xff) << 8) | (d[1] & 0xff)) * 0.01));
            } else if (id == 0x17C && d.length == 8) {
                canValues.computeIfAbsent("POWERTRAIN_DATA.ENGINE_RPM", k -> new ArrayList<>())
                        .add(new Sample(t, ((d[2] & 0xff) << 8) | (d[3] & 0xff)));
            }
        }
        assertTrue(canValues.get("POWERTRAIN_DATA.ENGINE_RPM").size() > 1000);
        int canWindows = compare(up.stream("can-features"), canValues, 1_000_000_000L, 1_000_000_000L, "1s");
        assertTrue(canWindows >= 2 * 10, "windows compared: " + canWindows);

        // IMU: the CSV's own numbers in SI units (deg/s -> rad/s, g -> m/s^2), at the times of the uploaded records
        List<String> rows = Files.readAllLines(imu);
        List<UploadedBatches.Message> raw = up.stream("imu");
        assertEquals(rows.size() - 1, raw.size());
        Map<String, List<Sample>> imuValues = new HashMap<>();
        for (int i = 1; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            long t = raw.get(i - 1).publishTime();
            imuValues.computeIfAbsent("accel.x", k -> new ArrayList<>()).add(new Sample(t, Double.parseDouble(f[4]) * 9.80665));
            imuValues.computeIfAbsent("gyro.z", k -> new ArrayList<>()).add(new Sample(t, Double.parseDouble(f[3]) * Math.PI / 180));
        }
        int imuWindows = compare(up.stream("imu-features"), imuValues, 2_000_000_000L, 500_000_000L, "2s@500ms");
        assertTrue(imuWindows >= 2 * 250, "windows compared: " + imuWindows);
        assertEquals(0.0, registry.get("edgeagent.features.late").tag("stream", "imu").functionCounter().count());
        assertEquals(up.stream("imu-features").size(),
                registry.get("edgeagent.features.windows").tag("stream", "imu").functionCounter().count());
    }

    /** Compares every emitted window with the same window computed here; returns how many were compared. */
    private static int compare(List<UploadedBatches.Message> results, Map<String, List<Sample>> values, long w, long h,
                               String label) throws Exception {
        Map<String, TreeMap<Long, List<Sample>>> expected = new HashMap<>();
        values.forEach((signal, samples) -> {
            TreeMap<Long, List<Sample>> windows = new TreeMap<>();
            for (Sample s : samples) {
                for (long k = Math.floorDiv(s.timeNs() - w, h) + 1; k <= Math.floorDiv(s.timeNs(), h); k++) {
                    windows.computeIfAbsent(k * h, x -> new ArrayList<>()).add(s);
                }
            }
            expected.put(signal, windows);
        });
        Map<String, Integer> seen = new HashMap<>();
        for (UploadedBatches.Message m : results) {
            JsonNode r = JSON.readTree(m.payload());
            String signal = r.get("signal").asText();
            assertEquals(signal + "/" + label, m.key());
            List<Sample> window = expected.get(signal).get(r.get("start_ns").asLong());
            assertNotNull(window, "window " + r);
            assertEquals(r.get("start_ns").asLong() + w, r.get("end_ns").asLong());
            assertEquals(window.size(), r.get("count").asLong(), r.toString());
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Sample s : window) {
                sum += s.value();
                min = Math.min(min, s.value());
                max = Math.max(max, s.value());
            }
            double mean = sum / window.size();
            double squares = 0;
            for (Sample s : window) {
                squares += (s.value() - mean) * (s.value() - mean);
            }
            double std = Math.sqrt(squares / window.size());
            assertClose(mean, r.get("mean").asDouble(), 1e-9, r);
            assertClose(min, r.get("min").asDouble(), 1e-9, r);
            assertClose(max, r.get("max").asDouble(), 1e-9, r);
            assertClose(std, r.get("std").asDouble(), 1e-6, r);
            // first/last: the same number up to the last bit of the unit conversion (x * pi / 180)
            assertClose(window.get(0).value(), r.get("first").asDouble(), 1e-12, r);
            assertClose(window.get(window.size() - 1).value(), r.get("last").asDouble(), 1e-12, r);
            if (r.has("quantiles")) {
                // t-digest estimates: p50 between the exact 40th and 60th percentiles, p95 from the 90th up
                double[] sorted = window.stream().mapToDouble(Sample::value).sorted().toArray();
                double median = r.get("quantiles").get("0.5").asDouble();
                double p95 = r.get("quantiles").get("0.95").asDouble();
                assertTrue(median >= below(sorted, 0.4) - 1e-9 && median <= above(sorted, 0.6) + 1e-9, median + " in " + r);
                assertTrue(p95 >= below(sorted, 0.9) - 1e-9 && p95 <= max, p95 + " in " + r);
            }
            assertEquals(0, r.get("late").asLong());
            seen.merge(signal, 1, Integer::sum);
        }
        // every non-empty window was emitted, once
        expected.forEach((signal, windows) -> assertEquals(windows.size(), seen.getOrDefault(signal, 0), signal));
        return seen.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void injectedFaultsGiveOneEventEachAndEveryRecordIsDelivered() throws Exception {
        // ENGINE_DATA (0x158) at 100 Hz for 30 s: XMISSION_SPEED a slow sine, COUNTER (2 bits) counting frames
        long t0 = 1_700_000_000_000_000_000L;
        StringBuilder log = new StringBuilder();
        List<Long> times = new ArrayList<>();
        int counter = 0;
        int outOfRange = -1;
        int backwards = -1;
        int gapAfter = -1;
        for (int slot = 0; slot < 3000; slot++) {
            long t = t0 + slot * 10_000_000L;
            if (slot >= 2200 && slot < 2500 && slot % 2 == 1) {
                continue;                                   // fault: the rate drops to 50 Hz for 3 s
            }
            double speed = 50 + 20 * Math.sin(slot * 0.013);
            if (slot == 500) {
                speed = 400;                                // fault: out of range (max 300)
                outOfRange = times.size();
            }
            if (slot >= 1500 && slot < 2000) {
                speed = 60;                                 // fault: stuck for 5 s (stuck-after 2s)
            }
            if (slot == 1000) {
                t -= 500_000_000L;                          // fault: time goes back by 0.5 s
                backwards = times.size();
            }
            if (slot == 800) {
                counter++;                                  // fault: one counter value (one frame) is missing
                gapAfter = times.size();
            }
            int raw = (int) Math.round(speed / 0.01);
            byte[] d = {(byte) (raw >> 8), (byte) raw, 0, 0, 0, 0, 0, (byte) ((counter & 3) << 4)};
            counter++;
            log.append(String.format("(%d.%06d) can0 158#%s%n", t / 1_000_000_000L, t % 1_000_000_000L / 1000,
                    java.util.HexFormat.of().withUpperCase().formatHex(d)));
            times.add(t);
        }
        Path file = Files.writeString(dir.resolve("faults.candump.log"), log);
        Path dbc = IndependentCaptures.sample("../config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        UploadedBatches up = run("""
                agent:
                  device-id: d1
                  data-dir: %s/data
                  streams:
                    - id: can
                      modality: can
                      source: {type: replay, file: %s, timing: max}
                      decode: {dbc: %s}
                      preprocess:
                        quality:
                          expected-rate: 100
                          rate-tolerance: 0.2
                          sequence-signal: ENGINE_DATA.COUNTER
                          sequence-modulo: 4
                          signals:
                            - {name: ENGINE_DATA.XMISSION_SPEED, min: 0, max: 300, stuck-after: 2s}
                        decimate: {keep-one-in: 10}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, file, dbc, dir), registry);

        // every record delivered, byte for byte in order
        assertEquals(times.size(), up.stream("can").size());
        Map<String, List<JsonNode>> events = new TreeMap<>();
        for (UploadedBatches.Message m : up.stream("can-quality")) {
            JsonNode e = JSON.readTree(m.payload());
            assertEquals(e.get("check").asText(), m.key());
            assertEquals("can", e.get("stream").asText());
            events.computeIfAbsent(e.get("check").asText(), k -> new ArrayList<>()).add(e);
        }
        assertEquals(List.of("range", "rate", "sequence-gap", "stuck", "time-backwards"), List.copyOf(events.keySet()),
                events.toString());
        events.forEach((check, list) -> assertEquals(1, list.size(), check + ": " + list));
        JsonNode range = events.get("range").get(0);
        assertEquals("ENGINE_DATA.XMISSION_SPEED", range.get("signal").asText());
        assertEquals(400.0, range.get("value").asDouble(), 1e-9);
        assertEquals(outOfRange, range.get("record_seq").asLong());
        assertEquals(times.get(outOfRange), range.get("time_ns").asLong());
        JsonNode back = events.get("time-backwards").get(0);
        assertEquals(backwards, back.get("record_seq").asLong());
        assertEquals(-0.49, back.get("value").asDouble(), 1e-9);   // 10 ms after the previous record, minus 0.5 s
        JsonNode gap = events.get("sequence-gap").get(0);
        assertEquals(gapAfter, gap.get("record_seq").asLong());
        assertEquals(1.0, gap.get("value").asDouble());
        JsonNode stuck = events.get("stuck").get(0);
        assertTrue(stuck.get("time_ns").asLong() > t0 + 17_000_000_000L && stuck.get("time_ns").asLong() <= t0 + 17_020_000_000L,
                stuck.toString());
        JsonNode rate = events.get("rate").get(0);
        assertEquals(50.0, rate.get("value").asDouble(), 1e-9);
        assertEquals(t0 + 23_000_000_000L, rate.get("time_ns").asLong());   // the end of the first 50 Hz window
        // counted in metrics: the range episode is one value, the stuck one every value after 2 s of the 5
        assertEquals(1.0, registry.get("edgeagent.quality.violations").tags("stream", "can", "check", "range")
                .functionCounter().count());
        assertEquals(3.0, registry.get("edgeagent.quality.violations").tags("stream", "can", "check", "rate")
                .functionCounter().count());
        assertEquals(1.0, registry.get("edgeagent.quality.events").tags("stream", "can", "check", "stuck")
                .functionCounter().count());

        // decimated copy: records 0, 10, 20, ... byte for byte, same schema as the raw stream
        List<UploadedBatches.Message> decimated = up.stream("can-decimated");
        assertEquals((times.size() + 9) / 10, decimated.size());
        for (int i = 0; i < decimated.size(); i++) {
            assertArrayEquals(up.stream("can").get(i * 10).payload(), decimated.get(i).payload(), "decimated " + i);
            assertEquals(up.stream("can").get(i * 10).key(), decimated.get(i).key());
        }
        assertTrue(up.manifests.stream().anyMatch(m -> m.streamId().equals("can-quality") && m.tier().equals("critical")));
        assertTrue(up.manifests.stream().anyMatch(m -> m.streamId().equals("can-decimated") && m.tier().equals("standard")));
    }

    @Test
    void lostLidarPacketsGiveAPacketLossEventAndAVoxelPreview() throws Exception {
        // the VLP-16 capture without two consecutive data packets, written back as a pcap (same header)
        Path original = IndependentCaptures.sample("lidar/velodyne_vlp16.pcap");
        byte[] header = java.util.Arrays.copyOf(Files.readAllBytes(original), 24);
        List<dev.edgeagent.protocols.testing.SimplePcap.Packet> packets = dev.edgeagent.protocols.testing.SimplePcap.read(original);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(header);
        int data = 0;
        int kept = 0;
        for (var p : packets) {
            if (p.udpDestinationPort() == 2368) {
                int index = data++;
                if (index == 20 || index == 21) {
                    continue;   // data packets 20 and 21 are lost
                }
            }
            java.nio.ByteBuffer r = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            r.putInt((int) (p.timestampNanos() / 1_000_000_000L)).putInt((int) (p.timestampNanos() % 1_000_000_000L / 1000))
                    .putInt(p.frame().length).putInt(p.originalLength());
            out.write(r.array());
            out.write(p.frame());
            kept++;
        }
        Path pcap = Files.write(dir.resolve("vlp16-lossy.pcap"), out.toByteArray());
        UploadedBatches up = run("""
                agent:
                  device-id: d1
                  data-dir: %s/data
                  streams:
                    - id: lidar
                      modality: lidar
                      source: {type: replay, file: %s, ports: [2368, 8308], timing: max}
                      preprocess:
                        quality: {duplicate-timestamps: false}
                        preview: {voxel: 1.0, max-points: 3000}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, pcap, dir), new SimpleMeterRegistry());
        assertEquals(kept, up.stream("lidar").size());
        List<JsonNode> loss = new ArrayList<>();
        for (UploadedBatches.Message m : up.stream("lidar-quality")) {
            JsonNode e = JSON.readTree(m.payload());
            assertEquals("packet-loss", e.get("check").asText(), e.toString());
            loss.add(e);
        }
        assertEquals(1, loss.size(), loss.toString());
        assertEquals(2.0, loss.get(0).get("value").asDouble());
        // the batcher's own sweep summaries say the same
        long lostInSummaries = 0;
        for (var m : up.derived("lidar", "sweeps")) {
            lostInSummaries += JSON.readTree(m.message().data()).get("lost_packets").asLong();
        }
        assertEquals(2, lostInSummaries);
        assertEquals(up.derived("lidar", "points").size(), up.stream("lidar-preview").size());
    }

    /** The sorted values at or just below / above quantile q (no interpolation). */
    private static double below(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    private static double above(double[] sorted, double q) {
        return sorted[(int) Math.ceil(q * (sorted.length - 1))];
    }

    /** Relative tolerance, with an absolute floor for values at zero (a parked car's speed). */
    private static void assertClose(double expected, double actual, double relative, JsonNode r) {
        assertEquals(expected, actual, Math.max(Math.abs(expected) * relative, 1e-12), r.toString());
    }
}
