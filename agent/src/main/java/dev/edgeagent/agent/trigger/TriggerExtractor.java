package dev.edgeagent.agent.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.purge.PurgeTombstones;
import dev.edgeagent.protocols.mcap.McapWriter;
import dev.edgeagent.protocols.mcap.McapWriterOptions;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts one trigger's window out of the capture queues into one MCAP and seals it in the outbox under the trigger
 * pseudo-stream, the way the batchers seal: object written and fsynced, renamed in; manifest last. Each queue is
 * read with a fresh, unnamed tailer (no checkpoint moves). Every record whose aligned time (its time on the agent's
 * time base, {@code StageContext.alignedTime}; {@link RecordView#timeNs()} where the clock is not modelled) lies in
 * [from, to] (both included) and is not purged goes in, raw, on channel /STREAM[/KEY]; the trigger is the MCAP
 * metadata record "trigger". Runs on the trigger transform's thread (Chronicle tailers are per thread).
 */
final class TriggerExtractor {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the extractor needs of each configured stream. */
    /** @param aligned a record's time on the agent's time base (the window is cut on it; it is the MCAP log time) */
    record Source(String id, String modality, PayloadFormat format, CaptureQueue queue,
                  java.util.function.ToLongFunction<RecordView> aligned) {
    }

    private final Path dataDir;
    private final String streamId;
    private final String deviceId;
    private final String agentVersion;
    private final String configHash;
    private final List<Source> sources;
    private final PurgeTombstones purges;
    private final RecordView view = new RecordView();

    TriggerExtractor(Path dataDir, String streamId, String deviceId, String agentVersion, String configHash,
                     List<Source> sources) {
        this.dataDir = dataDir;
        this.streamId = streamId;
        this.deviceId = deviceId;
        this.agentVersion = agentVersion;
        this.configHash = configHash;
        this.sources = sources;
        this.purges = PurgeTombstones.of(dataDir);
    }

    /** True when the trigger's batch is sealed already (a crash after the seal, before the pending file went). */
    boolean sealed(TriggerRequest r, long uploadedHighWater) {
        return r.seq() <= uploadedHighWater
                || Files.exists(Outbox.streamDir(dataDir, streamId).resolve(Outbox.batchName(r.seq(), r.seq())
                + Outbox.MANIFEST_SUFFIX));
    }

    /** Writes and seals the trigger's MCAP; returns its manifest. */
    BatchManifest extract(TriggerRequest r) throws IOException {
        Path outDir = Outbox.streamDir(dataDir, streamId);
        Path tmpDir = Outbox.tmpDir(dataDir).resolve(streamId);
        Files.createDirectories(outDir);
        Files.createDirectories(tmpDir);
        String name = Outbox.batchName(r.seq(), r.seq());
        Path tmp = tmpDir.resolve(name + Outbox.MCAP_SUFFIX);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long count = 0;
        long rawBytes = 0;
        long firstReceive = Long.MAX_VALUE;
        long lastReceive = Long.MIN_VALUE;
        long firstTime = Long.MAX_VALUE;
        long lastTime = Long.MIN_VALUE;
        Map<String, Long> perStream = new LinkedHashMap<>();
        long objectBytes;
        try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            Digesting out = new Digesting(file, sha);
            try (McapWriter mcap = new McapWriter(out, McapWriterOptions.defaults()
                    .compression(McapWriterOptions.Compression.LZ4).library("edge-agent " + agentVersion))) {
                for (Source s : sources) {
                    int schema = mcap.addSchema(s.format().schemaName(s.modality()), PayloadFormat.SCHEMA_ENCODING,
                            s.format().schemaText());
                    Map<String, Integer> channels = new HashMap<>();
                    long n = 0;
                    ExcerptTailer tailer = s.queue().chronicle().createTailer();
                    try {
                        while (true) {
                            try (DocumentContext dc = tailer.readingDocument()) {
                                if (!dc.isPresent()) {
                                    break;
                                }
                                view.block(dc.wire().bytes());
                                while (view.next()) {
                                    long t = s.aligned().applyAsLong(view);
                                    if (t < r.fromNs() || t > r.toNs() || purges.purged(s.id(), view.timeNs())) {
                                        continue;
                                    }
                                    byte[] k = new byte[view.key().capacity()];
                                    view.key().getBytes(0, k);
                                    String key = new String(k, StandardCharsets.UTF_8);
                                    Integer channel = channels.get(key);
                                    if (channel == null) {
                                        channel = mcap.addChannel(schema, "/" + s.id() + (key.isEmpty() ? "" : "/" + key),
                                                s.format().messageEncoding(),
                                                Map.of("stream", s.id(), "key", key, "modality", s.modality()));
                                        channels.put(key, channel);
                                    }
                                    // as in batches: log time the aligned time, publish time the sensor's own
                                    mcap.writeMessage(channel, view.sequence(), t, view.timeNs(),
                                            view.payload(), 0, view.payload().capacity());
                                    n++;
                                    rawBytes += view.payload().capacity();
                                    firstReceive = Math.min(firstReceive, view.receiveWallNs());
                                    lastReceive = Math.max(lastReceive, view.receiveWallNs());
                                    firstTime = Math.min(firstTime, t);
                                    lastTime = Math.max(lastTime, t);
                                }
                            }
                        }
                    } finally {
                        tailer.close();
                    }
                    perStream.put(s.id(), n);
                    count += n;
                }
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("seq", Long.toString(r.seq()));
                meta.put("rule", r.rule());
                if (r.stream() != null) {
                    meta.put("stream", r.stream());
                    meta.put("signal", r.signal());
                    meta.put("value", Double.toString(r.value()));
                    meta.put("threshold", Double.toString(r.threshold()));
                }
                if (r.reason() != null) {
                    meta.put("reason", r.reason());
                }
                meta.put("timeNs", Long.toString(r.timeNs()));
                meta.put("fromNs", Long.toString(r.fromNs()));
                meta.put("toNs", Long.toString(r.toNs()));
                meta.put("records", JSON.writeValueAsString(perStream));
                mcap.writeMetadata("trigger", meta);
                mcap.finish();
            }
            file.force(true);
            objectBytes = out.bytes;
        }
        String sha256 = HexFormat.of().formatHex(sha.digest());
        long keyTime = count > 0 ? firstReceive : r.firedAtMs() * 1_000_000L;
        String key = Outbox.objectKey(deviceId, streamId, keyTime, r.seq(), r.seq());
        BatchManifest manifest = new BatchManifest(BatchManifest.VERSION, key, deviceId, streamId, "event", "critical",
                List.of("trigger", "rule=" + r.rule()), r.seq(), r.seq(), count,
                count > 0 ? firstReceive : keyTime, count > 0 ? lastReceive : keyTime,
                count > 0 ? firstTime : null, count > 0 ? lastTime : null, rawBytes, objectBytes, "lz4", sha256,
                BatchManifest.MCAP_CONTENT_TYPE, System.currentTimeMillis() * 1_000_000L, agentVersion, configHash);
        // object first, manifest last: the manifest's arrival seals the batch
        Files.move(tmp, outDir.resolve(name + Outbox.MCAP_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        Outbox.writeAtomically(tmpDir.resolve(name + Outbox.MANIFEST_SUFFIX), outDir.resolve(name + Outbox.MANIFEST_SUFFIX),
                JSON.writeValueAsBytes(manifest));
        return manifest;
    }

    /** Counts and digests what the MCAP writer writes. */
    private static final class Digesting implements WritableByteChannel {
        private final FileChannel file;
        private final MessageDigest sha;
        long bytes;

        Digesting(FileChannel file, MessageDigest sha) {
            this.file = file;
            this.sha = sha;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer copy = src.duplicate();
            int n = file.write(src);
            copy.limit(copy.position() + n);
            sha.update(copy);
            bytes += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() {
            // the file is closed by its owner
        }
    }
}
