package dev.edgeagent.protocols.mcap;

import dev.edgeagent.protocols.mcap.McapRecord.Chunk;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files from {@link McapWriter} with the agent's defaults (LZ4 chunks, every index) are read back by
 * {@link McapReader} and accepted by the reference reader (@mcap/core, through {@link McapReferenceCheck}).
 */
class McapWriterTest {

    @TempDir
    Path dir;

    record Sent(int channel, long sequence, long logTime, long publishTime, byte[] data) {
    }

    @Test
    void lz4ChunkedFileWithSeveralChannelsIsReadBackAndAcceptedByTheReferenceReader() throws IOException {
        Path file = dir.resolve("batch.mcap");
        List<Sent> sent = new ArrayList<>();
        Random random = new Random(42);
        McapWriterOptions options = McapWriterOptions.defaults().chunkSize(32 * 1024).profile("edge");
        McapWriter w;
        try (McapWriter writer = new McapWriter(open(file), options)) {
            w = writer;
            int canSchema = writer.addSchema("can.Frame", "jsonschema", "{\"type\":\"object\"}".getBytes(StandardCharsets.UTF_8));
            int gpsSchema = writer.addSchema("gps.Fix", "ros2msg", "float64 lat\nfloat64 lon\n".getBytes(StandardCharsets.UTF_8));
            int can = writer.addChannel(canSchema, "/vehicle/can0", "json", Map.of("bitrate", "500000"));
            int gps = writer.addChannel(gpsSchema, "/gps/fix", "cdr", new LinkedHashMap<>());
            int raw = writer.addChannel(0, "/lidar/raw", "", null);
            int big = writer.addChannel(0, "/camera/jpeg", "", Map.of());
            UnsafeBuffer direct = new UnsafeBuffer(new byte[4096]);
            long t = 1_700_000_000_000_000_000L;
            for (int i = 0; i < 5000; i++) {
                byte[] json = ("{\"id\":" + (0x100 + i % 37) + ",\"data\":\"" + Integer.toHexString(i * 31) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                direct.putBytes(100, json);
                writer.writeMessage(can, i, t + i * 1000L, t + i * 1000L - 7, direct, 100, json.length);
                sent.add(new Sent(can, i, t + i * 1000L, t + i * 1000L - 7, json));
                if (i % 5 == 0) {
                    byte[] fix = ("lat=48." + i + ",lon=11." + i).getBytes(StandardCharsets.UTF_8);
                    // every 10th fix arrives late: log times are not monotonic
                    long logTime = t + i * 1000L - (i % 10 == 0 ? 3_000_000L : 0);
                    writer.writeMessage(gps, 0x1_0000_0000L + i, logTime, logTime, fix);
                    sent.add(new Sent(gps, i, logTime, logTime, fix));
                }
                if (i == 2500) {
                    // random payloads each filling a chunk: LZ4 cannot shrink them, so they are stored raw
                    writer.flushChunk();
                    for (int k = 0; k < 2; k++) {
                        byte[] noise = new byte[40_000];
                        random.nextBytes(noise);
                        writer.writeMessage(raw, k, t + i * 1000L + k, t + i * 1000L + k, noise);
                        sent.add(new Sent(raw, k, t + i * 1000L + k, t + i * 1000L + k, noise));
                    }
                }
                if (i % 2000 == 1) { // messages bigger than a whole chunk
                    byte[] frame = Lz4FrameTest.text(200_000 + i);
                    writer.writeMessage(big, i, t + i * 1000L, t + i * 1000L, frame);
                    sent.add(new Sent(big, i, t + i * 1000L, t + i * 1000L, frame));
                }
            }
            writer.writeAttachment("calibration.yaml", "application/yaml", t, t - 5, "k: 1\n".getBytes(StandardCharsets.UTF_8));
            writer.writeMetadata("vehicle", Map.of("vin", "WVWZZZ1JZXW000001"));
        }
        assertEquals(Files.size(file), w.bytesWritten());
        assertEquals(sent.size(), w.messageCount());

        McapReader reader = McapReader.read(file);
        assertEquals("edge", reader.header().profile());
        assertEquals(McapWriterOptions.DEFAULT_LIBRARY, reader.header().library());
        List<McapMessage> read = new ArrayList<>();
        reader.messages().forEach(read::add);
        assertEquals(sent.size(), read.size());
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            McapRecord.Message m = read.get(i).message();
            assertEquals(s.channel(), m.channelId(), "message " + i);
            assertEquals(s.sequence() & 0xFFFF_FFFFL, m.sequence(), "sequence keeps its low 32 bits");
            assertEquals(s.logTime(), m.logTime());
            assertEquals(s.publishTime(), m.publishTime());
            assertArrayEquals(s.data(), m.data(), "message " + i);
        }
        assertEquals("can.Frame", read.get(0).schema().name());
        assertEquals(Map.of("bitrate", "500000"), read.get(0).channel().metadata());

        McapReader.Counts counts = reader.verify();
        assertEquals(sent.size(), counts.messages());
        assertEquals(w.chunkCount(), counts.chunks());
        assertEquals(1, counts.attachments());
        assertEquals(1, counts.metadata());
        McapSummary summary = reader.summary();
        assertEquals(sent.size(), summary.statistics().messageCount());
        assertEquals(4, summary.channels().size());
        assertEquals(2, summary.schemas().size());
        assertEquals(w.chunkCount(), summary.chunkIndexes().size());
        assertEquals(1, summary.attachmentIndexes().size());
        assertEquals(1, summary.metadataIndexes().size());
        assertTrue(w.chunkCount() > 8, "chunks: " + w.chunkCount());
        assertEquals(w.uncompressedBytes(), summary.chunkIndexes().stream().mapToLong(c -> c.uncompressedSize()).sum());
        assertEquals(w.compressedBytes(), summary.chunkIndexes().stream().mapToLong(c -> c.compressedSize()).sum());
        assertTrue(w.compressedBytes() < w.uncompressedBytes() / 2, "LZ4 halves this data at least");
        Set<String> compressions = new TreeSet<>();
        summary.chunkIndexes().forEach(c -> compressions.add(c.compression()));
        assertEquals(Set.of("", "lz4"), compressions, "LZ4 chunks and the raw noise chunk");
        assertTrue(summary.chunkIndexes().stream().anyMatch(c -> c.uncompressedSize() > 200_000),
                "a chunk holding a message bigger than chunkSize");

        McapReferenceCheck.Result ref = McapReferenceCheck.requireValid(file);
        assertEquals(sent.size(), ref.messages());
        assertEquals(4, ref.channels());
        assertEquals(w.chunkCount(), ref.chunks());
        assertTrue(ref.indexed());
    }

    @Test
    void emptyFileIsValid() throws IOException {
        Path file = dir.resolve("empty.mcap");
        try (McapWriter writer = new McapWriter(open(file), McapWriterOptions.defaults())) {
            assertEquals(0, writer.messageCount());
        }
        McapReader reader = McapReader.read(file);
        McapReader.Counts counts = reader.verify();
        assertEquals(0, counts.messages());
        assertEquals(0, counts.chunks());
        assertEquals(0, reader.summary().statistics().messageCount());
        McapReferenceCheck.Result ref = McapReferenceCheck.requireValid(file);
        assertEquals(0, ref.messages());
        assertEquals(0, ref.chunks());
    }

    @Test
    void corruptedChunkIsRejectedByBothReaders() throws IOException {
        Path file = dir.resolve("good.mcap");
        try (McapWriter writer = new McapWriter(open(file), McapWriterOptions.defaults().chunkSize(32 * 1024))) {
            int ch = writer.addChannel(0, "/t", "text", Map.of());
            for (int i = 0; i < 3000; i++) {
                writer.writeMessage(ch, i, i, i, ("reading " + i + " of sensor " + i % 7).getBytes(StandardCharsets.UTF_8));
            }
        }
        McapReferenceCheck.requireValid(file);
        McapReader good = McapReader.read(file);
        Chunk chunk = null;
        for (McapRecord r : good.records()) {
            if (r instanceof Chunk c && c.compression().equals("lz4")) {
                chunk = c;
                break;
            }
        }
        assertNotNull(chunk, "an LZ4 chunk");
        byte[] bytes = Files.readAllBytes(file);
        int flip = (int) (chunk.recordsOffset() + chunk.recordsLength() / 2);
        bytes[flip] ^= 0x5A;

        // as it is: the data section CRC no longer matches
        Path corrupt = dir.resolve("corrupt.mcap");
        Files.write(corrupt, bytes);
        McapFormatException e = assertThrows(McapFormatException.class, () -> McapReader.read(corrupt));
        assertEquals("data_section_crc", e.field());
        assertEquals(good.dataEndOffset(), e.offset());
        assertFalse(McapReferenceCheck.check(corrupt).ok(), "the reference reader rejects it too");

        // with the data section CRC made to match, the chunk itself must still be caught
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, (int) good.dataEndOffset());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) good.dataEndOffset() + 9, (int) crc.getValue());
        Path sneaky = dir.resolve("sneaky.mcap");
        Files.write(sneaky, bytes);
        McapReader reader = McapReader.read(sneaky);
        e = assertThrows(McapFormatException.class, reader::verify);
        assertEquals("Chunk", e.record());
        assertTrue(e.offset() <= flip && e.offset() >= chunk.recordsOffset() - 100, "offset " + e.offset());
        McapReferenceCheck.Result ref = McapReferenceCheck.check(sneaky);
        assertFalse(ref.ok());
        assertNotNull(ref.error());
    }

    @Test
    void apiMisuseIsRefused() throws IOException {
        McapWriter writer = new McapWriter(new Discard(), McapWriterOptions.defaults());
        int schema = writer.addSchema("s", "jsonschema", new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> writer.addSchema(schema, "again", "x", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> writer.addSchema(0, "zero", "x", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> writer.addChannel(77, "/t", "json", Map.of()));
        int ch = writer.addChannel(schema, "/t", "json", Map.of());
        assertEquals(ch + 1, writer.addChannel(schema, "/u", "json", Map.of()), "automatic ids count up");
        assertThrows(IllegalArgumentException.class, () -> writer.addChannel(ch, 0, "/dup", "json", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> writer.writeMessage(ch + 5, 0, 0, 0, new byte[1]));
        writer.finish();
        writer.finish(); // idempotent
        assertThrows(IllegalStateException.class, () -> writer.writeMessage(ch, 0, 0, 0, new byte[1]));
    }

    @Test
    void explicitAndAutomaticIdsMix() throws IOException {
        Path file = dir.resolve("ids.mcap");
        try (McapWriter writer = new McapWriter(open(file), McapWriterOptions.defaults())) {
            assertEquals(1, writer.addSchema(1, "a", "x", new byte[] {1}));
            assertEquals(2, writer.addSchema("b", "x", new byte[] {2}));
            assertEquals(0, writer.addChannel(0, 2, "/zero", "json", Map.of()));
            assertEquals(1, writer.addChannel(1, "/one", "json", Map.of()));
            writer.writeMessage(0, 1, 10, 10, new byte[] {9});
            writer.writeMessage(1, 1, 11, 11, new byte[] {8});
        }
        List<McapMessage> read = new ArrayList<>();
        McapReader.read(file).messages().forEach(read::add);
        assertEquals("/zero", read.get(0).topic());
        assertEquals("b", read.get(0).schema().name());
        assertEquals("a", read.get(1).schema().name());
    }

    /**
     * Once its buffers have grown, the writer allocates nothing per message, chunk flushes (LZ4, CRC, message
     * indexes) included. The only growth is the summary's list of chunk indexes, about 100 bytes per chunk.
     */
    @Test
    void writeMessageAllocatesNothingInTheSteadyState() throws IOException {
        // one object per message would be >= 16 B x 300 000 = 4.8 MB; a few one-off KB are JIT/JVM noise
        long[] noIndex = allocated(McapWriterOptions.defaults().chunkSize(256 * 1024).useChunkIndex(false));
        assertTrue(noIndex[0] < 16 * 1024, "with no chunk index to keep, nothing: " + noIndex[0] + " bytes");
        long[] indexed = allocated(McapWriterOptions.defaults().chunkSize(256 * 1024));
        assertTrue(indexed[0] < 16 * 1024 + 1024 * indexed[1], "with chunk indexes, only their (amortized) growth: "
                + indexed[0] + " bytes for " + indexed[1] + " chunks");
    }

    /** Bytes allocated while writing 300 000 messages after a warm-up, and the chunks flushed meanwhile. */
    private static long[] allocated(McapWriterOptions options) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        McapWriter writer = new McapWriter(new Discard(), options);
        int[] channels = new int[8];
        for (int c = 0; c < channels.length; c++) {
            channels[c] = writer.addChannel(0, "/c" + c, "raw", Map.of());
        }
        UnsafeBuffer payload = new UnsafeBuffer(Lz4FrameTest.text(2048));
        writeBatch(writer, channels, payload, 300_000); // warm up: buffers grow, JIT compiles
        long chunks = writer.chunkCount();
        long before = threads.getCurrentThreadAllocatedBytes();
        writeBatch(writer, channels, payload, 300_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        chunks = writer.chunkCount() - chunks;
        assertTrue(chunks > 100, "chunks were flushed during the measurement: " + chunks);
        writer.finish();
        return new long[] {allocated, chunks};
    }

    private static void writeBatch(McapWriter writer, int[] channels, UnsafeBuffer payload, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            writer.writeMessage(channels[i & 7], i, i, i, payload, (i * 13) & 1023, 100 + (i & 511));
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** A channel that takes everything and keeps nothing. */
    static final class Discard implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Writes a small but varied file: two schemas, channels with metadata, LZ4 and raw chunks, metadata. */
    private static void writeSample(McapWriter w, int seed) throws IOException {
        Random r = new Random(seed);
        int s1 = w.addSchema("a.Sample" + seed, "jsonschema", ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8));
        int c1 = w.addChannel(s1, "/one/" + seed, "json", Map.of("k", "v" + seed));
        int c2 = w.addChannel(0, "/two", "raw", Map.of());
        for (int i = 0; i < 2000 + seed * 100; i++) {
            byte[] data = new byte[r.nextInt(300)];
            if (i % 3 == 0) {
                r.nextBytes(data);   // some chunks do not compress
            }
            w.writeMessage(i % 2 == 0 ? c1 : c2, i, 1_000L * i + seed, 1_000L * i, data);
        }
        w.writeMetadata("meta" + seed, Map.of("seed", Integer.toString(seed)));
    }

    private static byte[] fresh(int seed) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (McapWriter w = new McapWriter(java.nio.channels.Channels.newChannel(bytes), McapWriterOptions.defaults().chunkSize(16 * 1024))) {
            writeSample(w, seed);
        }
        return bytes.toByteArray();
    }

    @Test
    void aResetWriterMakesTheSameFilesAsFreshOnes() throws IOException {
        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream second = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream third = new java.io.ByteArrayOutputStream();
        try (McapWriter w = new McapWriter(java.nio.channels.Channels.newChannel(first), McapWriterOptions.defaults().chunkSize(16 * 1024))) {
            writeSample(w, 1);
            w.finish();
            w.reset(java.nio.channels.Channels.newChannel(second));
            writeSample(w, 2);
            w.finish();
            w.reset(java.nio.channels.Channels.newChannel(third));
            writeSample(w, 1);
            w.finish();
        }
        assertArrayEquals(fresh(1), first.toByteArray());
        assertArrayEquals(fresh(2), second.toByteArray());
        assertArrayEquals(fresh(1), third.toByteArray(), "nothing of an earlier file leaks into a later one");
        assertEquals(2200, McapReader.read(second.toByteArray()).verify().messages());
    }

    @Test
    void resetRefusesToDropAnUnfinishedFile() throws IOException {
        McapWriter w = new McapWriter(java.nio.channels.Channels.newChannel(new java.io.ByteArrayOutputStream()),
                McapWriterOptions.defaults());
        w.addChannel(0, "/x", "raw", Map.of());
        assertThrows(IllegalStateException.class, () -> w.reset(java.nio.channels.Channels.newChannel(new java.io.ByteArrayOutputStream())));
    }
}
