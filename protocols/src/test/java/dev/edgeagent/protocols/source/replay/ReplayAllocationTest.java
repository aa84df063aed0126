package dev.edgeagent.protocols.source.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steady state allocates nothing per record: the JVM's per-thread allocation counter over thousands of records
 * of one long file, after a warm-up run, must stay below one byte per record (JIT deoptimisation and the counter's
 * own calls leave a few hundred bytes of noise; a single allocation per record would be 16+ bytes each).
 */
class ReplayAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Agrona's SystemEpochNanoClock goes through Instant.now(), an allocation that only C2's escape analysis
     * removes; a clock without one keeps this check about the replay code, whatever the JIT has done so far.
     */
    private static final EpochNanoClock WALL = () -> System.currentTimeMillis() * 1_000_000L;

    @TempDir
    Path dir;

    /** Counts and checksums, allocates nothing. */
    static final class CountingSink implements RecordSink {
        long records;
        long sum;

        @Override
        public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs, DirectBuffer key, int keyOffset,
                              int keyLength, DirectBuffer payload, int payloadOffset, int payloadLength) {
            records++;
            sum += payload.getByte(payloadOffset + payloadLength - 1) + sensorTimeNs + keyLength;
            return true;
        }
    }

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Runs {@code source} one record per doWork; returns the bytes allocated over records [from, to). */
    private static long allocatedBetween(ReplaySource source, CountingSink sink, long from, long to) {
        while (sink.records < from) {
            source.doWork();
        }
        long before = allocatedBytes();
        while (sink.records < to) {
            source.doWork();
        }
        return allocatedBytes() - before;
    }

    @Test
    void pcapReplayAllocatesNothingPerPacket() throws IOException {
        // a long capture: the VLP-16 sample's packets 100 times over (10 000 packets)
        byte[] original = Files.readAllBytes(TestData.sample("lidar/velodyne_vlp16.pcap"));
        byte[] records = Arrays.copyOfRange(original, 24, original.length);
        byte[] big = new byte[24 + records.length * 100];
        System.arraycopy(original, 0, big, 0, 24);
        for (int i = 0; i < 100; i++) {
            System.arraycopy(records, 0, big, 24 + i * records.length, records.length);
        }
        Path file = dir.resolve("long.pcap");
        Files.write(file, big);
        for (int round = 0; round < 2; round++) { // the first round warms up
            CountingSink sink = new CountingSink();
            PcapReplaySource s = new PcapReplaySource(PcapReplaySettings.of(file, 2368, 8308).withMaxRecordsPerWork(1),
                    sink, BadInputListener.IGNORE, WALL, System::nanoTime);
            long bytes = allocatedBetween(s, sink, 1_000, 9_000);
            if (round == 1) {
                assertTrue(bytes < 8_000, "allocated " + bytes + " bytes over 8000 packets");
            }
            while (!s.exhausted()) {
                s.doWork();
            }
            assertEquals(10_000, s.recordsAppended());
            s.onClose();
        }
    }

    @Test
    void candumpReplayAllocatesNothingPerLine() throws IOException {
        List<String> lines = Files.readAllLines(TestData.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log"));
        for (int round = 0; round < 2; round++) {
            CountingSink sink = new CountingSink();
            CandumpReplaySource s = new CandumpReplaySource(CandumpReplaySettings.of(TestData.sample(
                    "can/honda_civic_typer_2019_turnonanddrive.candump.log"), "can0").withMaxRecordsPerWork(1), sink,
                    BadInputListener.IGNORE, WALL, System::nanoTime);
            long bytes = allocatedBetween(s, sink, 1_000, 28_000);
            if (round == 1) {
                assertTrue(bytes < 27_000, "allocated " + bytes + " bytes over 27000 lines");
            }
            while (!s.exhausted()) {
                s.doWork();
            }
            assertEquals(lines.size(), s.recordsAppended());
            s.onClose();
        }
    }
}
