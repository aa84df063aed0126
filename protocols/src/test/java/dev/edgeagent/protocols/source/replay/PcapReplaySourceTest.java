package dev.edgeagent.protocols.source.replay;

import static dev.edgeagent.protocols.testing.PcapBuilder.classicHeader;
import static dev.edgeagent.protocols.testing.PcapBuilder.classicRecord;
import static dev.edgeagent.protocols.testing.PcapBuilder.concat;
import static dev.edgeagent.protocols.testing.PcapBuilder.enhancedPacket;
import static dev.edgeagent.protocols.testing.PcapBuilder.ethernetHeader;
import static dev.edgeagent.protocols.testing.PcapBuilder.ethernetUdp;
import static dev.edgeagent.protocols.testing.PcapBuilder.interfaceBlock;
import static dev.edgeagent.protocols.testing.PcapBuilder.ipv4Fragments;
import static dev.edgeagent.protocols.testing.PcapBuilder.pattern;
import static dev.edgeagent.protocols.testing.PcapBuilder.sectionHeader;
import static dev.edgeagent.protocols.testing.PcapBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.CollectingSink.Captured;
import dev.edgeagent.protocols.testing.SimplePcap;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReplaySourceTest {

    static final Path OUSTER = TestData.sample("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap");
    static final Path VLP16 = TestData.sample("lidar/velodyne_vlp16.pcap");
    static final Path VLP32 = TestData.sample("lidar/velodyne_vlp32.pcap");
    static final long WALL = 1_800_000_000_000_000_000L;

    @TempDir
    Path dir;

    final List<String> bad = new ArrayList<>();
    final AtomicLong mono = new AtomicLong(1_000);
    final NanoClock monoClock = mono::get;

    PcapReplaySource source(PcapReplaySettings settings, RecordSink sink) {
        return new PcapReplaySource(settings, sink, (kind, offset, detail) -> bad.add(kind + "@" + offset + " " + detail),
                () -> WALL, monoClock);
    }

    /** Runs to exhaustion; returns the doWork calls made. */
    static int drain(ReplaySource s) {
        int calls = 0;
        while (!s.exhausted()) {
            s.doWork();
            if (++calls > 1_000_000) {
                throw new AssertionError("source never exhausted");
            }
        }
        return calls;
    }

    static void assertRecordsEqual(List<SimplePcap.Packet> expected, List<Captured> got) {
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).udpPayload(), got.get(i).payload(), "record " + i);
            assertEquals(expected.get(i).timestampNanos(), got.get(i).sensorTimeNs(), "record " + i);
            assertEquals(0, got.get(i).key().length);
        }
    }

    @Test
    void ousterLidarPortOnlyByteForByte() throws IOException {
        List<SimplePcap.Packet> expected = SimplePcap.toPort(SimplePcap.read(OUSTER), 7502);
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(OUSTER, 7502), sink);
        assertFalse(s.exhausted());
        drain(s);
        assertEquals(192, expected.size());
        assertRecordsEqual(expected, sink.records());
        assertTrue(sink.records().stream().allMatch(c -> c.payload().length == 8448));
        assertTrue(sink.records().stream().allMatch(c -> c.receiveWallNs() == WALL && c.receiveMonoNs() == 1_000));
        assertEquals(192, s.recordsAppended());
        assertEquals(192L * 8448, s.payloadBytes());
        assertEquals(30, s.filteredOut());
        assertEquals(0, s.badInputs());
        assertEquals(1, s.passesCompleted());
        assertEquals(0, s.doWork(), "nothing left to do");
        assertEquals(List.of(), bad);
    }

    @Test
    void allUdpWhenNoPortsAreGiven() throws IOException {
        CollectingSink sink = new CollectingSink();
        drain(source(PcapReplaySettings.of(OUSTER), sink));
        List<SimplePcap.Packet> all = SimplePcap.read(OUSTER);
        assertRecordsEqual(all, sink.records());
        assertEquals(222, sink.size());
        assertEquals(30, sink.records().stream().filter(c -> c.payload().length == 48).count());
    }

    @Test
    void velodyneDataAndPositionPorts() throws IOException {
        for (Object[] c : new Object[][] {{VLP16, 84, 16}, {VLP32, 91, 9}}) {
            Path file = (Path) c[0];
            CollectingSink sink = new CollectingSink();
            PcapReplaySource s = source(PcapReplaySettings.of(file, 2368, 8308), sink);
            drain(s);
            List<SimplePcap.Packet> all = SimplePcap.read(file);
            assertRecordsEqual(all, sink.records());
            assertEquals((int) c[1], sink.records().stream().filter(r -> r.payload().length == 1206).count());
            assertEquals((int) c[2], sink.records().stream().filter(r -> r.payload().length == 512).count());
            assertEquals(0, s.badInputs());
        }
        CollectingSink positions = new CollectingSink();
        drain(source(PcapReplaySettings.of(VLP16, 8308), positions));
        assertRecordsEqual(SimplePcap.toPort(SimplePcap.read(VLP16), 8308), positions.records());
    }

    @Test
    void boundedBatchesPerDoWork() {
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(OUSTER).withMaxRecordsPerWork(10), sink);
        int calls = 0;
        int before = 0;
        while (!s.exhausted()) {
            int work = s.doWork();
            calls++;
            assertTrue(sink.size() - before <= 10, "at most 10 records per doWork");
            assertTrue(work <= 11, "work " + work);
            before = sink.size();
        }
        assertEquals(222, sink.size());
        assertTrue(calls >= 23, "calls " + calls);
    }

    @Test
    void skipRecordsResumesWithTheTailOfAFullRun() {
        CollectingSink full = new CollectingSink();
        drain(source(PcapReplaySettings.of(OUSTER, 7502, 7503), full));
        CollectingSink tail = new CollectingSink();
        PcapReplaySource resumed = source(PcapReplaySettings.of(OUSTER, 7502, 7503), tail);
        resumed.skipRecords(77);
        drain(resumed);
        assertEquals(77, resumed.recordsSkipped());
        assertEquals(full.size() - 77, tail.size());
        for (int i = 0; i < tail.size(); i++) {
            assertArrayEquals(full.records().get(77 + i).payload(), tail.records().get(i).payload());
            assertEquals(full.records().get(77 + i).sensorTimeNs(), tail.records().get(i).sensorTimeNs());
        }
        assertEquals(222, resumed.position());
    }

    @Test
    void loopingCountsAcrossPassesAndResumesThere() {
        CollectingSink looped = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(VLP16, 8308).withLoop(true), looped);
        while (looped.size() < 40) {
            s.doWork();
        }
        assertFalse(s.exhausted());
        assertTrue(s.passesCompleted() >= 2);
        List<Captured> records = looped.records();
        for (int i = 16; i < 40; i++) {
            assertArrayEquals(records.get(i % 16).payload(), records.get(i).payload(), "record " + i);
        }
        // resume at 35 = pass 3, record 3
        CollectingSink resumed = new CollectingSink();
        PcapReplaySource r = source(PcapReplaySettings.of(VLP16, 8308).withLoop(true), resumed);
        r.skipRecords(35);
        while (resumed.size() < 5) {
            r.doWork();
        }
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(records.get(35 + i).payload(), resumed.records().get(i).payload());
        }
    }

    @Test
    void refusedAppendsAreRetriedNeverLost() {
        CollectingSink sink = new CollectingSink();
        sink.hook(call -> call % 3 != 1); // refuse every third call
        PcapReplaySource s = source(PcapReplaySettings.of(VLP16, 2368, 8308), sink);
        drain(s);
        CollectingSink reference = new CollectingSink();
        drain(source(PcapReplaySettings.of(VLP16, 2368, 8308), reference));
        assertEquals(100, sink.size());
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(reference.records().get(i).payload(), sink.records().get(i).payload());
        }
        assertTrue(s.appendsRefused() > 30);
        assertEquals(sink.refusals(), s.appendsRefused());
        assertEquals(100, s.recordsAppended());
    }

    @Test
    void aRefusingSinkStopsTheSourceUntilItAcceptsAgain() {
        CollectingSink sink = new CollectingSink();
        sink.refuse(true);
        PcapReplaySource s = source(PcapReplaySettings.of(VLP16), sink);
        for (int i = 0; i < 50; i++) {
            s.doWork();
        }
        assertEquals(0, sink.size());
        assertEquals(50, s.appendsRefused(), "one attempt per duty cycle");
        assertFalse(s.exhausted());
        sink.refuse(false);
        drain(s);
        assertEquals(100, sink.size());
    }

    @Test
    void originalTimingWaitsForEachPacketsDueTime() throws IOException {
        List<SimplePcap.Packet> expected = SimplePcap.read(VLP16);
        long t0 = expected.get(0).timestampNanos();
        for (double speed : new double[] {1.0, 2.0}) {
            CollectingSink sink = new CollectingSink();
            mono.set(5_000);
            PcapReplaySource s = source(PcapReplaySettings.of(VLP16).withPacing(ReplayPacing.originalTiming(speed)),
                    sink);
            int zeroWork = 0;
            for (int i = 0; i < expected.size(); i++) {
                long due = 5_000 + (long) ((expected.get(i).timestampNanos() - t0) / speed);
                if (mono.get() < due) {
                    // not due yet: doWork does nothing, however often it is called
                    for (int k = 0; k < 3; k++) {
                        assertEquals(0, s.doWork());
                        zeroWork++;
                    }
                    assertEquals(i, sink.size(), "speed " + speed + ": nothing before packet " + i + " is due");
                    assertEquals(due - mono.get(), s.nanosUntilDue());
                    mono.set(due);
                }
                s.doWork();
                assertTrue(sink.size() >= i + 1, "packet " + i + " delivered once due");
            }
            drain(s);
            assertEquals(100, sink.size());
            assertTrue(zeroWork >= 3 * 90, "most packets had to be waited for: " + zeroWork);
            assertEquals(expected.get(99).timestampNanos(), sink.records().get(99).sensorTimeNs());
        }
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void truncatedCaptureDeliversEverythingBeforeTheCut() throws IOException {
        List<SimplePcap.Packet> all = SimplePcap.read(OUSTER);
        SimplePcap.Packet cut = all.get(150);
        Path file = dir.resolve("cut.pcap");
        Files.write(file, Arrays.copyOf(Files.readAllBytes(OUSTER), (int) cut.fileOffset() + 16 + 4000));
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(file), sink);
        drain(s);
        assertRecordsEqual(all.subList(0, 150), sink.records());
        assertEquals(1, s.badInputs());
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("truncated-packet@" + cut.fileOffset() + " "), bad.get(0));
    }

    @Test
    void garbageAndMissingFilesAreReportedOnceAndTheSourceIsExhausted() throws IOException {
        Path garbage = dir.resolve("garbage.pcap");
        byte[] junk = new byte[5000];
        new java.util.Random(1).nextBytes(junk);
        junk[0] = 0x12;
        Files.write(garbage, junk);
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(garbage), sink);
        drain(s);
        assertEquals(0, sink.size());
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("not-pcap@0 "), bad.get(0));
        assertTrue(bad.get(0).contains("found magic bytes 12 "), bad.get(0));

        bad.clear();
        PcapReplaySource missing = source(PcapReplaySettings.of(dir.resolve("nope.pcap")).withLoop(true), sink);
        for (int i = 0; i < 5; i++) {
            missing.doWork();
        }
        assertTrue(missing.exhausted());
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("unreadable-file@-1 "), bad.get(0));
        assertEquals(1, missing.badInputs());
    }

    @Test
    void wrongRecordLengthCostsOnlyThatPacket() throws IOException {
        List<SimplePcap.Packet> all = SimplePcap.read(VLP32);
        byte[] bytes = Files.readAllBytes(VLP32);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) all.get(33).fileOffset() + 8, 0x00FFFFFF);
        Path file = dir.resolve("badlen.pcap");
        Files.write(file, bytes);
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(file), sink);
        drain(s);
        List<SimplePcap.Packet> rest = new ArrayList<>(all);
        rest.remove(33);
        assertRecordsEqual(rest, sink.records());
        assertEquals(1, bad.size(), bad.toString());
        assertTrue(bad.get(0).startsWith("bad-block-length@" + all.get(33).fileOffset() + " "), bad.get(0));
    }

    @Test
    void malformedFrameIsReportedWithItsFileOffsetAndTheRestIsPlayed() throws IOException {
        byte[] good1 = ethernetUdp(1, 7502, pattern(100, 1));
        byte[] broken = ethernetUdp(1, 7502, pattern(100, 2));
        broken[14] = 0x42; // IHL 2
        byte[] good2 = ethernetUdp(1, 7502, pattern(100, 3));
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        byte[] head = concat(classicHeader(le, false, 65535, 1), classicRecord(le, 1, 0, good1));
        Path file = dir.resolve("malformed.pcap");
        Files.write(file, concat(head, classicRecord(le, 2, 0, broken), classicRecord(le, 3, 0, good2)));
        CollectingSink sink = new CollectingSink();
        drain(source(PcapReplaySettings.of(file), sink));
        assertEquals(2, sink.size());
        assertArrayEquals(pattern(100, 3), sink.records().get(1).payload());
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("malformed-ip-header@" + head.length + " "), bad.get(0));
        assertTrue(bad.get(0).contains("at byte 14 of the frame"), bad.get(0));
    }

    // ---------------------------------------------------------------- synthesized captures

    @Test
    void fragmentedOusterSizedDatagramInAPcapngWithNanosecondResolution() throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        byte[] lidar = pattern(8448, 9);
        byte[][] frags = ipv4Fragments(17, 0x77, udp(7502, 7502, lidar), 1500);
        long t = 1_650_000_000_123_456_789L;
        List<byte[]> blocks = new ArrayList<>();
        blocks.add(sectionHeader(le));
        blocks.add(interfaceBlock(le, 1, 65535, 9, 0));
        for (int i = 0; i < frags.length; i++) {
            blocks.add(enhancedPacket(le, 0, t + i * 1000, concat(ethernetHeader(0x0800), frags[i])));
        }
        blocks.add(enhancedPacket(le, 0, t + 10_000, ethernetUdp(7503, 7503, pattern(48, 1))));
        Path file = dir.resolve("fragments.pcapng");
        Files.write(file, concat(blocks.toArray(new byte[0][])));
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(file, 7502), sink);
        drain(s);
        assertEquals(1, sink.size());
        assertArrayEquals(lidar, sink.records().get(0).payload());
        assertEquals(t + 5000, sink.records().get(0).sensorTimeNs(), "the time of the completing fragment");
        assertEquals(1, s.filteredOut());
        assertEquals(List.of(), bad);
    }

    @Test
    void fragmentsThatNeverCompleteAreReportedAtTheEnd() throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        byte[][] frags = ipv4Fragments(17, 0x78, udp(7502, 7502, pattern(4000, 1)), 1500);
        byte[] head = concat(classicHeader(le, true, 65535, 101), classicRecord(le, 5, 0, frags[0]));
        Path file = dir.resolve("lost-fragment.pcap");
        Files.write(file, concat(head, classicRecord(le, 5, 10, frags[2])));
        CollectingSink sink = new CollectingSink();
        PcapReplaySource s = source(PcapReplaySettings.of(file), sink);
        drain(s);
        assertEquals(0, sink.size());
        assertEquals(1, bad.size());
        assertTrue(bad.get(0).startsWith("incomplete-datagram@24 "), bad.get(0));
        assertEquals(1, s.badInputs());
    }
}
