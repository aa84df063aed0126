package dev.edgeagent.agent.app;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.testing.AgentProcess;
import dev.edgeagent.agent.testing.IndependentCaptures;
import dev.edgeagent.agent.testing.UploadedBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Acceptance 4: the packaged agent, replaying real captures at their (slowed) original timing with small
 * batches, is killed with SIGKILL at three points while it replays, seals and uploads; each time it is
 * started again and goes on. A final --once run finishes the replay. Every captured record must then be
 * uploaded exactly once: each stream's uploaded sequences are 0..n-1, with n the packet/frame count the
 * test reads from the capture itself, and each payload equals the capture's.
 */
class ReplayCrashIT {

    @TempDir
    Path dir;

    private static final Path CAN = IndependentCaptures.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log");
    private static final Path OUSTER = IndependentCaptures.sample("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap");

    @Test
    void killedThreeTimesDuringReplayEveryRecordIsUploadedExactlyOnce() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                agent:
                  device-id: crash-rig
                  data-dir: %s/data
                  streams:
                    - id: can
                      modality: can
                      source: {type: replay, file: %s, format: candump, timing: original, speed: 6}
                    - id: lidar
                      modality: lidar
                      source: {type: replay, file: %s, ports: [7502], timing: original, speed: 0.04}
                  batching:
                    max-duration: 300ms
                    max-bytes: 48K
                  upload:
                    target: file:%s/upload
                    initial-backoff: 50ms
                    max-backoff: 500ms
                """.formatted(dir, CAN, OUSTER, dir));
        List<IndependentCaptures.CanLine> canFrames = IndependentCaptures.candump(CAN);
        List<byte[]> lidarPackets = IndependentCaptures.udpPayloads(OUSTER, 7502);
        Random random = new Random(20261123);
        long[] capturedAtKill = new long[3];
        int[] uploadedAtKill = new int[3];

        for (int kill = 0; kill < 3; kill++) {
            try (AgentProcess agent = AgentProcess.start(dir, Map.of(), "--config", config.toString())) {
                // let the run make progress past the previous kill (objects uploaded), then pick a moment
                int target = objectsUploaded() + 2 + kill;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (objectsUploaded() < target) {
                    assertTrue(agent.alive(), "agent exited:\n" + agent.output());
                    assertTrue(System.nanoTime() < deadline, "no progress:\n" + agent.output());
                    Thread.sleep(20);
                }
                Thread.sleep(random.nextInt(400));
                agent.kill9();
            }
            capturedAtKill[kill] = capturedCan();
            uploadedAtKill[kill] = objectsUploaded();
            if (kill > 0) {
                assertTrue(capturedAtKill[kill] > capturedAtKill[kill - 1], "each run captured more before its kill");
            }
        }
        assertTrue(capturedAtKill[2] < canFrames.size(),
                "the third kill came during the replay (" + capturedAtKill[2] + " of " + canFrames.size() + " captured)");

        try (AgentProcess finish = AgentProcess.start(dir, Map.of(), "--config", config.toString(), "--once")) {
            assertEquals(0, finish.waitFor(180), finish.output());
        }

        UploadedBatches uploaded = UploadedBatches.read(dir.resolve("upload"));
        List<Long> expectedCan = new ArrayList<>();
        for (long i = 0; i < canFrames.size(); i++) {
            expectedCan.add(i);
        }
        assertEquals(expectedCan, uploaded.sequences("can"), "CAN: every frame once, no gap, no duplicate");
        for (int i = 0; i < canFrames.size(); i++) {
            assertArrayEquals(IndependentCaptures.socketCan(canFrames.get(i)), uploaded.stream("can").get(i).payload(),
                    "CAN frame " + i);
        }
        assertEquals(lidarPackets.size(), uploaded.sequences("lidar").size(), "LiDAR: every packet once");
        for (int i = 0; i < lidarPackets.size(); i++) {
            assertEquals(i, uploaded.stream("lidar").get(i).seq());
            assertArrayEquals(lidarPackets.get(i), uploaded.stream("lidar").get(i).payload(), "LiDAR packet " + i);
        }
        // nothing left behind: outbox empty, no unsealed or temp objects at the target
        try (Stream<Path> outbox = Files.walk(dir.resolve("data/outbox"))) {
            assertEquals(List.of(), outbox.filter(Files::isRegularFile).toList());
        }
        System.out.printf("crash test: killed after %s CAN records captured (uploaded objects %s); %d batches in all%n",
                java.util.Arrays.toString(capturedAtKill), java.util.Arrays.toString(uploadedAtKill),
                uploaded.manifests.size());
    }

    private int objectsUploaded() throws Exception {
        Path upload = dir.resolve("upload");
        if (!Files.exists(upload)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(upload)) {
            return (int) files.filter(p -> p.toString().endsWith(".mcap")).count();
        }
    }

    /** Opens the dead agent's CAN queue to see how far capture got. */
    private long capturedCan() {
        try (CaptureQueue q = new CaptureQueue(dir.resolve("data"), "can", "FAST_HOURLY", new StreamStats("can"))) {
            return q.nextSequence();
        }
    }
}
