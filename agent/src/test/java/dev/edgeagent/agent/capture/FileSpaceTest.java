package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FileSpaceTest {

    private static final long MB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aSparseFileCountsWhatWasWrittenNotItsLength() throws Exception {
        File f = dir.resolve("sparse.bin").toFile();
        try (RandomAccessFile r = new RandomAccessFile(f, "rw")) {
            r.setLength(64 * MB);
            assertEquals(0, FileSpace.onDisk(f), "nothing written: all hole");
            MappedByteBuffer m = r.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, 64 * MB);
            for (int i = 0; i < 3 * MB; i++) {
                m.put(i, (byte) 1);
            }
            m.put((int) (40 * MB), (byte) 1);
            // dirty pages not yet written back count: what the disk will hold
            long bytes = FileSpace.onDisk(f);
            assertTrue(bytes >= 3 * MB + 1 && bytes <= 3 * MB + 2 * MB, "3 MB and a page written: " + bytes);
        }
    }

    @Test
    void aDenseFileCountsItsLengthAndAMissingOneNothing() throws Exception {
        Path p = dir.resolve("dense.bin");
        Files.write(p, new byte[1_234_567]);
        assertEquals(1_234_567, FileSpace.onDisk(p.toFile()), "written zeros are data, capped at the length");
        assertEquals(0, FileSpace.onDisk(dir.resolve("absent").toFile()));
    }

    @Test
    void aQueueFileGrownAheadCountsItsRecordsNotItsTail() {
        try (CaptureQueue cam = new CaptureQueue(dir, "cam", "FAST_HOURLY", new StreamStats("cam"))) {
            QueueFileGrower grower = new QueueFileGrower(List.of(cam), Duration.ofSeconds(1), true, () -> 1);
            RecordSink sink = cam.newSink();
            UnsafeBuffer p = new UnsafeBuffer(new byte[200_000]);
            for (int i = 0; i < 10; i++) {
                assertTrue(sink.append(i, i, i, p, 0, 0, p, 0, p.capacity()));
            }
            assertTrue(sink.flush());
            grower.doWork();
            List<CaptureQueue.CycleFile> files = cam.cycleFiles();
            File file = files.get(files.size() - 1).file();
            long written = cam.writePosition() & CaptureQueue.POSITION_MASK;
            assertTrue(file.length() >= written + 4 * cam.chunkBytes(), "grown ahead: " + file.length());
            long onDisk = cam.dataBytes(files.get(files.size() - 1));
            assertTrue(onDisk <= FileSpace.onDisk(file));
            assertTrue(onDisk >= 2_000_000 && onDisk <= written + cam.chunkBytes(),
                    "records (2 MB) and the queue's index, not the " + file.length() + "-byte length: " + onDisk);
        }
    }
}
