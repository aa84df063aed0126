package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.purge.PurgeTombstones;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The purge command (right to deletion) for one stream and a time range [from, to] of record time:
 * <ol>
 *   <li>a tombstone is persisted first ({@link PurgeTombstones}): from then on the stream's batcher and trigger
 *       extraction skip the range's records still in the capture queue (the batch being written is rebuilt
 *       without them);</li>
 *   <li>every outbox batch of the stream that lies wholly inside the range is deleted (manifest first, so the
 *       uploader no longer offers it, then the object);</li>
 *   <li>batches that only overlap the range, and trigger MCAPs overlapping it, are not deleted (they hold other
 *       records too) and are listed as "partial" in the reply and the audit entry.</li>
 * </ol>
 * Capture queue files whose every record lies in the range are deleted; queue files are never rewritten, so the
 * range's records in files that also hold other records stay (unreadable to batching and triggers) until retention
 * (agent.capture.retention) removes the file. The audit entry "purge" lists what was deleted.
 */
final class Purge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineHost host;
    private final Pipeline pipeline;

    Purge(PipelineHost host, Pipeline pipeline) {
        this.host = host;
        this.pipeline = pipeline;
    }

    void run(JsonNode args, ObjectNode reply) throws CommandRefused, IOException {
        if (!args.hasNonNull("stream") || !args.get("stream").isTextual()) {
            throw new CommandRefused("stream = \"" + (args.has("stream") ? args.get("stream").asText() : "")
                    + "\": expected the id of a stream");
        }
        String stream = args.get("stream").asText();
        Set<String> known = new TreeSet<>();
        for (Pipeline.StreamRuntime s : pipeline.streams()) {
            known.add(s.id());
        }
        String triggerStream = pipeline.config().triggers().stream();
        known.add(triggerStream);
        if (!known.contains(stream)) {
            throw new CommandRefused("stream = \"" + stream + "\": expected one of " + known);
        }
        if (!args.has("from") || !args.has("to")) {
            throw new CommandRefused((args.has("from") ? "to" : "from") + " = \"\": expected the range's "
                    + (args.has("from") ? "end" : "start") + " (epoch ns or an ISO-8601 instant)");
        }
        long from = Commands.time(args, "from");
        long to = Commands.time(args, "to");
        if (to < from) {
            throw new CommandRefused("to = \"" + args.get("to").asText() + "\": expected a time at or after from ("
                    + args.get("from").asText() + ")");
        }
        Path dataDir = pipeline.config().dataDir();
        PurgeTombstones.of(dataDir).add(stream, from, to);
        // queue files wholly inside the range go now; the rest of the range stays tombstoned until retention
        List<String> queueFiles = new ArrayList<>();
        for (Pipeline.StreamRuntime s : pipeline.streams()) {
            if (s.id().equals(stream)) {
                queueFiles.addAll(s.queue().deleteFilesWithin(from, to));
            }
        }

        List<String> deleted = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        long deletedRecords = 0;
        long deletedBytes = 0;
        Path dir = Outbox.streamDir(dataDir, stream);
        for (Path f : manifests(dir)) {
            BatchManifest m = read(f);
            if (m == null) {
                continue;
            }
            long first = m.firstSensorTimeNs() != null ? m.firstSensorTimeNs() : m.firstReceiveTimeNs();
            long last = m.lastSensorTimeNs() != null ? m.lastSensorTimeNs() : m.lastReceiveTimeNs();
            if (first >= from && last <= to) {
                String base = f.getFileName().toString();
                base = base.substring(0, base.length() - Outbox.MANIFEST_SUFFIX.length());
                // manifest first: the uploader stops offering the batch before its object goes
                Files.deleteIfExists(f);
                Files.deleteIfExists(dir.resolve(base + Outbox.MCAP_SUFFIX));
                deleted.add(m.key());
                deletedRecords += m.recordCount();
                deletedBytes += m.objectBytes();
            } else if (first <= to && last >= from) {
                partial.add(m.key());
            }
        }
        if (Files.isDirectory(dir)) {
            Outbox.fsyncDirectory(dir);
        }
        if (!stream.equals(triggerStream)) {
            // trigger MCAPs mix every stream: one overlapping the range may hold the stream's records
            for (Path f : manifests(Outbox.streamDir(dataDir, triggerStream))) {
                BatchManifest m = read(f);
                if (m != null && m.firstSensorTimeNs() != null && m.firstSensorTimeNs() <= to && m.lastSensorTimeNs() >= from) {
                    partial.add(m.key());
                }
            }
        }
        reply.put("stream", stream);
        reply.put("fromNs", from);
        reply.put("toNs", to);
        ArrayNode d = reply.putArray("deleted");
        deleted.forEach(d::add);
        reply.put("deletedRecords", deletedRecords);
        ArrayNode p = reply.putArray("partial");
        partial.forEach(p::add);
        ArrayNode q = reply.putArray("queueFilesDeleted");
        queueFiles.forEach(q::add);
        reply.put("queue", "tombstoned (records in the range left in queue files are skipped by batching and triggers"
                + " until retention removes their files)");
        AgentController.audit(host, "purge", AgentController.fields("stream", stream, "fromNs", from, "toNs", to,
                "deletedBatches", deleted, "deletedRecords", deletedRecords, "deletedBytes", deletedBytes,
                "partialBatches", partial, "queueFilesDeleted", queueFiles, "queue", "tombstoned"));
    }

    private static List<Path> manifests(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Outbox.MANIFEST_SUFFIX)) {
            files.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    private static BatchManifest read(Path f) {
        try {
            return JSON.readValue(f.toFile(), BatchManifest.class);
        } catch (IOException e) {
            return null;   // uploaded and removed meanwhile
        }
    }
}
