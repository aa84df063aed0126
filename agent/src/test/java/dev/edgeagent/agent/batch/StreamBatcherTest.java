package dev.edgeagent.agent.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.upload.UploadState;
import dev.edgeagent.protocols.mcap.McapMessage;
import dev.edgeagent.protocols.mcap.McapReader;
import dev.edgeagent.protocols.mcap.McapReferenceCheck;
import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class StreamBatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dataDir;
    private final List<CaptureQueue> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(CaptureQueue::close);
    }

    private CaptureQueue queue(String stream) {
        CaptureQueue q = new CaptureQueue(dataDir, stream, "FAST_HOURLY", new StreamStats(stream));
        open.add(q);
        return q;
    }

    private static BatchStream stream(String id) {
        return new BatchStream(id, "telemetry", "standard", List.of("pii"), PayloadFormat.MQTT_PAYLOAD,
                "dev1", "1.2.3", "cafe");
    }

    static byte[] payload(long seq) {
        byte[] p = new byte[100 + (int) (seq % 50)];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (seq * 7 + i);
        }
        return p;
    }

    /** Records seq from..to-1; every third one on topic b, others on a; sensor time only on even ones. */
    static void append(CaptureQueue q, long from, long to) {
        RecordSink sink = q.newSink();
        for (long seq = from; seq < to; seq++) {
            byte[] key = (seq % 3 == 0 ? "topic/b" : "topic/a").getBytes(StandardCharsets.UTF_8);
            byte[] p = payload(seq);
            long sensor = seq % 2 == 0 ? 5_000 + seq : RecordSink.NO_SENSOR_TIME;
            assertTrue(sink.append(sensor, 1_700_000_000_000_000_000L + seq * 1000, System.nanoTime(),
                    new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(p), 0, p.length));
        }
        assertTrue(sink.flush());
    }

    static void runUntil(StreamBatcher b, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10 * SECOND;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("batcher did not finish");
            }
            if (b.doWork() == 0) {
                Thread.sleep(1);
            }
        }
    }

    List<Path> manifests(String stream) throws IOException {
        try (Stream<Path> files = Files.list(Outbox.streamDir(dataDir, stream))) {
            return files.filter(p -> p.toString().endsWith(Outbox.MANIFEST_SUFFIX)).sorted().toList();
        }
    }

    /** Every sequence in the outbox's sealed batches, in batch order, checked against its manifest. */
    List<Long> sealedSequences(String stream) throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (Path mf : manifests(stream)) {
            BatchManifest m = JSON.readValue(mf.toFile(), BatchManifest.class);
            Path object = mf.resolveSibling(mf.getFileName().toString().replace(Outbox.MANIFEST_SUFFIX, Outbox.MCAP_SUFFIX));
            byte[] bytes = Files.readAllBytes(object);
            assertEquals(m.objectBytes(), bytes.length);
            assertEquals(m.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            long count = 0;
            long raw = 0;
            for (McapMessage msg : McapReader.read(object).messages()) {
                long seq = m.firstSeq() + count;
                assertEquals((int) seq, (int) msg.message().sequence(), "MCAP sequence is the low 32 bits");
                assertArrayEquals(payload(seq), msg.message().data(), "payload of " + seq + " byte for byte");
                assertEquals(seq % 3 == 0 ? "/" + stream + "/topic/b" : "/" + stream + "/topic/a", msg.topic());
                assertEquals(seq % 3 == 0 ? "topic/b" : "topic/a", msg.channel().metadata().get("key"));
                assertEquals("mqtt-payload", msg.channel().messageEncoding());
                assertEquals("edgeagent.telemetry.MqttPayload", msg.schema().name());
                assertEquals(1_700_000_000_000_000_000L + seq * 1000, msg.message().logTime());
                assertEquals(seq % 2 == 0 ? 5_000 + seq : msg.message().logTime(), msg.message().publishTime());
                seqs.add(seq);
                raw += msg.message().data().length;
                count++;
            }
            assertEquals(m.recordCount(), count);
            assertEquals(m.lastSeq(), m.firstSeq() + count - 1);
            assertEquals(m.rawBytes(), raw);
            assertEquals("dev1", m.deviceId());
            assertEquals(List.of("pii"), m.tags());
            assertEquals("cafe", m.configHash());
            assertEquals("1.2.3", m.agentVersion());
            assertEquals("lz4", m.compression());
            assertEquals(Outbox.objectKey("dev1", stream, m.firstReceiveTimeNs(), m.firstSeq(), m.lastSeq()), m.key());
        }
        return seqs;
    }

    static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void cutsBySizeAndSealsValidMcapWithManifests() throws Exception {
        CaptureQueue q = queue("tele");
        append(q, 0, 1000);
        StreamBatcher b = new StreamBatcher(stream("tele"), q, dataDir, new BatchSettings(3600 * SECOND, 40_000, 16_384, true));
        b.onStart();
        b.requestFlush(999);
        runUntil(b, () -> b.flushedTo(999));
        b.onClose();

        assertEquals(range(0, 1000), sealedSequences("tele"));
        List<Path> manifests = manifests("tele");
        assertTrue(manifests.size() >= 3, "40 kB cut gives several batches: " + manifests.size());
        for (Path mf : manifests) {
            BatchManifest m = JSON.readValue(mf.toFile(), BatchManifest.class);
            if (!mf.equals(manifests.get(manifests.size() - 1))) {
                assertTrue(m.rawBytes() >= 40_000 && m.rawBytes() < 40_000 + 150, "cut right after 40 kB: " + m.rawBytes());
            }
            assertTrue(m.objectBytes() < m.rawBytes(), "LZ4 shrinks these payloads");
        }
        assertEquals(manifests.size(), b.stats().batchesSealed());
        assertEquals(1000, b.stats().recordsSealed());

        List<Path> objects = manifests.stream().map(mf -> mf.resolveSibling(
                mf.getFileName().toString().replace(Outbox.MANIFEST_SUFFIX, Outbox.MCAP_SUFFIX))).toList();
        for (McapReferenceCheck.Result r : McapReferenceCheck.check(objects)) {
            assertTrue(r.ok(), "reference MCAP reader: " + r);
        }
        assertEquals(1000, McapReferenceCheck.check(objects).stream().mapToLong(McapReferenceCheck.Result::messages).sum());
    }

    @Test
    void cutsByTimeWhenRecordsStopComing() throws Exception {
        CaptureQueue q = queue("slow");
        append(q, 0, 10);
        StreamBatcher b = new StreamBatcher(stream("slow"), q, dataDir, new BatchSettings(50_000_000L, 1 << 30, 16_384, true));
        b.onStart();
        runUntil(b, () -> b.stats().batchesSealed() == 1);
        assertEquals(range(0, 10), sealedSequences("slow"));
        append(q, 10, 15);
        runUntil(b, () -> b.stats().batchesSealed() == 2);
        b.onClose();
        assertEquals(range(0, 15), sealedSequences("slow"));
    }

    @Test
    void afterACrashBetweenSealAndCheckpointNothingIsBatchedTwice() throws Exception {
        CaptureQueue q = queue("c1");
        append(q, 0, 100);
        StreamBatcher first = new StreamBatcher(stream("c1"), q, dataDir, new BatchSettings(3600 * SECOND, 1 << 30, 16_384, true));
        first.onStart();
        first.requestFlush(99);
        runUntil(first, () -> first.flushedTo(99));
        // the kill: the checkpoint never moved (as if the process died right after the manifest rename)
        try (ExcerptTailer checkpoint = q.chronicle().createTailer(StreamBatcher.CHECKPOINT_TAILER)) {
            checkpoint.toStart();
        }
        append(q, 100, 150);
        StreamBatcher second = new StreamBatcher(stream("c1"), q, dataDir, new BatchSettings(3600 * SECOND, 1 << 30, 16_384, true));
        second.onStart();
        second.requestFlush(149);
        runUntil(second, () -> second.flushedTo(149));
        second.onClose();
        assertEquals(100, second.stats().skippedAlreadySealed());
        assertEquals(range(0, 150), sealedSequences("c1"), "0..99 once, 100..149 once");
    }

    @Test
    void recordsAlreadyUploadedAreNotBatchedAgainEvenWhenTheOutboxIsEmpty() throws Exception {
        CaptureQueue q = queue("c2");
        append(q, 0, 60);
        // an earlier run uploaded 0..39 and removed them from the outbox, then died before its checkpoint
        Files.createDirectories(UploadState.dir(dataDir));
        Files.writeString(UploadState.dir(dataDir).resolve("c2.uploaded.json"), "{\"streamId\":\"c2\",\"lastSeq\":39}");
        StreamBatcher b = new StreamBatcher(stream("c2"), q, dataDir, new BatchSettings(3600 * SECOND, 1 << 30, 16_384, true));
        b.onStart();
        b.requestFlush(59);
        runUntil(b, () -> b.flushedTo(59));
        b.onClose();
        assertEquals(range(40, 60), sealedSequences("c2"));
    }

    @Test
    void leftoversOfACrashMidSealAreRemovedAndTheirRecordsBatchedAgain() throws Exception {
        CaptureQueue q = queue("c3");
        append(q, 0, 30);
        Path outbox = Outbox.streamDir(dataDir, "c3");
        Files.createDirectories(outbox);
        Files.createDirectories(Outbox.tmpDir(dataDir).resolve("c3"));
        Files.createDirectories(Outbox.tmpDir(dataDir).resolve("c3-x"));
        Path orphan = Files.writeString(outbox.resolve(Outbox.batchName(0, 19) + Outbox.MCAP_SUFFIX), "half");
        Path tmp = Files.writeString(Outbox.tmpDir(dataDir).resolve("c3/0.mcap"), "partial");
        // a stream whose id starts with this one's keeps its files
        Path otherStreamsTmp = Files.writeString(Outbox.tmpDir(dataDir).resolve("c3-x/0.mcap"), "not ours");
        StreamBatcher b = new StreamBatcher(stream("c3"), q, dataDir, new BatchSettings(3600 * SECOND, 1 << 30, 16_384, true));
        b.onStart();
        assertFalse(Files.exists(orphan), "an object without manifest was never sealed");
        assertFalse(Files.exists(tmp));
        b.requestFlush(29);
        runUntil(b, () -> b.flushedTo(29));
        b.onClose();
        assertEquals(range(0, 30), sealedSequences("c3"));
        assertTrue(Files.exists(otherStreamsTmp));
    }

    @Test
    void incompressibleChunksAreStoredRawAndStillValid() throws Exception {
        CaptureQueue q = queue("rnd");
        RecordSink sink = q.newSink();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] p = new byte[4000];
            random.nextBytes(p);
            assertTrue(sink.append(RecordSink.NO_SENSOR_TIME, 1, System.nanoTime(), new UnsafeBuffer(new byte[0]), 0, 0,
                    new UnsafeBuffer(p), 0, p.length));
        }
        assertTrue(sink.flush());
        StreamBatcher b = new StreamBatcher(new BatchStream("rnd", "camera", "bulk", List.of(), PayloadFormat.UDP_PAYLOAD,
                "dev1", "v", "h"), q, dataDir, new BatchSettings(3600 * SECOND, 1 << 30, 16_384, true));
        b.onStart();
        b.requestFlush(49);
        runUntil(b, () -> b.flushedTo(49));
        b.onClose();
        Path mf = manifests("rnd").get(0);
        BatchManifest m = JSON.readValue(mf.toFile(), BatchManifest.class);
        assertTrue(m.objectBytes() > m.rawBytes(), "random bytes do not compress; chunks kept raw");
        Path object = mf.resolveSibling(Outbox.batchName(0, 49) + Outbox.MCAP_SUFFIX);
        assertTrue(McapReferenceCheck.check(object).ok());
        long messages = 0;
        for (McapMessage msg : McapReader.read(object).messages()) {
            assertEquals("/rnd", msg.topic(), "no key: the channel is the stream");
            messages++;
        }
        assertEquals(50, messages);
    }
}
