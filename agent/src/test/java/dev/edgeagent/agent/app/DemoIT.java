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
