package dev.edgeagent.agent.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.testing.S3ProxyServer;
import dev.edgeagent.agent.testing.UploadedBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static dev.edgeagent.agent.pipeline.PipelineMqttTest.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/** Acceptance: store-and-forward through an S3 outage, and critical latency while bulk saturates the link. */
class TieredUploadTest {

    @TempDir
    Path dir;

    private static List<JsonNode> uploads(Path auditFile) throws Exception {
        return AuditLog.read(auditFile).stream().filter(e -> e.path("type").asText().equals("upload")).toList();
    }

    private static long sealed(Path data, String stream) throws Exception {
        try (var files = Files.list(dev.edgeagent.agent.batch.Outbox.streamDir(data, stream))) {
            return files.filter(p -> p.toString().endsWith(dev.edgeagent.agent.batch.Outbox.MANIFEST_SUFFIX)).count();
        }
    }

    @Test
    void s3OutageLosesNothingAndTheBacklogDrainsCriticalFirst() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.started(); S3Client client = s3.client()) {
            s3.createBucket("fleet");
            LoadedConfig config = AgentConfigLoader.parse("outage.yaml", """
                    agent:
                      device-id: van-3
                      data-dir: %s/data
                      streams:
                        - id: events
                          modality: event
                          source: {type: synthetic, record-bytes: 120, rate: 40, count: 400}
                        - id: telemetry
                          modality: telemetry
                          source: {type: synthetic, record-bytes: 400, rate: 100, count: 1000}
                        - id: cam
                          modality: camera
                          source: {type: synthetic, record-bytes: 40000, rate: 10, count: 100}
                      batching: {max-duration: 1s, max-bytes: 512K}
                      upload:
                        target: s3://fleet/v1
                        initial-backoff: 100ms
                        max-backoff: 400ms
                        audit-interval: 200ms
                        s3: {endpoint: "%s", path-style: true, access-key-id: "%s", secret-access-key: "%s"}
                    """.formatted(dir, s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY), Map.of());
            Path auditFile;
            long outageEndMs;
            long eventsSealedAtRestart;
            try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
                auditFile = pipeline.audit().file();
                pipeline.start();
                waitUntil(() -> pipeline.uploader().stats().batchesUploaded() > 2, "uploads under way");
                s3.stop();
                long failuresBefore = pipeline.uploader().stats().failures();
                Thread.sleep(3000);   // under load: all three streams keep capturing and sealing
                assertTrue(pipeline.uploader().stats().failures() > failuresBefore, "uploads failed during the outage");
                assertTrue(sealed(dir.resolve("data"), "events") > 1, "a critical backlog built up");
                assertTrue(sealed(dir.resolve("data"), "cam") > 1, "a bulk backlog built up");
                eventsSealedAtRestart = pipeline.streams().get(0).batcher().stats().lastSealedSeq();
                outageEndMs = System.currentTimeMillis();
                s3.start();
                waitUntil(() -> pipeline.streams().stream().allMatch(s -> s.source().source().exhausted()), "sources done");
                assertNull(pipeline.sealAndUpload(Duration.ofSeconds(60)));
                // the audit log's last entries go up at the next interval
                long entries = pipeline.audit().entries();
                waitUntil(() -> pipeline.uploader().stats().auditEntriesUploaded() >= entries, "audit log uploaded");
            }

            // nothing lost, nothing twice: every record of every stream is in the bucket exactly once
            Path downloaded = dir.resolve("bucket");
            List<String> auditKeys = new ArrayList<>();
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket("fleet")).contents()) {
                Path p = downloaded.resolve(o.key().substring("v1/".length()));
                Files.createDirectories(p.getParent());
                Files.write(p, client.getObjectAsBytes(b -> b.bucket("fleet").key(o.key())).asByteArray());
                if (o.key().startsWith("v1/device=van-3/audit/")) {
                    auditKeys.add(o.key());
                }
            }
            UploadedBatches uploaded = UploadedBatches.read(downloaded);
            Map<String, Integer> counts = Map.of("events", 400, "telemetry", 1000, "cam", 100);
            counts.forEach((stream, n) -> {
                List<UploadedBatches.Message> msgs = uploaded.stream(stream);
                assertEquals(n, msgs.size(), stream);
                for (int i = 0; i < n; i++) {
                    assertEquals(i, msgs.get(i).seq(), stream + " sequence " + i);
                }
            });

            // lineage: every manifest says where its records came from
            for (var m : uploaded.manifests) {
                assertEquals("synthetic", m.source().type(), m.key());
                assertTrue(m.source().description().contains("B records at"), m.source().description());
            }

            // after the endpoint returned, the critical backlog went before any other tier
            List<JsonNode> after = uploads(auditFile).stream()
                    .filter(e -> Instant.parse(e.path("time").asText()).toEpochMilli() >= outageEndMs).toList();
            int lastBacklogCritical = -1;
            int firstOther = Integer.MAX_VALUE;
            for (int i = 0; i < after.size(); i++) {
                JsonNode e = after.get(i);
                if (e.path("tier").asText().equals("critical") && e.path("lastSeq").asLong() <= eventsSealedAtRestart) {
                    lastBacklogCritical = i;
                } else if (!e.path("tier").asText().equals("critical")) {
                    firstOther = Math.min(firstOther, i);
                }
            }
            assertTrue(lastBacklogCritical >= 1, "several critical batches waited out the outage: " + lastBacklogCritical);
            assertTrue(lastBacklogCritical < firstOther, "critical backlog (up to upload " + lastBacklogCritical
                    + ") drained before the first standard/bulk upload (" + firstOther + ")");

            // the audit log went up too, in pieces that join into exactly the local log
            assertTrue(auditKeys.size() >= 2, "audit log uploaded incrementally: " + auditKeys);
            auditKeys.sort(Comparator.naturalOrder());
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (String k : auditKeys) {
                joined.write(Files.readAllBytes(downloaded.resolve(k.substring("v1/".length()))));
            }
            byte[] local = Files.readAllBytes(auditFile);
            byte[] prefix = java.util.Arrays.copyOf(local, joined.size());
            assertArrayEquals(prefix, joined.toByteArray(), "uploaded audit pieces are the local log, in order");
            assertTrue(joined.size() > local.length / 2, "most of the log is uploaded");
            Path uploadedLog = dir.resolve("uploaded-audit.jsonl");
            Files.write(uploadedLog, joined.toByteArray());
            assertTrue(AuditLog.verify(uploadedLog).intact(), "the uploaded chain verifies");
        }
    }

    @Test
    void criticalArrivesWithinItsTargetWhileBulkSaturatesARateLimitedLink() throws Exception {
        LoadedConfig config = AgentConfigLoader.parse("priority.yaml", """
                agent:
                  device-id: van-4
                  data-dir: %s/data
                  streams:
                    - id: alarms
                      modality: event
                      source: {type: synthetic, record-bytes: 200, rate: 20}
                    - id: lidar
                      modality: lidar
                      source: {type: synthetic, record-bytes: 60000, rate: 0, count: 200}
                  batching: {max-duration: 500ms, max-bytes: 600K}
                  upload:
                    target: file:%s/upload
                    link-budget: 1MB/s
                    audit-interval: 0s
                """.formatted(dir, dir), Map.of());
        Path auditFile;
        long startMs = System.currentTimeMillis();
        try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
            auditFile = pipeline.audit().file();
            pipeline.start();
            // 12 MB of LiDAR against a 1 MB/s link: the bulk backlog lasts about 12 s; watch the first 6
            waitUntil(() -> pipeline.uploader().stats().batchesUploaded(Tier.critical) >= 8, "critical batches delivered");
            assertTrue(pipeline.uploader().stats().backlogBatches(Tier.bulk) > 3,
                    "bulk still backlogged: " + pipeline.uploader().stats().backlogBatches(Tier.bulk));
        }
        long elapsedMs = System.currentTimeMillis() - startMs;
        List<JsonNode> uploads = uploads(auditFile);
        long bytes = 0;
        long worstCriticalWaitMs = 0;
        int critical = 0;
        for (JsonNode e : uploads) {
            bytes += e.path("bytes").asLong();
            if (e.path("tier").asText().equals("critical")) {
                critical++;
                worstCriticalWaitMs = Math.max(worstCriticalWaitMs, e.path("waitedMs").asLong());
            }
        }
        System.out.printf("priority: %d critical batches, worst wait %d ms; %d bytes in %d ms%n", critical,
                worstCriticalWaitMs, bytes, elapsedMs);
        assertTrue(critical >= 8);
        // a critical batch waits at most for the bulk object in flight to be paid off (600K at 1 MB/s) and a scan
        assertTrue(worstCriticalWaitMs < 3000, "critical waited " + worstCriticalWaitMs + " ms behind bulk");
        // the link budget holds: one second of burst plus one object of debt above the rate
        assertTrue(bytes <= (elapsedMs / 1000.0 + 1) * (1 << 20) + 700_000,
                bytes + " bytes in " + elapsedMs + " ms exceed a 1 MB/s budget");
    }
}
