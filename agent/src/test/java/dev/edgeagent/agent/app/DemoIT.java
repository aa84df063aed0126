package dev.edgeagent.agent.app;

import dev.edgeagent.agent.testing.AgentProcess;
import dev.edgeagent.agent.testing.IndependentCaptures;
import dev.edgeagent.agent.testing.UploadedBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Acceptance 1: the README's demo (the packaged agent, --once, the shipped config/agent.yaml, run from the
 * repository root) replays the bundled real LiDAR and CAN captures into MCAP batches the reference reader
 * accepts, holding exactly the packets and frames of the captures. Only where output goes is overridden
 * (environment variables, as a user would), so the repository stays clean.
 */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void theDemoUploadsEveryPacketAndFrameOfTheBundledCaptures() throws Exception {
        Path upload = dir.resolve("upload");
        try (AgentProcess agent = AgentProcess.start(AgentProcess.repoRoot(), dir, Map.of(
                "AGENT_DATA_DIR", dir.resolve("data").toString(),
                "AGENT_UPLOAD_TARGET", "file:" + upload), "--once")) {
            assertEquals(0, agent.waitFor(180), agent.output());
            String out = agent.output();
            assertTrue(out.contains("OK: everything captured was sealed and uploaded"), out);
            for (String stream : List.of("lidar-ouster", "imu-ouster", "lidar-vlp16", "can-civic")) {
                assertTrue(out.contains(stream), "summary names " + stream + ":\n" + out);
            }
        }
        UploadedBatches uploaded = UploadedBatches.read(upload);

        Path ouster = IndependentCaptures.sample("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap");
        assertPayloads(IndependentCaptures.udpPayloads(ouster, 7502), uploaded.stream("lidar-ouster"));
        assertPayloads(IndependentCaptures.udpPayloads(ouster, 7503), uploaded.stream("imu-ouster"));
        assertPayloads(IndependentCaptures.udpPayloads(IndependentCaptures.sample("lidar/velodyne_vlp16.pcap"), 2368),
                uploaded.stream("lidar-vlp16"));
        List<IndependentCaptures.CanLine> can = IndependentCaptures.candump(
                IndependentCaptures.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log"));
        assertEquals(28_835, can.size(), "SOURCES.md says 28835 frames");
        List<UploadedBatches.Message> canUploaded = uploaded.stream("can-civic");
        assertEquals(can.size(), canUploaded.size());
        for (int i = 0; i < can.size(); i++) {
            assertArrayEquals(IndependentCaptures.socketCan(can.get(i)), canUploaded.get(i).payload(), "CAN frame " + i);
            assertEquals(can.get(i).iface(), canUploaded.get(i).key());
        }
        // the facts SOURCES.md states, as a check on the independent reader itself
        assertEquals(192, uploaded.stream("lidar-ouster").size());
        assertEquals(30, uploaded.stream("imu-ouster").size());
        assertEquals(84, uploaded.stream("lidar-vlp16").size());
        assertTrue(uploaded.manifests.stream().allMatch(m -> m.deviceId().equals("demo-vehicle-001")));
        assertTrue(uploaded.manifests.stream().filter(m -> m.streamId().startsWith("lidar")).allMatch(m -> m.tier().equals("bulk")));

        // decoded beside the raw records (the reference reader decoded each one by its schema, in read()):
        // the Ouster capture holds frames 1795-1797 complete, 64 packets of 16 columns x 128 beams each
        assertEquals(3, uploaded.derived("lidar-ouster", "points").size());
        for (var sweep : uploaded.derived("lidar-ouster", "sweeps")) {
            String json = new String(sweep.message().data(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(json.contains("\"packets\":64") && json.contains("\"lost_packets\":0"), json);
        }
        assertEquals("foxglove.PointCloud", uploaded.derived("lidar-ouster", "points").get(0).schema().name());
        // the DBC knows 21 of the log's 57 ids, 16 032 of its frames: one signals message per known frame
        long decoded = uploaded.derived.entrySet().stream().filter(e -> e.getKey().startsWith("can-civic/signals/"))
                .mapToLong(e -> e.getValue().size()).sum();
        long known = can.stream().filter(f -> KNOWN_CIVIC_IDS.contains(f.id())).count();
        assertEquals(16_032, known, "frames with an id the DBC defines, counted independently");
        assertEquals(known, decoded);
        // ENGINE_DATA (0x158) XMISSION_SPEED: big-endian bits 7..0 of bytes 0-1 x 0.01 km/h, a slow drive
        for (var m : uploaded.derived("can-civic", "signals/ENGINE_DATA")) {
            String json = new String(m.message().data(), java.nio.charset.StandardCharsets.UTF_8);
            double speed = Double.parseDouble(json.replaceAll(".*\"XMISSION_SPEED\":([-0-9.E]+).*", "$1"));
            assertTrue(speed >= 0 && speed <= 9, json);
        }
    }

    /** The ids BO_ lines of the Civic DBC define that the log contains (read from the DBC file by the test). */
    static final java.util.Set<Long> KNOWN_CIVIC_IDS = knownIds();

    static java.util.Set<Long> knownIds() {
        try {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (String line : java.nio.file.Files.readAllLines(AgentProcess.repoRoot()
                    .resolve("config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc"))) {
                if (line.startsWith("BO_ ")) {
                    ids.add(Long.parseLong(line.split("\\s+")[1]));
                }
            }
            return ids;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void assertPayloads(List<byte[]> expected, List<UploadedBatches.Message> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i).payload(), "packet " + i);
            assertEquals(i, actual.get(i).seq());
            assertNotEquals(actual.get(i).logTime(), actual.get(i).publishTime(),
                    "publish time is the capture timestamp, not the receive time");
        }
    }
}
