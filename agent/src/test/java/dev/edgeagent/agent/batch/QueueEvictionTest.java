package dev.edgeagent.agent.batch;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Evicting capture queue files under a running batcher: whole cycle files, oldest first, the loss exact. */
class QueueEvictionTest {

    @TempDir
    Path dataDir;

    private static void appendSecond(RecordSink sink, long from, long to) throws InterruptedException {
        // one cycle file per second (TEST_SECONDLY): start right after a second boundary
        long ms = System.currentTimeMillis();
        Thread.sleep(1000 - ms % 1000 + 20);
        byte[] payload = new byte[64];
        for (long seq = from; seq <= to; seq++) {
            assertTrue(sink.append(RecordSink.NO_SENSOR_TIME, System.currentTimeMillis() * 1_000_000L, System.nanoTime(),
                    new UnsafeBuffer(new byte[0]), 0, 0, new UnsafeBuffer(payload), 0, payload.length));
        }
        assertTrue(sink.flush());
    }

    @Test
    void unbatchedFilesGoOldestFirstAndTheLostRangeIsExactlyWhatWasNotYetBatched() throws Exception {
        StreamStats stats = new StreamStats("lidar");
        try (CaptureQueue q = new CaptureQueue(dataDir, "lidar", "TEST_SECONDLY", stats)) {
            RecordSink sink = q.newSink();
            BatchStream stream = new BatchStream("lidar", "lidar", "bulk", List.of(), PayloadFormat.MQTT_PAYLOAD,
                    "dev1", "1", "c");
            StreamBatcher b = new StreamBatcher(stream, q, dataDir, new BatchSettings(3_600_000_000_000L, 1 << 30, 16_384, true));
            AtomicReference<StreamBatcher.QueueEviction> result = new AtomicReference<>();
            b.onQueueEviction(result::set);
            b.onStart();
            appendSecond(sink, 0, 9);
            while (b.doWork() > 0) {
                // 0-9 read into the open batch, not sealed
            }
            appendSecond(sink, 10, 19);
            appendSecond(sink, 20, 29);
            appendSecond(sink, 30, 39);   // the file being written: never evicted
            assertEquals(4, q.cycleFiles().size());

            Thread evictor = new Thread(() -> {
                try {
                    assertTrue(b.evictQueueFiles(Long.MAX_VALUE, true, Duration.ofSeconds(10)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            evictor.start();
            Thread.sleep(200);   // the request is pending before the batcher's next duty cycle
            while (evictor.isAlive()) {
                b.doWork();
                Thread.sleep(1);
            }
            StreamBatcher.QueueEviction r = result.get();
            assertNotNull(r);
            assertEquals(3, r.files());
            assertEquals(10, r.lostFirstSeq(), "0-9 were read: sealed before the files went");
            assertEquals(29, r.lostLastSeq());
            assertEquals(20, r.lostRecords());
            assertEquals(1, q.cycleFiles().size());

            while (b.doWork() > 0) {
                // 30-39 from the remaining file
            }
            b.sealOpenBatch();
            b.onClose();
            try (Stream<Path> files = Files.list(Outbox.streamDir(dataDir, "lidar"))) {
                assertEquals(List.of("00000000000000000000-00000000000000000009.manifest.json",
                                "00000000000000000030-00000000000000000039.manifest.json"),
                        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(Outbox.MANIFEST_SUFFIX))
                                .sorted().toList());
            }
        }
    }
}
