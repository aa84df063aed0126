package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CaptureQueueTest {

    @TempDir
    Path dataDir;

    private static final UnsafeBuffer NO_KEY = new UnsafeBuffer(new byte[0]);

    record Read(long seq, long sensor, long wall, long mono, String key, byte[] payload) {
    }

    static List<Read> readAll(CaptureQueue q) {
        List<Read> out = new ArrayList<>();
        RecordView view = new RecordView();
        try (ExcerptTailer t = q.chronicle().createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    view.block(dc.wire().bytes());
                    while (view.next()) {
                        byte[] key = new byte[view.key().capacity()];
                        view.key().getBytes(0, key);
                        byte[] payload = new byte[view.payload().capacity()];
                        view.payload().getBytes(0, payload);
                        out.add(new Read(view.sequence(), view.sensorTimeNs(), view.receiveWallNs(),
                                view.receiveMonoNs(), new String(key, StandardCharsets.UTF_8), payload));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void chunkSizeFollowsTheLargestRecordAndTheStatedRate() {
        long mib = 1 << 20;
        assertEquals(mib, CaptureQueue.chunkBytesFor(100, mib), "small records keep the configured chunk");
        assertEquals(2 * mib, CaptureQueue.chunkBytesFor(325_000, mib), "four of the largest record fit");
        assertEquals(mib, CaptureQueue.chunkBytesFor(100, mib, 2_000 * 16), "a slow stream keeps the configured chunk");
        // a 250 KB camera at 30 and at 120 frames/s: a chunk holds at least a third of a second of it
        assertEquals(4 * mib, CaptureQueue.chunkBytesFor(325_000, mib, 30 * 250_000));
        assertEquals(16 * mib, CaptureQueue.chunkBytesFor(325_000, mib, 120 * 250_000));
        assertEquals(CaptureQueue.MAX_RATE_CHUNK_BYTES, CaptureQueue.chunkBytesFor(100, mib, 1e10), "capped");
        assertEquals(128 * mib, CaptureQueue.chunkBytesFor(30 * mib, mib, 1e10), "but never below four records");
    }

    @Test
    void recordsRoundTripByteForByteFromHeapAndDirectBuffers() {
        try (CaptureQueue q = new CaptureQueue(dataDir, "can0", "FAST_HOURLY", new StreamStats("can0"))) {
            RecordSink sink = q.newSink();
            byte[] heap = {1, 2, 3, 4, 5};
            ByteBuffer direct = ByteBuffer.allocateDirect(300);
            for (int i = 0; i < 300; i++) {
                direct.put(i, (byte) (i * 7));
            }
            UnsafeBuffer key = new UnsafeBuffer("xx/topic/a".getBytes(StandardCharsets.UTF_8));
            // an offset view into an array, as sources use for slices of a bigger buffer
            assertTrue(sink.append(42L, 100L, 200L, key, 3, 7, new UnsafeBuffer(heap, 1, 3), 0, 3));
            assertTrue(sink.append(RecordSink.NO_SENSOR_TIME, 101L, 201L, NO_KEY, 0, 0, new UnsafeBuffer(direct), 10, 250));
            assertTrue(sink.append(7L, 102L, 202L, NO_KEY, 0, 0, new UnsafeBuffer(heap), 0, 0));
            assertEquals(List.of(), readAll(q), "nothing visible before the block is committed");
            assertEquals(0, q.stats().records());
            assertTrue(sink.flush());

            List<Read> all = readAll(q);
            assertEquals(3, all.size());
            assertEquals(new Read(0, 42, 100, 200, "topic/a", null).key(), all.get(0).key());
            assertArrayEquals(new byte[]{2, 3, 4}, all.get(0).payload());
            assertEquals(42L, all.get(0).sensor());
            assertEquals(RecordSink.NO_SENSOR_TIME, all.get(1).sensor());
            assertEquals(101L, all.get(1).wall());
            assertEquals(201L, all.get(1).mono());
            byte[] expected = new byte[250];
            for (int i = 0; i < 250; i++) {
                expected[i] = (byte) ((i + 10) * 7);
            }
            assertArrayEquals(expected, all.get(1).payload());
            assertEquals(0, all.get(2).payload().length);
            assertEquals(List.of(0L, 1L, 2L), all.stream().map(Read::seq).toList());
            assertEquals(3, q.stats().records());
            assertEquals(253, q.stats().bytes());
            assertEquals(2, q.stats().lastSequence());
        }
    }

    @Test
    void sequenceContinuesAfterReopen() {
        UnsafeBuffer p = new UnsafeBuffer(new byte[8]);
        try (CaptureQueue q = new CaptureQueue(dataDir, "s", "FAST_HOURLY", new StreamStats("s"))) {
            assertEquals(0, q.nextSequence());
            RecordSink sink = q.newSink();
            for (int i = 0; i < 5; i++) {
                assertTrue(sink.append(0, 0, System.nanoTime(), NO_KEY, 0, 0, p, 0, 8));
            }
            assertTrue(sink.flush());
        }
        try (CaptureQueue q = new CaptureQueue(dataDir, "s", "FAST_HOURLY", new StreamStats("s"))) {
            assertEquals(5, q.nextSequence());
            RecordSink sink = q.newSink();
            assertTrue(sink.append(0, 0, System.nanoTime(), NO_KEY, 0, 0, p, 0, 8));
            assertTrue(sink.flush());
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), readAll(q).stream().map(Read::seq).toList());
            assertTrue(q.stats().sampleLatency().getTotalCount() >= 1);
        }
    }

    @Test
    void appendingAllocatesNothingPerRecord() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (CaptureQueue q = new CaptureQueue(dataDir, "alloc", "FAST_HOURLY", new StreamStats("alloc"))) {
            RecordSink sink = q.newSink();
            UnsafeBuffer key = new UnsafeBuffer("can0".getBytes(StandardCharsets.UTF_8));
            UnsafeBuffer heap = new UnsafeBuffer(new byte[64]);
            UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            // warm up the same code that is measured, until the JIT has compiled it
            for (int round = 0; round < 20; round++) {
                appendMany(sink, key, heap, direct, 20_000);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            appendMany(sink, key, heap, direct, 200_000);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // one object per record would be 200 000 x 16+ bytes = 3.2 MB; what remains is Chronicle mapping its
            // next chunk (a few KB per 1 MiB chunk; these appends fill about 15 chunks)
            long chunks = 1 + (200_000L * (64 + 11 + 6)) / CaptureQueue.DEFAULT_CHUNK_BYTES;
            assertTrue(allocated < chunks * 4096, "allocated " + allocated + " bytes for 200000 appends in " + chunks + " chunks");
        }
    }

    private static void appendMany(RecordSink sink, UnsafeBuffer key, UnsafeBuffer heap, UnsafeBuffer direct, int n) {
        for (int i = 0; i < n; i++) {
            if (!sink.append(i, i, System.nanoTime(), key, 0, 4, (i & 1) == 0 ? heap : direct, 0, 64)) {
                throw new AssertionError("append refused");
            }
        }
        if (!sink.flush()) {
            throw new AssertionError("flush failed");
        }
    }

    @Test
    void smallRecordsShareBlocksAndLargeOnesCommitAtOnce() {
        try (CaptureQueue q = new CaptureQueue(dataDir, "blocks", "FAST_HOURLY", new StreamStats("blocks"))) {
            RecordSink sink = q.newSink();
            UnsafeBuffer small = new UnsafeBuffer(new byte[16]);
            for (int i = 0; i < 2500; i++) {   // 60 B each: a block fills at 1024 records
                assertTrue(sink.append(i, i, System.nanoTime(), NO_KEY, 0, 0, small, 0, 16));
            }
            assertEquals(2047, q.stats().lastSequence(), "two full blocks committed by themselves");
            assertTrue(sink.flush());
            UnsafeBuffer frame = new UnsafeBuffer(new byte[200_000]);
            assertTrue(sink.append(1, 1, System.nanoTime(), NO_KEY, 0, 0, frame, 0, 200_000));
            assertEquals(2500, q.stats().lastSequence(), "a frame-sized record is committed at once");
            List<Integer> blockSizes = new ArrayList<>();
            RecordView view = new RecordView();
            long expected = 0;
            try (ExcerptTailer t = q.chronicle().createTailer()) {
                while (true) {
                    try (DocumentContext dc = t.readingDocument()) {
                        if (!dc.isPresent()) {
                            break;
                        }
                        int n = 0;
                        view.block(dc.wire().bytes());
                        while (view.next()) {
                            assertEquals(expected++, view.sequence());
                            n++;
                        }
                        blockSizes.add(n);
                    }
                }
            }
            assertEquals(List.of(1024, 1024, 452, 1), blockSizes);
            assertEquals(2501, q.stats().records());
        }
    }

    @Test
    void aQueueOfAnotherStreamIsRefusedAtOpen() {
        UnsafeBuffer p = new UnsafeBuffer(new byte[8]);
        try (CaptureQueue q = new CaptureQueue(dataDir, "a", "FAST_HOURLY", new StreamStats("a"))) {
            RecordSink sink = q.newSink();
            assertTrue(sink.append(0, 0, 0, NO_KEY, 0, 0, p, 0, 8));
            assertTrue(sink.flush());
        }
        // the directory of stream "a" reused under another stream's name
        Path moved = dataDir.resolve("queues").resolve("b");
        assertTrue(dataDir.resolve("queues/a").toFile().renameTo(moved.toFile()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CaptureQueue(dataDir, "b", "FAST_HOURLY", new StreamStats("b")));
        assertTrue(e.getMessage().contains("another stream"), e.getMessage());
    }
}
