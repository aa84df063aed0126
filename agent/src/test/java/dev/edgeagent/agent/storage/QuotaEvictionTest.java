package dev.edgeagent.agent.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.observe.AgentMetrics;
import dev.edgeagent.agent.pipeline.Pipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Acceptance: quotas evict in the configured order and count exactly what they remove. */
class QuotaEvictionTest {

    @TempDir
    Path dir;

    static double counter(SimpleMeterRegistry r, String name, String stream, String... tags) {
        var search = r.find(name).tag("stream", stream);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        var c = search.functionCounter();
        assertNotNull(c, name + " " + stream);
        return c.count();
    }

    /** Sequence ranges [first, last] of a stream, from wherever they are now. */
    record Range(long first, long last, String where) {
    }

    @Test
    void aTotalQuotaEvictsBulkFirstNeverCriticalAndCountsExactly() throws Exception {
        LoadedConfig config = AgentConfigLoader.parse("quota.yaml", """
                agent:
                  device-id: van-5
                  data-dir: %s/data
                  streams:
                    - id: events
                      modality: event
                      source: {type: synthetic, record-bytes: 100, rate: 20}
                    - id: telemetry
                      modality: telemetry
                      source: {type: synthetic, record-bytes: 200, rate: 50}
                    - id: cam
                      modality: camera
                      source: {type: synthetic, record-bytes: 30000, rate: 40}
                  capture: {roll-cycle: TEST_SECONDLY, chunk-bytes: 64K}
                  batching: {max-duration: 400ms, max-bytes: 256K}
                  upload:
                    target: s3://nowhere/v1
                    initial-backoff: 1s
                    max-backoff: 2s
                    audit-interval: 0s
                    s3: {endpoint: "http://127.0.0.1:9", path-style: true, access-key-id: k, secret-access-key: s}
                  storage:
                    max-bytes: 6M
                    min-free: 0
                    monitor-interval: 200ms
                """.formatted(dir), Map.of());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path data = dir.resolve("data");
        Path auditFile;
        Map<String, Long> lastSeq = new HashMap<>();
        Pipeline pipeline = Pipeline.create(config, "test", false);
        try {
            auditFile = pipeline.audit().file();
            new AgentMetrics(registry, pipeline);
            pipeline.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (pipeline.storage().counters().get("cam").evictedBatches() < 3
                    || pipeline.storage().counters().get("cam").evictedQueueFiles() < 3) {
                assertTrue(System.nanoTime() < deadline, "bulk evicted under the quota");
                Thread.sleep(50);
            }
            Thread.sleep(1500);
            String status = new dev.edgeagent.agent.observe.StatusLog(pipeline).line();
            assertTrue(status.matches(".*critical [0-9]+ / [0-9.]+ MB on disk, standard [0-9]+ / [0-9.]+ MB on disk, bulk .*"),
                    status);
            StorageStats st = pipeline.storage().stats();
            System.out.printf("quota: used critical %d standard %d bulk %d%n", st.usedBytes(Tier.critical),
                    st.usedBytes(Tier.standard), st.usedBytes(Tier.bulk));
        } finally {
            pipeline.close();   // stops the governor, then seals what is captured
        }
        for (Pipeline.StreamRuntime s : pipeline.streams()) {
            lastSeq.put(s.id(), s.stats().lastSequence());
        }

        assertTrue(AuditLog.verify(auditFile).intact());
        List<JsonNode> evictions = AuditLog.read(auditFile).stream()
                .filter(e -> e.path("type").asText().equals("evict")).toList();
        // the order: what loses data goes bulk first; critical loses nothing while lower tiers hold data (its
        // queue files already in sealed batches may go: they are copies kept for retention)
        List<JsonNode> lossy = evictions.stream()
                .filter(e -> e.path("store").asText().equals("outbox") || e.path("lostRecords").asLong() > 0).toList();
        assertFalse(lossy.isEmpty());
        assertEquals("cam", lossy.get(0).path("stream").asText());
        for (JsonNode e : lossy) {
            assertNotEquals("events", e.path("stream").asText(), "critical data evicted: " + e);
        }
        StorageStats.StreamCounters events = pipeline.storage().counters().get("events");
        assertEquals(0, events.evictedBatches() + events.lostQueueRecords());

        // counted exactly: metrics = audit entries, per stream and store
        for (String stream : List.of("telemetry", "cam")) {
            long batches = 0, batchBytes = 0, batchRecords = 0, files = 0, fileBytes = 0, lost = 0;
            for (JsonNode e : evictions) {
                if (!e.path("stream").asText().equals(stream)) {
                    continue;
                }
                if (e.path("store").asText().equals("outbox")) {
                    batches++;
                    batchBytes += e.path("bytes").asLong();
                    batchRecords += e.path("records").asLong();
                } else {
                    files += e.path("files").asLong();
                    fileBytes += e.path("bytes").asLong();
                    lost += e.path("lostRecords").asLong();
                }
            }
            assertEquals(batches, counter(registry, "edgeagent.storage.evicted.batches", stream), stream);
            assertEquals(batchBytes, counter(registry, "edgeagent.storage.evicted.bytes", stream, "store", "outbox"), stream);
            assertEquals(fileBytes, counter(registry, "edgeagent.storage.evicted.bytes", stream, "store", "queue"), stream);
            assertEquals(files, counter(registry, "edgeagent.storage.evicted.files", stream), stream);
            assertEquals(batchRecords, counter(registry, "edgeagent.storage.lost.records", stream, "store", "outbox"), stream);
            assertEquals(lost, counter(registry, "edgeagent.storage.lost.records", stream, "store", "queue"), stream);
        }

        // and the counts are what was actually removed: evicted batches + lost queue records + what is still
        // in the outbox cover every captured sequence exactly once
        for (String stream : List.of("events", "telemetry", "cam")) {
            List<Range> ranges = new ArrayList<>();
            for (JsonNode e : evictions) {
                if (e.path("stream").asText().equals(stream) && e.has("firstSeq")) {
                    ranges.add(new Range(e.path("firstSeq").asLong(), e.path("lastSeq").asLong(), e.toString()));
                }
            }
            try (Stream<Path> files = Files.list(Outbox.streamDir(data, stream))) {
                for (Path p : files.filter(p -> p.toString().endsWith(Outbox.MANIFEST_SUFFIX)).toList()) {
                    String[] seqs = p.getFileName().toString().replace(Outbox.MANIFEST_SUFFIX, "").split("-");
                    ranges.add(new Range(Long.parseLong(seqs[0]), Long.parseLong(seqs[1]), p.toString()));
                }
            }
            ranges.sort(java.util.Comparator.comparingLong(Range::first));
            long next = 0;
            for (Range r : ranges) {
                assertEquals(next, r.first(), stream + ": gap or overlap at " + r);
                next = r.last() + 1;
            }
            assertEquals(lastSeq.get(stream) + 1, next, stream + ": every captured record accounted for");
        }
    }

    @Test
    void rejectNewRefusesCriticalRecordsWhileOverQuotaAndTakesThemAgainOnceTheBacklogDrains() throws Exception {
        try (dev.edgeagent.agent.testing.S3ProxyServer s3 = new dev.edgeagent.agent.testing.S3ProxyServer()) {
            LoadedConfig config = AgentConfigLoader.parse("reject.yaml", """
                    agent:
                      device-id: van-7
                      data-dir: %s/data
                      streams:
                        - id: events
                          modality: event
                          source: {type: synthetic, record-bytes: 2000, rate: 600}
                      capture: {roll-cycle: TEST_SECONDLY, chunk-bytes: 64K}
                      batching: {max-duration: 300ms, max-bytes: 256K}
                      upload:
                        target: s3://fleet/v1
                        initial-backoff: 100ms
                        max-backoff: 300ms
                        audit-interval: 0s
                        s3: {endpoint: "%s", path-style: true, access-key-id: "%s", secret-access-key: "%s"}
                      storage:
                        quotas: {critical: {bytes: 4M, policy: reject-new}}
                        min-free: 0
                        monitor-interval: 100ms
                    """.formatted(dir, s3.endpoint(), dev.edgeagent.agent.testing.S3ProxyServer.ACCESS_KEY,
                    dev.edgeagent.agent.testing.S3ProxyServer.SECRET_KEY), Map.of());
            Path auditFile;
            long rejected;
            try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
                auditFile = pipeline.audit().file();
                Pipeline.StreamRuntime events = pipeline.streams().get(0);
                pipeline.start();   // the endpoint is down: the outbox grows until the quota
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (events.queue().admission().rejecting() == null) {
                    assertTrue(System.nanoTime() < deadline, "quota reached");
                    Thread.sleep(20);
                }
                // a half-second window, rejecting throughout, in which no record is taken (the first refusal may
                // reopen once when a queue file already batched goes)
                boolean held = false;
                for (int i = 0; i < 10 && !held; i++) {
                    long before = events.stats().records();
                    long refusedBefore = events.queue().admission().rejected();
                    Thread.sleep(500);
                    held = events.queue().admission().rejecting() != null && events.stats().records() == before
                            && events.queue().admission().rejected() > refusedBefore;
                }
                assertTrue(held, "no record taken while over quota");
                assertTrue(events.queue().admission().rejected() > 0);

                s3.start();
                s3.createBucket("fleet");
                deadline = System.nanoTime() + 30_000_000_000L;
                while (events.queue().admission().rejecting() != null) {
                    assertTrue(System.nanoTime() < deadline, "under quota again once the backlog drains");
                    Thread.sleep(20);
                }
                long resumed = events.stats().records();
                while (events.stats().records() < resumed + 100) {
                    assertTrue(System.nanoTime() < deadline, "records taken again: " + events.stats().records()
                            + " after " + resumed + "; rejecting " + events.queue().admission().rejecting() + ", used "
                            + pipeline.storage().stats().usedBytes(Tier.critical) + ", backlog "
                            + pipeline.uploader().stats().backlogBatches() + ", last error "
                            + pipeline.uploader().stats().lastError());
                    Thread.sleep(20);
                }
                rejected = events.queue().admission().rejected();
                StorageStats.StreamCounters c = pipeline.storage().counters().get("events");
                assertEquals(0, c.evictedBatches() + c.lostQueueRecords(), "reject-new loses nothing it took");
            }
            List<JsonNode> rejects = AuditLog.read(auditFile).stream()
                    .filter(e -> e.path("type").asText().equals("reject")).toList();
            assertEquals("start", rejects.get(0).path("state").asText());
            assertEquals("quota", rejects.get(0).path("reason").asText());
            assertEquals("end", rejects.get(1).path("state").asText());
            long audited = rejects.stream().mapToLong(e -> e.path("refusedAppends").asLong()).sum();
            assertEquals(rejected, audited, "every refused append is in the audit log (the last period ends at close)");
        }
    }
}
