package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class QueueRetentionTest {

    @TempDir
    Path dataDir;

    static int cq4Files(CaptureQueue q) {
        File[] files = q.dir().toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        return files == null ? 0 : files.length;
    }

    @Test
    void batchedFilesOlderThanTheRetentionGoAndEverythingElseStays() {
        SetTimeProvider time = new SetTimeProvider(1_795_000_000_000L);   // a whole minute
        UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        UnsafeBuffer key = new UnsafeBuffer(new byte[0]);
        long[] firstIndexOfCycle = new long[4];
        try (CaptureQueue q = new CaptureQueue(dataDir, "s", RollCycles.FIVE_MINUTELY, new StreamStats("s"), time)) {
            RecordSink sink = q.newSink();
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 10; i++) {
                    assertTrue(sink.append(0, 0, 0, key, 0, 0, payload, 0, 32));
                }
                assertTrue(sink.flush());   // one block of 10 records per five-minute file
                time.advanceMillis(Duration.ofMinutes(5).toMillis());
            }
            assertEquals(4, cq4Files(q));
            try (ExcerptTailer t = q.chronicle().createTailer()) {
                for (int i = 0; i < 4; i++) {
                    try (DocumentContext dc = t.readingDocument()) {
                        firstIndexOfCycle[i] = dc.index();
                    }
                }
            }
            long now = System.currentTimeMillis();
            // checkpoint in the third file: the first two are batched; with a long retention they stay
            assertEquals(0, q.deleteBatchedFiles(firstIndexOfCycle[2], Duration.ofDays(1), now));
            assertEquals(4, cq4Files(q));
            // retention passed: exactly the two batched files go
            assertEquals(2, q.deleteBatchedFiles(firstIndexOfCycle[2], Duration.ZERO, now + 1000));
            assertEquals(2, cq4Files(q));
            // nothing batched yet: nothing goes, whatever the age
            assertEquals(0, q.deleteBatchedFiles(0, Duration.ZERO, now + 1000));
            // what remains reads from the checkpoint on, sequences intact
            RecordView view = new RecordView();
            try (ExcerptTailer t = q.chronicle().createTailer()) {
                assertTrue(t.moveToIndex(firstIndexOfCycle[2]));
                long[] seqs = new long[20];
                int n = 0;
                for (int block = 0; block < 2; block++) {
                    try (DocumentContext dc = t.readingDocument()) {
                        assertTrue(dc.isPresent());
                        view.block(dc.wire().bytes());
                        while (view.next()) {
                            seqs[n++] = view.sequence();
                        }
                    }
                }
                assertEquals(20, n);
                assertEquals(20, seqs[0]);
                assertEquals(39, seqs[19], Arrays.toString(seqs));
            }
            // and the writer goes on
            assertTrue(sink.append(0, 0, 0, key, 0, 0, payload, 0, 32));
            assertTrue(sink.flush());
            assertEquals(40, q.stats().lastSequence());
        }
    }
}
