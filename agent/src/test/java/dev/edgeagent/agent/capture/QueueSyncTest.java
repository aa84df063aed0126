package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class QueueSyncTest {

    @TempDir
    Path dataDir;

    private static void append(RecordSink sink, int records, int bytes) {
        UnsafeBuffer p = new UnsafeBuffer(new byte[bytes]);
        for (int i = 0; i < records; i++) {
            assertTrue(sink.append(i, i, i, p, 0, 0, p, 0, bytes));
        }
        assertTrue(sink.flush());
    }

    @Test
    void aQueueIsSyncedOnceEverySyncBytesAppendedAndNotBefore() {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "FAST_HOURLY", new StreamStats("cam"));
             CaptureQueue can = new CaptureQueue(dataDir, "can", "FAST_HOURLY", new StreamStats("can"))) {
            QueueSync sync = new QueueSync(List.of(cam, can), 1 << 20);
            RecordSink camSink = cam.newSink();
            RecordSink canSink = can.newSink();
            append(camSink, 3, 200_000);   // 600 KB: not yet
            append(canSink, 100, 16);
            assertEquals(0, sync.doWork());
            assertEquals(0, sync.syncs());

            append(camSink, 3, 200_000);   // 1.2 MB in all: one sync of the camera's file, none of the CAN bus'
            assertEquals(1, sync.doWork());
            assertEquals(1, sync.syncs());
            assertEquals(0, sync.doWork(), "counted from the last sync");

            append(camSink, 6, 200_000);
            assertEquals(1, sync.doWork());
            assertEquals(2, sync.syncs());
            assertEquals(0, sync.failures());
            sync.onClose();
        }
    }

    @Test
    void aFailedSyncIsCountedAndTheNextOneOpensTheFileAgain() throws Exception {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "FAST_HOURLY", new StreamStats("cam"))) {
            QueueSync sync = new QueueSync(List.of(cam), 1 << 20);
            RecordSink sink = cam.newSink();
            append(sink, 6, 200_000);
            Path file = cam.cycleFiles().get(0).file().toPath();
            // unreadable for writing: the sync cannot open the file (root ignores permissions, so move it away)
            Path aside = file.resolveSibling("aside");
            Files.move(file, aside);
            Files.createDirectory(file);   // a directory where the file was: opening it for writing fails
            assertEquals(1, sync.doWork());
            assertEquals(1, sync.failures());
            assertEquals(0, sync.syncs());
            Files.delete(file);
            Files.move(aside, file);
            append(sink, 6, 200_000);
            assertEquals(1, sync.doWork());
            assertEquals(1, sync.syncs());
            sync.onClose();
        }
    }
}
