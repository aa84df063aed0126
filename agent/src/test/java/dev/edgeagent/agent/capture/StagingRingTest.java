package dev.edgeagent.agent.capture;

import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class StagingRingTest {

    @TempDir
    Path dataDir;

    private static UnsafeBuffer payload(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return new UnsafeBuffer(b);
    }

    @Test
    void stagedRecordsReachTheQueueOnlyThroughTheWriterInOrderAndByteForByte() {
        try (CaptureQueue q = new CaptureQueue(dataDir, "cam0", "FAST_HOURLY", new StreamStats("cam0"));
             StagingRing ring = new StagingRing(q, 1 << 20)) {
            UnsafeBuffer key = new UnsafeBuffer("xxcam0".getBytes(StandardCharsets.UTF_8));
            assertTrue(ring.append(42L, 100L, 200L, key, 2, 4, payload(300, 1), 0, 300));
            assertTrue(ring.append(RecordSink.NO_SENSOR_TIME, 101L, 201L, key, 0, 0, payload(70_000, 2), 5, 60_000));
            assertTrue(ring.flush());
            assertEquals(List.of(), CaptureQueueTest.readAll(q), "staged, not yet written by the writer");
            assertFalse(ring.isEmpty());

            assertEquals(2, ring.drain(1024, 1 << 20));
            assertTrue(ring.isEmpty());
            List<CaptureQueueTest.Read> all = CaptureQueueTest.readAll(q);
            assertEquals(2, all.size());
            assertEquals(0, all.get(0).seq());
            assertEquals(42L, all.get(0).sensor());
            assertEquals(100L, all.get(0).wall());
            assertEquals(200L, all.get(0).mono());
            assertEquals("cam0", all.get(0).key());
            assertArrayEquals(bytes(payload(300, 1), 0, 300), all.get(0).payload());
            assertEquals(1, all.get(1).seq());
            assertEquals(RecordSink.NO_SENSOR_TIME, all.get(1).sensor());
            assertEquals("", all.get(1).key());
            assertArrayEquals(bytes(payload(70_000, 2), 5, 60_000), all.get(1).payload());
            assertEquals(2, q.stats().records(), "counted once durable");
        }
    }

    @Test
    void aFullRingRefusesAndCountsUntilTheWriterCatchesUp() {
        try (CaptureQueue q = new CaptureQueue(dataDir, "lidar", "FAST_HOURLY", new StreamStats("lidar"));
             StagingRing ring = new StagingRing(q, StagingRing.MIN_CAPACITY)) {
            UnsafeBuffer p = payload(4000, 3);
            int accepted = 0;
            while (ring.append(1L, 2L, 3L, p, 0, 0, p, 0, p.capacity())) {
                accepted++;
            }
            assertTrue(accepted > 10 && accepted < 17, "a 64 KiB ring holds about 16 records of 4 KB: " + accepted);
            assertEquals(1, ring.refusedFull());
            assertEquals(1, q.stats().refused());
            assertTrue(ring.highWaterBytes() > 60_000);

            // the writer takes at most its byte budget per cycle: the first record that reaches it ends the cycle
            assertEquals(3, ring.drain(1024, 10_000));
            assertTrue(ring.append(1L, 2L, 3L, p, 0, 0, p, 0, p.capacity()), "room again");
            int rest = 0;
            while (!ring.isEmpty()) {
                rest += ring.drain(1024, 1 << 20);
            }
            assertEquals(accepted + 1, 3 + rest);
            assertEquals(accepted + 1, CaptureQueueTest.readAll(q).size());
        }
    }

    @Test
    void aClosedAdmissionRefusesAtTheSourceButStagedRecordsStillReachTheQueue() {
        try (CaptureQueue q = new CaptureQueue(dataDir, "can0", "FAST_HOURLY", new StreamStats("can0"));
             StagingRing ring = new StagingRing(q, 1 << 20)) {
            UnsafeBuffer p = payload(16, 4);
            assertTrue(ring.append(1L, 2L, 3L, p, 0, 0, p, 0, 16));
            q.admission().reject("quota reached");
            assertFalse(ring.append(1L, 2L, 3L, p, 0, 0, p, 0, 16));
            assertEquals(1, q.admission().rejected());
            assertEquals(1, ring.drain(1024, 1 << 20), "admitted before the quota closed: written");
            assertEquals(1, CaptureQueueTest.readAll(q).size());
        }
    }

    @Test
    void aSourceThreadAndAWriterThreadMoveEveryRecordInOrder() throws Exception {
        try (CaptureQueue q = new CaptureQueue(dataDir, "imu", "FAST_HOURLY", new StreamStats("imu"));
             StagingRing ring = new StagingRing(q, 256 * 1024)) {
            int records = 50_000;
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                while (!done.get() || !ring.isEmpty()) {
                    written.addAndGet(ring.drain(1024, 64 * 1024));
                }
            });
            writer.start();
            UnsafeBuffer p = new UnsafeBuffer(new byte[48]);
            for (int i = 0; i < records; i++) {
                p.putInt(0, i);
                while (!ring.append(i, i, i, p, 0, 0, p, 0, 48)) {
                    Thread.onSpinWait();   // full: the writer is behind; a synthetic source offers it again
                }
            }
            done.set(true);
            writer.join(30_000);
            assertFalse(writer.isAlive());
            assertEquals(records, written.get());
            List<CaptureQueueTest.Read> all = CaptureQueueTest.readAll(q);
            assertEquals(records, all.size());
            for (int i = 0; i < records; i++) {
                assertEquals(i, all.get(i).seq());
                assertEquals(i, new UnsafeBuffer(all.get(i).payload()).getInt(0));
            }
        }
    }

    @Test
    void ringSizesArePowersOfTwoThatHoldEightOfTheLargestRecords() {
        assertEquals(StagingRing.MIN_CAPACITY, StagingRing.ringCapacity(1));
        assertEquals(8 << 20, StagingRing.ringCapacity(8 << 20));
        assertEquals(16 << 20, StagingRing.ringCapacity((8 << 20) + 1));
        assertTrue(StagingRing.holds(8 << 20, 325_000), "a camera frame of 325 KB fits an 8 MiB ring");
        assertFalse(StagingRing.holds(8 << 20, 4 << 20), "a 4 MiB frame does not");
    }

    private static byte[] bytes(UnsafeBuffer b, int offset, int length) {
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }
}
