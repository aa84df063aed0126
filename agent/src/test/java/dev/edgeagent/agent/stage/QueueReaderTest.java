package dev.edgeagent.agent.stage;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueReaderTest {

    @TempDir
    Path dataDir;

    private static void append(CaptureQueue q, long from, long to) {
        RecordSink sink = q.newSink();
        byte[] p = new byte[8];
        UnsafeBuffer payload = new UnsafeBuffer(p);
        for (long seq = from; seq < to; seq++) {
            payload.putLong(0, seq);
            assertTrue(sink.append(RecordSink.NO_SENSOR_TIME, 1_700_000_000_000_000_000L + seq * 1000, System.nanoTime(),
                    new UnsafeBuffer(new byte[0]), 0, 0, payload, 0, 8));
            if (seq % 500 == 499) {
                assertTrue(sink.flush());   // several blocks
            }
        }
        assertTrue(sink.flush());
    }

    @Test
    void resumesAfterTheLastCommittedBlockAndNamesAreIndependent() {
        try (CaptureQueue q = new CaptureQueue(dataDir, "s", "FAST_HOURLY", new StreamStats("s"))) {
            append(q, 0, 2000);
            List<Long> seen = new ArrayList<>();
            long committedThrough;
            try (QueueReader r = new QueueReader(q, "t1")) {
                int n = r.poll(v -> seen.add(v.payload().getLong(0)), 600);
                assertTrue(n >= 600 && n < 2000, "whole blocks until at least 600: " + n);
                r.commit();
                committedThrough = seen.get(seen.size() - 1);
                r.poll(v -> seen.add(v.payload().getLong(0)), 10_000);   // read on, not committed
                assertTrue(r.atEnd());
                assertEquals(2000, seen.size());
            }
            List<Long> again = new ArrayList<>();
            try (QueueReader r = new QueueReader(q, "t1")) {
                r.poll(v -> again.add(v.payload().getLong(0)), 10_000);
            }
            assertEquals(committedThrough + 1, again.get(0), "continues after the committed block");
            assertEquals(1999L, again.get(again.size() - 1));
            List<Long> other = new ArrayList<>();
            try (QueueReader r = new QueueReader(q, "t2")) {
                r.poll(v -> other.add(v.payload().getLong(0)), 10_000);
            }
            assertEquals(2000, other.size(), "another checkpoint name starts from the beginning");
            assertEquals(0L, other.get(0));
        }
    }
}
