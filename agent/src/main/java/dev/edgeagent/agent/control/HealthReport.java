package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.stage.Transform;
import dev.edgeagent.agent.trigger.TriggerTransform;
import dev.edgeagent.agent.upload.UploaderStats;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The health document published on PREFIX/DEVICE/health and returned by the status command, read from the
 * pipeline's own counters (the numbers Micrometer exports) and the outbox. Rates are since the previous report.
 * Alignment: each stream's clock state (as in its manifests) and each alignment group's sets, missing members
 * and skew.
 */
final class HealthReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, long[]> last = new HashMap<>();   // stream -> {records, bytes, nanoTime}

    ObjectNode build(Pipeline p, long commandsReceived, long commandsRefused) {
        ObjectNode h = JSON.createObjectNode();
        h.put("device", p.config().deviceId());
        h.put("timeMs", System.currentTimeMillis());
        h.put("agentErrors", p.agentErrors());
        ObjectNode streams = h.putObject("streams");
        long now = System.nanoTime();
        for (Pipeline.StreamRuntime s : p.streams()) {
            ObjectNode o = streams.putObject(s.id());
            long records = s.stats().records();
            long bytes = s.stats().bytes();
            o.put("modality", s.modality());
            o.put("tier", s.tier());
            o.put("records", records);
            long[] prev = last.put(s.id(), new long[]{records, bytes, now});
            if (prev != null && now > prev[2]) {
                double seconds = (now - prev[2]) / 1e9;
                o.put("recordsPerS", Math.round((records - prev[0]) / seconds * 10) / 10.0);
                o.put("bytesPerS", Math.round((bytes - prev[1]) / seconds));
            }
            o.put("unbatched", Math.max(0, s.stats().lastSequence() - s.batcher().stats().lastSealedSeq()));
            o.put("badInput", s.stats().badInputTotal());
            if (s.source() != null) {
                o.put("state", String.valueOf(s.source().state().get()));
            }
        }
        ObjectNode backlog = h.putObject("backlog");
        for (Tier t : Tier.values()) {
            ObjectNode b = backlog.putObject(t.name());
            b.put("batches", 0);
            b.put("bytes", 0);
        }
        outboxByTier(p.config().dataDir(), backlog);
        UploaderStats u = p.uploader().stats();
        ObjectNode up = h.putObject("upload");
        up.put("lastSuccessMs", u.lastSuccessEpochMs());
        up.put("batches", u.batchesUploaded());
        up.put("bytes", u.bytesUploaded());
        up.put("failures", u.failures());
        if (u.lastError() != null) {
            up.put("lastError", u.lastError());
        }
        ObjectNode disk = h.putObject("disk");
        try {
            FileStore store = Files.getFileStore(p.config().dataDir());
            disk.put("totalBytes", store.getTotalSpace());
            disk.put("usableBytes", store.getUsableSpace());
        } catch (IOException e) {
            disk.put("error", e.toString());
        }
        for (Transform t : p.transforms()) {
            if (t instanceof TriggerTransform tt) {
                ObjectNode tr = h.putObject("triggers");
                tr.put("fired", tt.firedTriggers());
                tr.put("sealed", tt.sealedTriggers());
                tr.put("pending", tt.pendingTriggers());
            }
        }
        h.put("noticesPending", CriticalNotices.pending(p.config().dataDir()).size());
        ObjectNode c = h.putObject("commands");
        c.put("received", commandsReceived);
        c.put("refused", commandsRefused);
        ObjectNode alignment = h.putObject("alignment");
        ObjectNode clocks = alignment.putObject("clocks");
        for (Pipeline.StreamRuntime s : p.streams()) {
            if (s.batcher().clock() != null) {
                clocks.set(s.id(), JSON.valueToTree(s.batcher().clock().manifestState()));
            }
        }
        ObjectNode groups = alignment.putObject("groups");
        for (Transform t : p.transforms()) {
            if (t instanceof dev.edgeagent.agent.align.AlignTransform a) {
                groups.set(a.groupId(), JSON.valueToTree(a.qualitySummary()));
            }
        }
        return h;
    }

    private static void outboxByTier(Path dataDir, ObjectNode backlog) {
        Path root = Outbox.root(dataDir);
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> streams = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : streams) {
                if (dir.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Outbox.MANIFEST_SUFFIX)) {
                    for (Path f : files) {
                        try {
                            JsonNode m = JSON.readTree(f.toFile());
                            ObjectNode b = (ObjectNode) backlog.get(m.path("tier").asText());
                            if (b != null) {
                                b.put("batches", b.get("batches").asLong() + 1);
                                b.put("bytes", b.get("bytes").asLong() + m.path("objectBytes").asLong());
                            }
                        } catch (IOException | RuntimeException e) {
                            // uploaded and removed meanwhile
                        }
                    }
                }
            }
        } catch (IOException e) {
            backlog.put("error", e.toString());
        }
    }
}
