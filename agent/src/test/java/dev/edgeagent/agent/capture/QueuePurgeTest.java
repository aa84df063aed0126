package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Purge: only queue files whose every record lies in the range go; never the file being written. */
class QueuePurgeTest {

    @TempDir
    Path dataDir;

    @Test
    void filesWhollyInsideThePurgedRangeAreDeleted() {
        SetTimeProvider time = new SetTimeProvider(1_795_000_000_000L);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        UnsafeBuffer key = new UnsafeBuffer(new byte[0]);
        try (CaptureQueue q = new CaptureQueue(dataDir, "s", RollCycles.FIVE_MINUTELY, new StreamStats("s"), time)) {
            RecordSink sink = q.newSink();
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 10; i++) {   // file c holds records timed c*1000 .. c*1000+9
                    assertTrue(sink.append(cycle * 1000L + i, 1, 1, key, 0, 0, payload, 0, 32));
                }
                assertTrue(sink.flush());
                time.advanceMillis(Duration.ofMinutes(5).toMillis());
            }
            time.advanceMillis(-Duration.ofMinutes(5).toMillis());   // the fourth file is the one being written
            assertEquals(4, QueueRetentionTest.cq4Files(q));
            // files 0 and 1 lie inside; file 2 only partly (2000..2009 vs ..2004); file 3 is being written
            assertEquals(2, q.deleteFilesWithin(0, 2004).size());
            assertEquals(2, QueueRetentionTest.cq4Files(q));
            // a wider range takes file 2 too, never the file being written
            assertEquals(1, q.deleteFilesWithin(0, 9999).size());
            assertEquals(1, QueueRetentionTest.cq4Files(q));
            List<Long> left = new ArrayList<>();
            RecordView view = new RecordView();
            try (ExcerptTailer t = q.chronicle().createTailer()) {
                while (true) {
                    try (DocumentContext dc = t.readingDocument()) {
                        if (!dc.isPresent()) {
                            break;
                        }
                        view.block(dc.wire().bytes());
                        while (view.next()) {
                            left.add(view.sensorTimeNs());
                        }
                    }
                }
            }
            assertEquals(10, left.size());
            assertEquals(3000L, left.get(0));
            assertEquals(3009L, left.get(9));
            assertTrue(sink.append(3010, 1, 1, key, 0, 0, payload, 0, 32), "the writer goes on");
            assertTrue(sink.flush());
        }
    }
}
