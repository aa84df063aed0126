package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class QueueFileGrowerTest {

    private static final long MB = 1 << 20;

    @TempDir
    Path dataDir;

    private long now = 1;

    private static void append(RecordSink sink, int records, int bytes) {
        UnsafeBuffer p = new UnsafeBuffer(new byte[bytes]);
        for (int i = 0; i < records; i++) {
            assertTrue(sink.append(i, i, i, p, 0, 0, p, 0, bytes));
        }
        assertTrue(sink.flush());
    }

    private static long position(CaptureQueue q) {
        return q.writePosition() & CaptureQueue.POSITION_MASK;
    }

    private static File file(CaptureQueue q) {
        List<CaptureQueue.CycleFile> files = q.cycleFiles();
        return files.get(files.size() - 1).file();
    }

    @Test
    void theFileIsKeptAheadOfItsWriterSoTheWriterNeverExtendsIt() {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "FAST_HOURLY", new StreamStats("cam"))) {
            QueueFileGrower grower = new QueueFileGrower(List.of(cam), Duration.ofSeconds(1), true, () -> now);
            assertEquals(0, grower.doWork(), "nothing written yet");
            RecordSink sink = cam.newSink();
            append(sink, 6, 200_000);
            long chunk = cam.chunkBytes();
            assertEquals(MB, chunk);
            assertEquals(1, grower.doWork());
            long grown = file(cam).length();
            assertTrue(grown >= position(cam) + 4 * chunk, "at least four chunks ahead: " + grown + " at " + position(cam));
            assertEquals(0, grown % chunk, "in whole chunks");

            // the writer crosses into chunks it has not mapped before: the file is long enough, it is not extended
            while (position(cam) + 4 * chunk <= grown) {
                append(sink, 1, 200_000);
            }
            assertTrue(position(cam) > 4 * chunk, "the writer mapped new chunks");
            assertEquals(grown, file(cam).length(), "Chronicle did not extend the file");

            assertEquals(1, grower.doWork(), "less than the margin left: extended again");
            assertTrue(file(cam).length() > grown);
            assertEquals(0, grower.doWork(), "and not again until the writer comes near");
            assertEquals(2, grower.grows());
            assertEquals(0, grower.late());
            assertEquals(0, grower.failures());
            grower.onClose();
        }
    }

    @Test
    void theMarginFollowsTheStreamsRateAndAWriterThatOvertookItIsCountedLate() {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "FAST_HOURLY", new StreamStats("cam"))) {
            QueueFileGrower grower = new QueueFileGrower(List.of(cam), Duration.ofSeconds(1), true, () -> now);
            RecordSink sink = cam.newSink();
            append(sink, 1, 100_000);
            grower.doWork();
            long before = file(cam).length();
            // 20 MB in half a second: 40 MB/s, so a second ahead is 40 MB, far more than four chunks
            append(sink, 100, 200_000);
            now += 500_000_000L;
            assertEquals(1, grower.doWork());
            assertEquals(1, grower.late(), "the writer went past the first margin and extended the file itself");
            long grown = file(cam).length();
            assertTrue(grown >= position(cam) + 35 * MB, "a second of 40 MB/s ahead: " + (grown - position(cam)));
            assertTrue(grown > before);
            grower.onClose();
        }
    }

    @Test
    void aFileIsNeverShortenedAndAnotherCyclesPositionIsNotAppliedToIt() throws Exception {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "FAST_HOURLY", new StreamStats("cam"))) {
            QueueFileGrower grower = new QueueFileGrower(List.of(cam), Duration.ofSeconds(1), true, () -> now);
            RecordSink sink = cam.newSink();
            append(sink, 6, 200_000);
            File f = file(cam);
            try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
                raf.setLength(512 * MB);   // sparse: no blocks
            }
            assertEquals(0, grower.doWork(), "far enough ahead already");
            assertEquals(512 * MB, f.length());

            int cycle = cam.cycleFiles().get(0).cycle();
            cam.publishWritePosition(cycle + 1, 2048 * MB);   // a position in a file that is not there
            assertEquals(0, grower.doWork());
            assertEquals(512 * MB, f.length(), "the position of another cycle's file does not extend this one");
            assertEquals(0, grower.failures());
            grower.onClose();
        }
    }

    @Test
    void extendingHoldsTheSameMonitorChronicleHoldsWhileItExtendsTheFile() throws Exception {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "FAST_HOURLY", new StreamStats("cam"))) {
            RecordSink sink = cam.newSink();
            append(sink, 1, 1000);
            ExcerptAppender appender = cam.chronicle().createAppender();
            try (var dc = appender.writingDocument()) {
                MappedFile mapped = ((MappedBytes) dc.wire().bytes()).mappedFile();
                var token = MappedFile.class.getDeclaredMethod("internalizedToken");
                token.setAccessible(true);
                // a Chronicle upgrade that changes its token would let both extend the file at once: fail here
                assertSame(token.invoke(mapped), file(cam).getCanonicalPath().intern());
                dc.rollbackOnClose();
            }
            appender.close();
        }
    }

    @Test
    void aPreallocatedTailIsGivenBackOnceTheWriterIsInTheNextFileAndNoRecordIsLost() throws Exception {
        try (CaptureQueue cam = new CaptureQueue(dataDir, "cam", "TEST_SECONDLY", new StreamStats("cam"))) {
            QueueFileGrower grower = new QueueFileGrower(List.of(cam), Duration.ofSeconds(1), true, () -> now);
            RecordSink sink = cam.newSink();
            long usable = dataDir.toFile().getUsableSpace();
            append(sink, 6, 200_000);
            File first = file(cam);
            assertEquals(1, grower.doWork());
            long chunk = cam.chunkBytes();
            assertTrue(first.length() >= 4 * chunk, "grown ahead: " + first.length());
            assertTrue(usable - dataDir.toFile().getUsableSpace() >= 3 * chunk,
                    "the margin's blocks are allocated, not a hole: free space fell by "
                            + (usable - dataDir.toFile().getUsableSpace()));
            long dataEnd = FileSpace.dataEnd(first);
            assertTrue(dataEnd >= 1_200_000 && dataEnd < first.length() - 2 * chunk, "data ends at " + dataEnd);

            // the next cycle: the writer is in a new file, and what it did not reach of the first goes back
            long cycle = cam.cycleFiles().get(0).cycle();
            while (cam.chronicle().cycle() == cycle) {
                Thread.sleep(20);
            }
            append(sink, 2, 200_000);
            assertNotEquals(first, file(cam));
            grower.doWork();
            // the new file was preallocated in the same step; without the release both whole files would be held
            long held = usable - dataDir.toFile().getUsableSpace();
            long bothFiles = first.length() + file(cam).length();
            assertTrue(held < bothFiles - 2 * chunk, "blocks held " + held + ", both files " + bothFiles);
            assertTrue(grower.releasedBytes() >= first.length() - dataEnd - 128 * 1024,
                    "released " + grower.releasedBytes() + " of a " + (first.length() - dataEnd) + "-byte tail");
            assertEquals(dataEnd, FileSpace.dataEnd(first), "nothing written was given back");
            List<CaptureQueueTest.Read> read = CaptureQueueTest.readAll(cam);
            assertEquals(8, read.size(), "every record is still there");
            for (int i = 0; i < 8; i++) {
                assertEquals(i, read.get(i).seq());
                assertEquals(200_000, read.get(i).payload().length);
            }
            assertEquals(0, grower.failures());
            grower.onClose();

            // a later start gives back the tails of files an earlier run finished
            long released = FileSpace.dataEnd(file(cam));
            File second = file(cam);
            while (cam.chronicle().cycle() == cycle + 1) {
                Thread.sleep(20);
            }
            append(sink, 1, 1000);
            QueueFileGrower restarted = new QueueFileGrower(List.of(cam), Duration.ofSeconds(1), true, () -> now);
            restarted.doWork();
            assertTrue(restarted.releasedBytes() >= second.length() - released - 128 * 1024);
            assertEquals(9, CaptureQueueTest.readAll(cam).size());
            restarted.onClose();
        }
    }
}
