package dev.edgeagent.protocols.source.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.CollectingSink.Captured;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SyntheticSourceTest {

    /** A clock the test moves by hand: pacing is checked without wall time. */
    private static final class ManualClock implements NanoClock, EpochNanoClock {
        long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void recordsHaveTheSetSizeKeySequenceTimeAndAVerifiableFiller() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(
                SyntheticSourceSettings.of(203).withCount(100).withKey("synthetic/camera"), sink, clock, clock);
        drain(source);

        List<Captured> got = sink.records();
        assertEquals(100, got.size());
        for (int i = 0; i < got.size(); i++) {
            Captured c = got.get(i);
            assertEquals(203, c.payload().length);
            assertEquals("synthetic/camera", c.keyString());
            UnsafeBuffer payload = new UnsafeBuffer(c.payload());
            assertEquals(i, source.verify(payload, 0, c.payload().length));
            assertEquals(clock.now, SyntheticSource.generationTimeNs(payload, 0));
            assertEquals(clock.now, c.receiveWallNs());
            assertEquals(clock.now, c.sensorTimeNs(), "generation time is the sensor time");
        }
        assertEquals(100, source.recordsGenerated());
        assertEquals(100L * 203, source.payloadBytesGenerated());
    }

    @Test
    void fillerIsAPureFunctionOfSequenceAndPositionAndAnyWrongByteIsFound() {
        UnsafeBuffer a = new UnsafeBuffer(new byte[100]);
        UnsafeBuffer b = new UnsafeBuffer(new byte[100]);
        SyntheticSource.fill(a, 0, 100, 42, 7);
        SyntheticSource.fill(b, 0, 100, 42, 7);
        assertArrayEquals(a.byteArray(), b.byteArray());
        SyntheticSource.fill(b, 0, 100, 43, 7);
        assertFalse(java.util.Arrays.equals(a.byteArray(), b.byteArray()), "another sequence, another filler");

        for (int pos : new int[] {16, 23, 24, 95, 96, 99}) {
            UnsafeBuffer copy = new UnsafeBuffer(a.byteArray().clone());
            copy.putByte(pos, (byte) (copy.getByte(pos) ^ 0x10));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SyntheticSource.verifyPattern(copy, 0, 100));
            assertTrue(e.getMessage().contains("record 42: byte " + pos + " "), e.getMessage());
        }
        // the pattern does not depend on the record length: a shorter record is a prefix
        UnsafeBuffer shorter = new UnsafeBuffer(new byte[37]);
        SyntheticSource.fill(shorter, 0, 37, 42, 7);
        assertArrayEquals(java.util.Arrays.copyOf(a.byteArray(), 37), shorter.byteArray());
        assertThrows(IllegalArgumentException.class, () -> SyntheticSource.verifyPattern(a, 0, 15));
    }

    @Test
    void countEndsTheSourceAndExhaustedSaysSo() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(
                SyntheticSourceSettings.of(16).withCount(10).withMaxRecordsPerWork(4), sink, clock, clock);
        assertFalse(source.exhausted());
        assertEquals(4, source.doWork());
        assertEquals(4, source.doWork());
        assertFalse(source.exhausted());
        assertEquals(2, source.doWork());
        assertTrue(source.exhausted());
        assertEquals(0, source.doWork());
        assertEquals(10, sink.size());
        assertEquals(-1, source.nanosUntilDue());
    }

    @Test
    void skipRecordsResumesWithThatSequence() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(SyntheticSourceSettings.of(64).withCount(100), sink, clock, clock);
        source.skipRecords(40);
        assertEquals(40, source.nextSequence());
        drain(source);
        List<Captured> got = sink.records();
        assertEquals(60, got.size(), "the count is a total over restarts");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(40 + i, source.verify(new UnsafeBuffer(got.get(i).payload()), 0, 64));
        }
        assertTrue(source.exhausted());
        assertThrows(IllegalArgumentException.class, () -> source.skipRecords(-1));
    }

    @Test
    void jitterStaysWithinBoundsSpreadsOutAndIsDeterministic() {
        SyntheticSourceSettings settings = SyntheticSourceSettings.of(100_000).withSizeJitterPercent(30);
        SyntheticSource a = new SyntheticSource(settings, new CollectingSink(), clock, clock);
        SyntheticSource b = new SyntheticSource(settings, new CollectingSink(), clock, clock);
        int min = Integer.MAX_VALUE;
        int max = 0;
        double sum = 0;
        int n = 20_000;
        for (long seq = 0; seq < n; seq++) {
            int size = a.recordSize(seq);
            assertTrue(size >= 70_000 && size <= 130_000, "size " + size + " of record " + seq);
            assertEquals(size, b.recordSize(seq), "deterministic from the sequence");
            min = Math.min(min, size);
            max = Math.max(max, size);
            sum += size;
        }
        assertTrue(min < 71_000 && max > 129_000, "uses the whole range: " + min + ".." + max);
        assertEquals(100_000, sum / n, 1_000, "mean near the set size");

        // generated records have those sizes and verify
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(
                SyntheticSourceSettings.of(1000).withSizeJitterPercent(30).withCount(200), sink, clock, clock);
        drain(source);
        for (Captured c : sink.records()) {
            long seq = source.verify(new UnsafeBuffer(c.payload()), 0, c.payload().length);
            assertEquals(source.recordSize(seq), c.payload().length);
        }
        // small records never go below the header
        SyntheticSource tiny = new SyntheticSource(SyntheticSourceSettings.of(16).withSizeJitterPercent(100),
                new CollectingSink(), clock, clock);
        for (long seq = 0; seq < 1000; seq++) {
            assertTrue(tiny.recordSize(seq) >= SyntheticSource.HEADER_LENGTH);
        }
    }

    @Test
    void refusedAppendsAreRetriedWithTheSameSequenceNeverSkipped() {
        CollectingSink sink = new CollectingSink();
        sink.hook(call -> call % 3 != 1); // every third call refused
        SyntheticSource source = new SyntheticSource(SyntheticSourceSettings.of(32).withCount(50), sink, clock, clock);
        int calls = 0;
        while (!source.exhausted()) {
            source.doWork();
            assertTrue(++calls < 1000);
        }
        List<Captured> got = sink.records();
        assertEquals(50, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i, SyntheticSource.sequence(new UnsafeBuffer(got.get(i).payload()), 0));
        }
        assertEquals(sink.refusals(), source.recordsRefused());
        assertTrue(source.recordsRefused() > 0);
    }

    @Test
    void pacingMakesRecordsWhenDueAndNothingInBetween() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(
                SyntheticSourceSettings.of(16).withRate(10).withMaxRecordsPerWork(4), sink, clock, clock);
        assertEquals(1, source.doWork(), "the first record is due at once");
        for (int i = 0; i < 100; i++) {
            assertEquals(0, source.doWork(), "nothing due: doWork returns 0 and the runner idles");
        }
        assertEquals(100_000_000L, source.nanosUntilDue());
        clock.now += 99_999_999L;
        assertEquals(0, source.doWork());
        clock.now += 1;
        assertEquals(1, source.doWork(), "due 100 ms after the first");
        assertEquals(0, source.doWork());

        // after a stall of one second the source catches up, in bounded steps
        clock.now += 1_000_000_000L;
        assertEquals(4, source.doWork());
        assertEquals(4, source.doWork());
        assertEquals(2, source.doWork());
        assertEquals(0, source.doWork());
        assertEquals(12, sink.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(i, SyntheticSource.sequence(new UnsafeBuffer(sink.records().get(i).payload()), 0));
        }
    }

    @Test
    void aSensorBufferOfMaxLagDropsWhatIsTooLateAndLeavesAGap() {
        CollectingSink sink = new CollectingSink();
        // 10 records/s, a buffer of 250 ms: after a stall of one second, what is older than 250 ms is gone
        SyntheticSource source = new SyntheticSource(SyntheticSourceSettings.of(16).withRate(10)
                .withMaxLagNanos(250_000_000L), sink, clock, clock);
        assertEquals(1, source.doWork());   // sequence 0 at t=0
        clock.now += 1_000_000_000L;          // t=1 s: records 1..10 were due at 0.1..1.0 s
        while (source.doWork() > 0) {
            // drain what is due
        }
        List<Long> seqs = sink.records().stream()
                .map(c -> SyntheticSource.sequence(new UnsafeBuffer(c.payload()), 0)).toList();
        // due at 0.1 .. 0.7 s are more than 250 ms late at t=1 s: seven dropped; 0.8, 0.9, 1.0 s delivered
        assertEquals(List.of(0L, 8L, 9L, 10L), seqs);
        assertEquals(7, source.recordsDropped());
        assertEquals(4, source.recordsGenerated());
    }

    @Test
    void prefilledRecordsStampOnlyTheHeader() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(SyntheticSourceSettings.of(1000).withCount(3).withPrefilled(true),
                sink, clock, clock);
        drain(source);
        byte[] first = sink.records().get(0).payload();
        for (int i = 0; i < 3; i++) {
            byte[] p = sink.records().get(i).payload();
            assertEquals(i, SyntheticSource.sequence(new UnsafeBuffer(p), 0));
            assertArrayEquals(java.util.Arrays.copyOfRange(first, 16, 1000), java.util.Arrays.copyOfRange(p, 16, 1000),
                    "the filler is made once");
        }
    }

    @Test
    void unpacedWorkIsBoundedPerCall() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource small = new SyntheticSource(SyntheticSourceSettings.of(16).withMaxRecordsPerWork(7),
                sink, clock, clock);
        assertEquals(7, small.doWork());
        assertEquals(7, small.doWork());
        assertFalse(small.exhausted(), "count 0 runs forever");

        SyntheticSource big = new SyntheticSource(SyntheticSourceSettings.of(600_000).withMaxRecordsPerWork(100),
                new CollectingSink(), clock, clock);
        assertEquals(2, big.doWork(), "about 1 MiB per call");
    }

    @Test
    void noAllocationPerRecord() {
        RecordSink checking = new RecordSink() {
            long expected;

            @Override
            public boolean append(long sensorTimeNs, long receiveWallNs, long receiveMonoNs, DirectBuffer key,
                                  int keyOffset, int keyLength, DirectBuffer payload, int payloadOffset,
                                  int payloadLength) {
                if (SyntheticSource.sequence(payload, payloadOffset) != expected++) {
                    throw new AssertionError("out of sequence");
                }
                return true;
            }
        };
        SyntheticSource source = new SyntheticSource(
                SyntheticSourceSettings.of(256).withSizeJitterPercent(30).withKey("k"), checking);
        for (int i = 0; i < 20_000; i++) {
            source.doWork(); // warm up: JIT, lazy class loading
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        long records = source.recordsGenerated();
        for (int i = 0; i < 20_000; i++) {
            source.doWork();
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        records = source.recordsGenerated() - records;
        assertTrue(records >= 1_000_000, "records " + records);
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + records + " records");
    }

    @Test
    void settingsNameTheBadField() {
        assertField("recordSize", () -> SyntheticSourceSettings.of(15));
        assertField("sizeJitterPercent", () -> SyntheticSourceSettings.of(100).withSizeJitterPercent(101));
        assertField("recordsPerSecond", () -> SyntheticSourceSettings.of(100).withRate(-1));
        assertField("recordsPerSecond", () -> SyntheticSourceSettings.of(100).withRate(Double.NaN));
        assertField("count", () -> SyntheticSourceSettings.of(100).withCount(-1));
        assertField("maxRecordsPerWork", () -> SyntheticSourceSettings.of(100).withMaxRecordsPerWork(0));
        assertField("recordSize", () -> SyntheticSourceSettings.of(SyntheticSourceSettings.MAX_RECORD_SIZE)
                .withSizeJitterPercent(10));
    }

    @Test
    void noKeyMeansAnEmptyKey() {
        CollectingSink sink = new CollectingSink();
        SyntheticSource source = new SyntheticSource(SyntheticSourceSettings.of(16).withCount(1).withKey(""),
                sink, clock, clock);
        source.doWork();
        assertArrayEquals(new byte[0], sink.records().get(0).key());
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().startsWith(field + ":"), () -> "should name " + field + ": " + e.getMessage());
    }

    private static void drain(SyntheticSource source) {
        int calls = 0;
        while (!source.exhausted()) {
            source.doWork();
            if (++calls > 1_000_000) {
                throw new AssertionError("source never exhausted");
            }
        }
    }
}
