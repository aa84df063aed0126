package dev.edgeagent.agent.align;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The alignment stage in a running pipeline: EuRoC frames as reference, the EuRoC IMU (same clock) and a GNSS
 * receiver whose times are years apart (never within tolerance) as members: one set per frame, the IMU present,
 * the GNSS missing (never a stale fix), a missing event once it is missing longer than max-missing, the
 * metrics counting it.
 */
class AlignPipelineTest {

    @TempDir
    Path dir;

    @Test
    void setsEventsMetricsAndSavedClocks() throws Exception {
        LoadedConfig config = AgentConfigLoader.parse("align.yaml", """
                agent:
                  device-id: d1
                  data-dir: %s/data
                  streams:
                    - {id: cam, modality: camera, source: {type: images, directory: %s}}
                    - {id: imu, modality: imu, source: {type: replay, file: %s, columns: euroc}}
                    - {id: gnss, modality: gnss, source: {type: replay, file: %s}}
                  alignment:
                    groups:
                      - id: g
                        reference: cam
                        clock: sensor
                        max-missing: 100ms
                        members:
                          - {stream: imu, tolerance: 3ms}
                          - {stream: gnss, tolerance: 100ms, mode: interpolate, signals: [lat, lon]}
                      - id: typo
                        reference: cam
                        clock: sensor
                        members:
                          - {stream: imu, tolerance: 3ms, mode: interpolate, signals: [gyro.q]}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, IndependentCaptures.sample("euroc/cam0"), IndependentCaptures.sample("euroc/imu0/data.csv"),
                IndependentCaptures.sample("gnss/gpsd_ublox-neo-m9n-nmea.log"), dir), Map.of());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Micrometer's function counters hold their objects weakly: keep the transforms until the metrics are read
        List<Object> keepForMetrics = new java.util.ArrayList<>();
        try (Pipeline pipeline = Pipeline.create(config, "test", true)) {
            AgentMetrics metrics = new AgentMetrics(registry, pipeline);
            keepForMetrics.addAll(pipeline.transforms());
            pipeline.start();
            OnceReport report = pipeline.runOnce(Duration.ofSeconds(60));
            assertTrue(report.ok(), report.render());
            metrics.sample();
        }
        UploadedBatches uploaded = UploadedBatches.read(dir.resolve("upload"));
        ObjectMapper json = new ObjectMapper();
        List<UploadedBatches.Message> sets = uploaded.stream("align-g");
        assertEquals(5, sets.size());
        for (UploadedBatches.Message m : sets) {
            JsonNode set = json.readTree(m.payload());
            assertEquals("nearest", set.path("members").get(0).path("status").asText(), set.toString());
            assertEquals(0, set.path("members").get(0).path("skewNs").asLong(), set.toString());
            assertEquals("missing", set.path("members").get(1).path("status").asText(), set.toString());
            assertFalse(set.path("members").get(1).has("values"), "a missing member carries no value");
            assertEquals(2, set.path("missing").asLong());
        }
        List<UploadedBatches.Message> events = uploaded.stream("align-g-events");
        assertEquals(1, events.size());
        JsonNode event = json.readTree(events.get(0).payload());
        assertEquals("missing", event.path("type").asText());
        assertEquals("gnss", event.path("stream").asText());
        assertTrue(event.path("missingForNs").asLong() > 100_000_000L, event.toString());
        assertEquals("critical", uploaded.manifests.stream().filter(x -> x.streamId().equals("align-g-events"))
                .findFirst().orElseThrow().tier());

        assertEquals(5, registry.get("edgeagent.align.sets").tag("group", "g").functionCounter().count());
        assertEquals(5, registry.get("edgeagent.align.missing").tag("group", "g").tag("member", "gnss").functionCounter().count());
        assertEquals(0, registry.get("edgeagent.align.missing").tag("group", "g").tag("member", "imu").functionCounter().count());
        assertEquals(0.0, registry.get("edgeagent.align.skew").tag("group", "g").tag("member", "imu").tag("quantile", "1.0").gauge().value());
        assertEquals(1, registry.get("edgeagent.align.quality.events").tag("group", "g").functionCounter().count());
        assertNotNull(registry.get("edgeagent.clock.offset").tag("stream", "imu").gauge());
        // a misspelt signal name is said and counted, not silently missing
        assertEquals(5, registry.get("edgeagent.align.missing").tag("group", "typo").functionCounter().count());
        assertEquals(2, keepForMetrics.size());   // (and reachable up to here)
        assertEquals(1, registry.get("edgeagent.input.errors").tag("stream", "imu").tag("kind", "align-unknown-signals")
                .functionCounter().count());
        // --once replays faster than real time: no clock model is kept, log times are receive times and say so
        assertFalse(Files.exists(ClockModel.stateFile(dir.resolve("data"), "imu")));
        assertTrue(uploaded.manifests.stream().filter(x -> x.streamId().equals("imu"))
                .allMatch(x -> x.alignment().clock().equals("receive")));
    }

    /**
     * A LiDAR reference is the sweep, not the packet: the Ouster capture's frames 1795-1797 (64 packets each, each
     * complete with its last packet) give one set per sweep, at its first packet.
     */
    @Test
    void aLidarReferenceGivesOneSetPerSweep() throws Exception {
        LoadedConfig config = AgentConfigLoader.parse("align-lidar.yaml", """
                agent:
                  device-id: d1
                  data-dir: %s/data
                  streams:
                    - id: ouster
                      modality: lidar
                      source: {type: replay, file: %s, ports: [7502]}
                      decode: {sensor-metadata: %s}
                    - {id: imu, modality: imu, source: {type: replay, file: %s, columns: euroc}}
                  alignment:
                    groups:
                      - id: sweep
                        reference: ouster
                        clock: sensor
                        members:
                          - {stream: imu, tolerance: 5ms}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, IndependentCaptures.sample("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap"),
                IndependentCaptures.sample("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap").getParent().getParent().getParent().resolve("config/sensors/ouster_OS-1-128_v2.3.0_1024x10.json"),
                IndependentCaptures.sample("euroc/imu0/data.csv"), dir), Map.of());
        try (Pipeline pipeline = Pipeline.create(config, "test", true)) {
            pipeline.start();
            OnceReport report = pipeline.runOnce(Duration.ofSeconds(60));
            assertTrue(report.ok(), report.render());
        }
        UploadedBatches uploaded = UploadedBatches.read(dir.resolve("upload"));
        assertEquals(192, uploaded.stream("ouster").size());
        List<UploadedBatches.Message> sets = uploaded.stream("align-sweep");
        assertEquals(3, sets.size(), "one set per completed sweep, not one per packet: " + sets.stream().map(m -> new String(m.payload())).toList());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(sets.get(0).payload());
        JsonNode second = json.readTree(sets.get(1).payload());
        assertEquals(0, first.path("ref").path("seq").asLong(), first.toString());
        assertEquals(64, second.path("ref").path("seq").asLong(), second.toString());
        assertEquals(uploaded.stream("ouster").get(64).publishTime(), second.path("ref").path("sensorTime").asLong());
        assertEquals(128, json.readTree(sets.get(2).payload()).path("ref").path("seq").asLong());
        // the IMU (2014) is nowhere near the LiDAR capture's time: missing, never a stale sample
        assertEquals("missing", first.path("members").get(0).path("status").asText(), first.toString());
    }

    /** Velodyne: a sweep ends at the azimuth wrap; the packet across it starts the next sweep. */
    @Test
    void aVelodyneReferenceGivesOneSetPerAzimuthWrap() throws Exception {
        java.nio.file.Path pcap = IndependentCaptures.sample("lidar/velodyne_vlp16.pcap");
        // independently: the first azimuth of each data packet (block 0: flag 0xFFEE, then azimuth u16 LE)
        List<byte[]> packets = IndependentCaptures.udpPayloads(pcap, 2368);
        List<Long> wraps = new java.util.ArrayList<>();
        int previous = -1;
        for (int i = 0; i < packets.size(); i++) {
            int azimuth = (packets.get(i)[2] & 0xff) | (packets.get(i)[3] & 0xff) << 8;
            if (previous >= 0 && azimuth < previous) {
                wraps.add((long) i);
            }
            previous = azimuth;
        }
        assertFalse(wraps.isEmpty(), "the capture holds at least one full rotation");
        LoadedConfig config = AgentConfigLoader.parse("align-vlp.yaml", """
                agent:
                  device-id: d1
                  data-dir: %s/data
                  streams:
                    - {id: vlp, modality: lidar, source: {type: replay, file: %s, ports: [2368]}}
                    - {id: imu, modality: imu, source: {type: replay, file: %s, columns: euroc}}
                  alignment:
                    groups:
                      - {id: sweep, reference: vlp, clock: sensor, members: [{stream: imu, tolerance: 5ms}]}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, pcap, IndependentCaptures.sample("euroc/imu0/data.csv"), dir), Map.of());
        try (Pipeline pipeline = Pipeline.create(config, "test", true)) {
            pipeline.start();
            OnceReport report = pipeline.runOnce(Duration.ofSeconds(60));
            assertTrue(report.ok(), report.render());
        }
        UploadedBatches uploaded = UploadedBatches.read(dir.resolve("upload"));
        assertEquals(packets.size(), uploaded.stream("vlp").size());
        ObjectMapper json = new ObjectMapper();
        List<Long> refs = new java.util.ArrayList<>();
        for (UploadedBatches.Message m : uploaded.stream("align-sweep")) {
            refs.add(json.readTree(m.payload()).path("ref").path("seq").asLong());
        }
        // the sweep before the first wrap starts at packet 0; each later one at the packet across a wrap
        List<Long> expected = new java.util.ArrayList<>();
        expected.add(0L);
        expected.addAll(wraps.subList(0, wraps.size() - 1));
        assertEquals(expected, refs, "sets at the sweeps' first packets; wraps at " + wraps);
    }
}
