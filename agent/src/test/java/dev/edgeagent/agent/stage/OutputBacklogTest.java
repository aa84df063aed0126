package dev.edgeagent.agent.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.StreamStats;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refused output is kept (a copy), everything after it waits behind it, and all arrive in order once taken. */
class OutputBacklogTest {

    @TempDir
    Path dataDir;

    private static List<String> read(CaptureQueue q) {
        List<String> out = new ArrayList<>();
        try (QueueReader r = new QueueReader(q, "test")) {
            r.poll(v -> {
                byte[] b = new byte[v.payload().capacity()];
                v.payload().getBytes(0, b);
                out.add(new String(b, StandardCharsets.UTF_8));
            }, 1000);
        }
        return out;
    }

    @Test
    void aRefusedOutputHoldsBackLaterOnesAcrossStreamsUntilTaken() {
        try (CaptureQueue qa = new CaptureQueue(dataDir, "a", "FAST_HOURLY", new StreamStats("a"));
             CaptureQueue qb = new CaptureQueue(dataDir, "b", "FAST_HOURLY", new StreamStats("b"))) {
            DerivedStream a = new DerivedStream("a", "critical", qa.newSink(), qa.stats());
            DerivedStream b = new DerivedStream("b", "standard", qb.newSink(), qb.stats());
            OutputBacklog backlog = new OutputBacklog();
            byte[] bytes = "first".getBytes(StandardCharsets.UTF_8);
            UnsafeBuffer payload = new UnsafeBuffer(bytes);
            UnsafeBuffer noKey = new UnsafeBuffer(new byte[0]);

            backlog.append(a, 1, noKey, 0, 0, payload, 0, bytes.length);
            assertTrue(backlog.isEmpty(), "taken at once");

            qa.admission().reject("quota");
            byte[] second = "second".getBytes(StandardCharsets.UTF_8);
            payload.wrap(second);
            backlog.append(a, 2, noKey, 0, 0, payload, 0, second.length);
            second[0] = 'X';   // the caller reuses its buffer: the backlog kept a copy
            backlog.append(b, 3, "", "third".getBytes(StandardCharsets.UTF_8));   // b takes, but must wait its turn
            assertFalse(backlog.isEmpty());
            assertFalse(backlog.retry(), "still refused");
            assertTrue(a.flush() && b.flush());
            assertEquals(List.of(), read(qb), "nothing overtakes the refused record");

            qa.admission().reject(null);
            assertTrue(backlog.retry());
            assertTrue(backlog.isEmpty());
            assertTrue(a.flush() && b.flush());
            assertEquals(List.of("first", "second"), read(qa));
            assertEquals(List.of("third"), read(qb));
        }
    }
}
