package dev.edgeagent.agent.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Acceptance: a real full filesystem (a small tmpfs this test mounts; skipped where mounting is not allowed)
 * does not stop the agent: it evicts bulk, keeps capturing critical, and recovers by itself when space returns.
 */
class FullDiskTest {

    @TempDir
    Path dir;

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** Writes zeros until the filesystem is full. */
    private static void fill(Path file) {
        byte[] zeros = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(zeros);
            }
        } catch (IOException expected) {
            // ENOSPC: the filesystem is full
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aFullFilesystemEvictsBulkKeepsCriticalAndRecovers() throws Exception {
        Path mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        boolean mounted = System.getProperty("os.name").startsWith("Linux")
                && run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString()) == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here (not root): the agent-side quota tests cover eviction");
        try {
            LoadedConfig config = AgentConfigLoader.parse("full.yaml", """
                    agent:
                      device-id: van-6
                      data-dir: %s/data
                      streams:
                        - id: events
                          modality: event
                          source: {type: synthetic, record-bytes: 100, rate: 50}
                        - id: cam
                          modality: camera
                          source: {type: synthetic, record-bytes: 20000, rate: 50}
                      capture: {roll-cycle: TEST_SECONDLY, chunk-bytes: 64K}
                      batching: {max-duration: 300ms, max-bytes: 256K}
                      upload:
                        target: s3://nowhere/v1
                        initial-backoff: 1s
                        max-backoff: 2s
                        audit-interval: 0s
                        s3: {endpoint: "http://127.0.0.1:9", path-style: true, access-key-id: k, secret-access-key: s}
                      storage: {min-free: 3M, monitor-interval: 100ms}
                    """.formatted(mount), Map.of());
            Path filler = mount.resolve("filler");
            try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
                Pipeline.StreamRuntime events = pipeline.streams().get(0);
                Pipeline.StreamRuntime cam = pipeline.streams().get(1);
                pipeline.start();
                waitFor(() -> cam.stats().records() > 100, "capture under way", 30);

                fill(filler);   // another process fills the disk: ENOSPC for everyone
                long eventsAtFull = events.stats().records();
                waitFor(() -> events.stats().records() > eventsAtFull + 100, "critical keeps capturing on a full disk", 30);
                StorageStats.StreamCounters c = pipeline.storage().counters().get("cam");
                assertTrue(c.evictedBatches() + c.evictedQueueFiles() > 0, "bulk evicted to make room");
                assertEquals(0, pipeline.storage().counters().get("events").evictedBatches());
                assertTrue(pipeline.threadsAlive(), "every agent thread still runs");

                Files.delete(filler);   // space returns
                waitFor(() -> pipeline.storage().stats().rejectingStreams(Tier.bulk) == 0, "bulk admitted again", 30);
                long camAfter = cam.stats().records();
                waitFor(() -> cam.stats().records() > camAfter + 50, "bulk captures again", 30);
                assertTrue(pipeline.threadsAlive());
                System.out.printf("full disk: cam evicted %d batches, %d queue files, %d records lost; %d appends rejected%n",
                        c.evictedBatches(), c.evictedQueueFiles(), c.lostQueueRecords() + c.evictedBatchRecords(),
                        cam.queue().admission().rejected());
            }
            Path auditFile = mount.resolve("data/audit/audit.jsonl");
            List<JsonNode> entries = AuditLog.read(auditFile);
            assertTrue(entries.stream().anyMatch(e -> e.path("type").asText().equals("evict")
                    && e.path("stream").asText().equals("cam") && e.path("reason").asText().equals("disk")));
        } finally {
            run("umount", "-l", mount.toString());
        }
    }
}
