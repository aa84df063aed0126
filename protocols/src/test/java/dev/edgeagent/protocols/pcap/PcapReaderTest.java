package dev.edgeagent.protocols.pcap;

import static dev.edgeagent.protocols.testing.PcapBuilder.classicHeader;
import static dev.edgeagent.protocols.testing.PcapBuilder.classicRecord;
import static dev.edgeagent.protocols.testing.PcapBuilder.concat;
import static dev.edgeagent.protocols.testing.PcapBuilder.enhancedPacket;
import static dev.edgeagent.protocols.testing.PcapBuilder.interfaceBlock;
import static dev.edgeagent.protocols.testing.PcapBuilder.pattern;
import static dev.edgeagent.protocols.testing.PcapBuilder.sectionHeader;
import static dev.edgeagent.protocols.testing.PcapBuilder.simplePacket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.edgeagent.protocols.testing.PcapBuilder;
import dev.edgeagent.protocols.testing.SimplePcap;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcapReaderTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    @TempDir
    Path dir;

    record Read(long offset, long ts, int orig, int link, byte[] data) {
    }

    /** Reads everything, collecting errors instead of stopping. */
    static List<Read> readAll(PcapReader r, List<PcapFormatException> errors) {
        List<Read> out = new ArrayList<>();
        while (true) {
            try {
                if (!r.next()) {
                    return out;
                }
            } catch (PcapFormatException e) {
                errors.add(e);
                continue;
            }
            byte[] d = new byte[r.capturedLength()];
            r.data().getBytes(r.dataOffset(), d);
            out.add(new Read(r.fileOffset(), r.timestampNanos(), r.originalLength(), r.linkType(), d));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap", "lidar/velodyne_vlp16.pcap",
        "lidar/velodyne_vlp32.pcap"})
    void bundledCapturesMatchAnIndependentParse(String sample) throws IOException {
        Path file = TestData.sample(sample);
        List<SimplePcap.Packet> expected = SimplePcap.read(file);
        List<PcapFormatException> errors = new ArrayList<>();
        List<Read> got;
        try (PcapReader r = PcapReader.open(file)) {
            assertEquals(PcapReader.Format.PCAP, r.format());
            got = readAll(r, errors);
        }
        assertEquals(List.of(), errors);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            SimplePcap.Packet e = expected.get(i);
            Read g = got.get(i);
            assertEquals(e.fileOffset(), g.offset(), "packet " + i);
            assertEquals(e.timestampNanos(), g.ts(), "packet " + i);
            assertEquals(e.originalLength(), g.orig(), "packet " + i);
            assertEquals(1, g.link());
            assertArrayEquals(e.frame(), g.data(), "packet " + i);
        }
    }

    @Test
    void smallMaxBufferStillReadsOusterPacketsAndGrowsOnlyToTheLimit() throws IOException {
        Path file = TestData.sample("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap");
        List<PcapFormatException> errors = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file, 9000)) {
            assertEquals(SimplePcap.read(file).size(), readAll(r, errors).size());
        }
        assertEquals(List.of(), errors);
        // a limit below one packet: every big record is a typed error, the small ones (IMU, 48 B) still come
        errors.clear();
        try (PcapReader r = PcapReader.open(file, 4096)) {
            List<Read> got = readAll(r, errors);
            assertEquals(30, got.size());
            assertTrue(got.stream().allMatch(g -> g.data().length == 90), "IMU frames: 14 + 20 + 8 + 48 bytes");
        }
        assertEquals(192, errors.size());
        assertTrue(errors.stream().allMatch(e -> e.kind() == PcapFormatException.Kind.BAD_BLOCK_LENGTH));
    }

    @Test
    void bigEndianAndNanosecondClassicFiles() throws IOException {
        byte[] f1 = pattern(60, 1);
        byte[] f2 = pattern(1500, 2);
        Path be = write("be.pcap", concat(classicHeader(BE, false, 65535, 1),
                classicRecord(BE, 1_600_000_000L, 123_456, f1), classicRecord(BE, 1_600_000_001L, 999_999, f2)));
        Path ns = write("ns.pcap", concat(classicHeader(LE, true, 65535, 101),
                classicRecord(LE, 1_600_000_000L, 123_456_789, f1)));
        List<PcapFormatException> errors = new ArrayList<>();
        try (PcapReader r = PcapReader.open(be)) {
            assertEquals(BE, r.byteOrder());
            List<Read> got = readAll(r, errors);
            assertEquals(2, got.size());
            assertEquals(1_600_000_000_123_456_000L, got.get(0).ts());
            assertEquals(1_600_000_001_999_999_000L, got.get(1).ts());
            assertArrayEquals(f2, got.get(1).data());
            assertEquals(24 + 16 + 60, got.get(1).offset());
        }
        try (PcapReader r = PcapReader.open(ns)) {
            List<Read> got = readAll(r, errors);
            assertEquals(1_600_000_000_123_456_789L, got.get(0).ts());
            assertEquals(101, got.get(0).link());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void pcapngWithResolutionsOffsetsSimplePacketsUnknownBlocksAndTwoSections() throws IOException {
        byte[] a = pattern(61, 3);
        byte[] b = pattern(8, 4);
        byte[] c = pattern(100, 5);
        byte[] d = pattern(33, 6);
        byte[] e = pattern(42, 7);
        long t0 = 1_700_000_000L;
        byte[] section1 = concat(sectionHeader(LE),
                interfaceBlock(LE, 1, 65535, 9, 0),                  // if 0: ns
                interfaceBlock(LE, 113, 65535, 0x80 | 20, 1000),     // if 1: 2^-20 s, offset +1000 s
                PcapBuilder.block(LE, 0x00000BAD, pattern(17, 9)),   // a custom block: skipped
                enhancedPacket(LE, 0, t0 * 1_000_000_000L + 5, a),
                enhancedPacket(LE, 1, (t0 << 20) | (1 << 19), b),   // t0 + 0.5 s + 1000 s
                PcapBuilder.block(LE, 5, new byte[20]),              // interface statistics: skipped
                interfaceBlock(LE, 101, 65535, -1, 0));              // if 2: default µs
        byte[] section1b = concat(enhancedPacket(LE, 2, t0 * 1_000_000L + 7, c), simplePacket(LE, d));
        byte[] section2 = concat(sectionHeader(BE), interfaceBlock(BE, 1, 65535, 3, 0), // ms, big-endian
                enhancedPacket(BE, 0, t0 * 1000 + 250, e));
        Path file = write("multi.pcapng", concat(section1, section1b, section2));
        List<PcapFormatException> errors = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            assertEquals(PcapReader.Format.PCAPNG, r.format());
            List<Read> got = readAll(r, errors);
            assertEquals(List.of(), errors);
            assertEquals(5, got.size());
            assertEquals(t0 * 1_000_000_000L + 5, got.get(0).ts());
            assertEquals(1, got.get(0).link());
            assertArrayEquals(a, got.get(0).data());
            assertEquals((t0 + 1000) * 1_000_000_000L + 500_000_000L, got.get(1).ts());
            assertEquals(113, got.get(1).link());
            assertArrayEquals(b, got.get(1).data());
            assertEquals(t0 * 1_000_000_000L + 7_000, got.get(2).ts());
            assertEquals(101, got.get(2).link());
            assertArrayEquals(c, got.get(2).data());
            assertEquals(PcapReader.NO_TIMESTAMP, got.get(3).ts(), "simple packet blocks carry no time");
            assertEquals(1, got.get(3).link(), "simple packets belong to interface 0");
            assertArrayEquals(d, got.get(3).data());
            assertEquals(t0 * 1_000_000_000L + 250_000_000L, got.get(4).ts());
            assertArrayEquals(e, got.get(4).data());
            assertEquals(section1.length + section1b.length, sectionStart(file, 2));
            assertEquals(2, r.sections());
            assertEquals(BE, r.byteOrder());
        }
    }

    @Test
    void powerOfTwoResolutionKeepsNanosecondPrecision() throws IOException {
        // 2^-30 s units: 0.75 s = 3 << 28 units; 1 unit = 0.93 ns, so 1000 units = 931 ns (floor)
        long t0 = 1_234_567L;
        Path file = write("pow2.pcapng", concat(sectionHeader(LE), interfaceBlock(LE, 1, 0, 0x80 | 30, 0),
                enhancedPacket(LE, 0, (t0 << 30) | (3L << 28) | 1000, pattern(10, 1))));
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.next());
            assertEquals(t0 * 1_000_000_000L + 750_000_000L + 931, r.timestampNanos());
        }
    }

    @Test
    void bigEndianFirstSection() throws IOException {
        Path file = write("be.pcapng", concat(sectionHeader(BE), interfaceBlock(BE, 1, 0, 6, 0),
                enhancedPacket(BE, 0, 1_700_000_000_000_001L, pattern(30, 1))));
        try (PcapReader r = PcapReader.open(file)) {
            assertEquals(BE, r.byteOrder());
            assertTrue(r.next());
            assertEquals(1_700_000_000_000_001_000L, r.timestampNanos());
            assertEquals(30, r.capturedLength());
            assertFalse(r.next());
        }
    }

    @Test
    void corruptFirstRecordResynchronisesOnTheSecond() throws IOException {
        Path full = TestData.sample("lidar/velodyne_vlp16.pcap");
        List<SimplePcap.Packet> expected = SimplePcap.read(full);
        byte[] bytes = Files.readAllBytes(full);
        ByteBuffer.wrap(bytes).order(LE).putInt(24 + 8, -1);
        Path file = write("badfirst.pcap", bytes);
        List<PcapFormatException> errors = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            List<Read> got = readAll(r, errors);
            assertEquals(expected.size() - 1, got.size());
            assertEquals(expected.get(1).fileOffset(), got.get(0).offset());
        }
        assertEquals(1, errors.size());
        assertEquals(24, errors.get(0).offset());
    }

    private static long sectionStart(Path file, int section) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int seen = 0;
        for (int i = 0; i + 4 <= all.length; i += 4) {
            if (all[i] == 0x0A && all[i + 1] == 0x0D && all[i + 2] == 0x0D && all[i + 3] == 0x0A && ++seen == section) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void garbageIsNotAPcapAndSaysWhichMagicItFound() throws IOException {
        Path file = write("garbage.pcap", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapReader.open(file));
        assertEquals(PcapFormatException.Kind.NOT_PCAP, e.kind());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("47 45 54 20"), e.getMessage());
        Path empty = write("empty.pcap", new byte[0]);
        assertEquals(PcapFormatException.Kind.NOT_PCAP,
                assertThrows(PcapFormatException.class, () -> PcapReader.open(empty)).kind());
        assertThrows(IOException.class, () -> PcapReader.open(dir.resolve("missing.pcap")));
    }

    @Test
    void truncatedMidPacketDeliversEverythingBeforeAndReportsTheOffset() throws IOException {
        Path full = TestData.sample("lidar/velodyne_vlp16.pcap");
        List<SimplePcap.Packet> expected = SimplePcap.read(full);
        SimplePcap.Packet cut = expected.get(57);
        byte[] bytes = Files.readAllBytes(full);
        Path file = write("cut.pcap", Arrays.copyOf(bytes, (int) cut.fileOffset() + 16 + 500));
        List<PcapFormatException> errors = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            List<Read> got = readAll(r, errors);
            assertEquals(57, got.size());
            for (int i = 0; i < 57; i++) {
                assertArrayEquals(expected.get(i).frame(), got.get(i).data());
            }
            assertFalse(r.next(), "stays ended");
        }
        assertEquals(1, errors.size());
        assertEquals(PcapFormatException.Kind.TRUNCATED, errors.get(0).kind());
        assertEquals(cut.fileOffset(), errors.get(0).offset());
        assertTrue(errors.get(0).getMessage().contains("500 of 1248"), errors.get(0).getMessage());
        // cut inside a record header
        Path header = write("cut-header.pcap", Arrays.copyOf(bytes, (int) cut.fileOffset() + 7));
        errors.clear();
        try (PcapReader r = PcapReader.open(header)) {
            assertEquals(57, readAll(r, errors).size());
        }
        assertEquals(PcapFormatException.Kind.TRUNCATED, errors.get(0).kind());
        assertEquals(cut.fileOffset(), errors.get(0).offset());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7FFF0000, 70_000, 1300})
    void wrongRecordLengthIsReportedAndTheReaderResynchronises(int badLength) throws IOException {
        Path full = TestData.sample("lidar/velodyne_vlp16.pcap");
        List<SimplePcap.Packet> expected = SimplePcap.read(full);
        SimplePcap.Packet bad = expected.get(40);
        byte[] bytes = Files.readAllBytes(full);
        ByteBuffer.wrap(bytes).order(LE).putInt((int) bad.fileOffset() + 8, badLength);
        Path file = write("badlen.pcap", bytes);
        List<PcapFormatException> errors = new ArrayList<>();
        List<Read> got;
        try (PcapReader r = PcapReader.open(file)) {
            got = readAll(r, errors);
        }
        assertEquals(1, errors.size(), errors.toString());
        assertEquals(PcapFormatException.Kind.BAD_BLOCK_LENGTH, errors.get(0).kind());
        assertEquals(bad.fileOffset(), errors.get(0).offset());
        // every packet but the damaged one, byte for byte
        List<SimplePcap.Packet> rest = new ArrayList<>(expected);
        rest.remove(40);
        assertEquals(rest.size(), got.size());
        for (int i = 0; i < rest.size(); i++) {
            assertEquals(rest.get(i).fileOffset(), got.get(i).offset());
            assertArrayEquals(rest.get(i).frame(), got.get(i).data());
        }
    }

    @Test
    void pcapngBlockLengthMismatchIsReportedAndReadingResumesAtTheNextBlock() throws IOException {
        byte[] p0 = enhancedPacket(LE, 0, 1, pattern(50, 1));
        byte[] p1 = enhancedPacket(LE, 0, 2, pattern(70, 2));
        byte[] p2 = enhancedPacket(LE, 0, 3, pattern(90, 3));
        ByteBuffer.wrap(p1).order(LE).putInt(4, p1.length + 8); // leading length wrong
        byte[] head = concat(sectionHeader(LE), interfaceBlock(LE, 1, 0, 9, 0), p0);
        Path file = write("badblock.pcapng", concat(head, p1, p2));
        List<PcapFormatException> errors = new ArrayList<>();
        List<Read> got;
        try (PcapReader r = PcapReader.open(file)) {
            got = readAll(r, errors);
        }
        assertEquals(1, errors.size(), errors.toString());
        assertEquals(PcapFormatException.Kind.BAD_BLOCK_LENGTH, errors.get(0).kind());
        assertEquals(head.length, errors.get(0).offset());
        assertEquals(2, got.size());
        assertArrayEquals(pattern(50, 1), got.get(0).data());
        assertArrayEquals(pattern(90, 3), got.get(1).data());
        assertEquals(head.length + p1.length, got.get(1).offset());
    }

    @Test
    void packetOfAnUndeclaredInterfaceIsATypedErrorAndTheNextPacketStillComes() throws IOException {
        Path file = write("noif.pcapng", concat(sectionHeader(LE), interfaceBlock(LE, 1, 0, 9, 0),
                enhancedPacket(LE, 3, 1, pattern(20, 1)), enhancedPacket(LE, 0, 2, pattern(20, 2))));
        List<PcapFormatException> errors = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            List<Read> got = readAll(r, errors);
            assertEquals(1, got.size());
            assertArrayEquals(pattern(20, 2), got.get(0).data());
        }
        assertEquals(PcapFormatException.Kind.BAD_BLOCK, errors.get(0).kind());
        assertTrue(errors.get(0).getMessage().contains("interface 3"), errors.get(0).getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }
}
