package dev.edgeagent.protocols.net;

import static dev.edgeagent.protocols.testing.PcapBuilder.concat;
import static dev.edgeagent.protocols.testing.PcapBuilder.ethernetHeader;
import static dev.edgeagent.protocols.testing.PcapBuilder.ipv4;
import static dev.edgeagent.protocols.testing.PcapBuilder.ipv4Fragments;
import static dev.edgeagent.protocols.testing.PcapBuilder.pattern;
import static dev.edgeagent.protocols.testing.PcapBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.edgeagent.protocols.net.UdpExtractor.Result;
import dev.edgeagent.protocols.pcap.PcapReader;
import dev.edgeagent.protocols.testing.SimplePcap;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class UdpExtractorTest {

    private static final long T = 1_700_000_000_000_000_000L;

    private UdpExtractor all = new UdpExtractor();

    private static byte[] payloadOf(UdpExtractor x) {
        byte[] out = new byte[x.payloadLength()];
        x.payload().getBytes(x.payloadOffset(), out);
        return out;
    }

    private Result run(UdpExtractor x, int linkType, byte[] frame) {
        // a non-zero offset, to catch code that assumes the frame starts at 0
        byte[] padded = new byte[frame.length + 5];
        System.arraycopy(frame, 0, padded, 5, frame.length);
        return x.extract(linkType, new UnsafeBuffer(padded), 5, frame.length, T, 1000);
    }

    @Test
    void bundledCapturesPortsSizesAndPayloadsMatchAnIndependentParse() throws IOException {
        check("lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap", Map.of(7502, new int[] {192, 8448},
                7503, new int[] {30, 48}));
        check("lidar/velodyne_vlp16.pcap", Map.of(2368, new int[] {84, 1206}, 8308, new int[] {16, 512}));
        check("lidar/velodyne_vlp32.pcap", Map.of(2368, new int[] {91, 1206}, 8308, new int[] {9, 512}));
    }

    private void check(String sample, Map<Integer, int[]> countAndSizeByPort) throws IOException {
        all = new UdpExtractor();
        Path file = TestData.sample(sample);
        List<SimplePcap.Packet> expected = SimplePcap.read(file);
        Map<Integer, Integer> counts = new HashMap<>();
        int i = 0;
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                SimplePcap.Packet e = expected.get(i++);
                Result result = all.extract(r.linkType(), r.data(), r.dataOffset(), r.capturedLength(),
                        r.timestampNanos(), r.fileOffset());
                if (e.udpDestinationPort() < 0) {
                    assertEquals(Result.NOT_UDP, result);
                    continue;
                }
                assertEquals(Result.DATAGRAM, result);
                assertEquals(e.udpDestinationPort(), all.destinationPort());
                assertArrayEquals(e.udpPayload(), payloadOf(all), sample + " packet " + (i - 1));
                counts.merge(all.destinationPort(), 1, Integer::sum);
                assertEquals(countAndSizeByPort.get(all.destinationPort())[1], all.payloadLength());
            }
        }
        assertEquals(expected.size(), i);
        if (sample.contains("vlp16")) {
            // the early-firmware position packets claim an IP total length of 1234 for 540 bytes
            assertEquals(16, all.ipLengthMismatches());
        }
        Map<Integer, Integer> want = new HashMap<>();
        countAndSizeByPort.forEach((port, cs) -> want.put(port, cs[0]));
        assertEquals(want, counts, sample);
    }

    @Test
    void portFilterSkipsOtherPortsSilently() {
        UdpExtractor x = new UdpExtractor(new int[] {7502}, new FragmentReassembler());
        assertEquals(Result.FILTERED, run(x, LinkTypes.ETHERNET, concat(ethernetHeader(0x0800),
                ipv4(17, 1, false, 0, udp(1, 7503, pattern(48, 1))))));
        assertEquals(7503, x.destinationPort());
        assertEquals(Result.DATAGRAM, run(x, LinkTypes.ETHERNET, concat(ethernetHeader(0x0800),
                ipv4(17, 1, false, 0, udp(1, 7502, pattern(48, 1))))));
        assertArrayEquals(pattern(48, 1), payloadOf(x));
    }

    @Test
    void linkLayers() {
        byte[] ip = ipv4(17, 7, false, 0, udp(5000, 2368, pattern(100, 2)));
        // 802.1Q, then QinQ (802.1ad outer + 802.1Q inner)
        byte[] vlan = concat(ethernetHeader(0x8100), new byte[] {0x00, 0x05, 0x08, 0x00}, ip);
        byte[] qinq = concat(ethernetHeader(0x88A8), new byte[] {0x00, 0x07, (byte) 0x81, 0x00},
                new byte[] {0x00, 0x05, 0x08, 0x00}, ip);
        ByteBuffer sll = ByteBuffer.allocate(16);
        sll.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[8]).putShort((short) 0x0800);
        ByteBuffer sll2 = ByteBuffer.allocate(20);
        sll2.putShort((short) 0x0800).putShort((short) 0).putInt(3).putShort((short) 1).put((byte) 0).put((byte) 6)
                .put(new byte[8]);
        byte[] nullLe = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(2).array();
        byte[] loop = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(2).array();
        Object[][] cases = {
            {LinkTypes.ETHERNET, vlan}, {LinkTypes.ETHERNET, qinq}, {LinkTypes.LINUX_SLL, concat(sll.array(), ip)},
            {LinkTypes.LINUX_SLL2, concat(sll2.array(), ip)}, {LinkTypes.RAW, ip}, {LinkTypes.RAW_12, ip},
            {LinkTypes.RAW_14, ip}, {LinkTypes.IPV4, ip}, {LinkTypes.NULL, concat(nullLe, ip)},
            {LinkTypes.LOOP, concat(loop, ip)}};
        for (Object[] c : cases) {
            assertEquals(Result.DATAGRAM, run(all, (int) c[0], (byte[]) c[1]), "link type " + c[0]);
            assertEquals(2368, all.destinationPort());
            assertEquals(5000, all.sourcePort());
            assertArrayEquals(pattern(100, 2), payloadOf(all), "link type " + c[0]);
        }
        assertEquals(Result.UNSUPPORTED_LINK_TYPE, run(all, 227, ip));
        assertEquals(Result.NOT_UDP, run(all, LinkTypes.ETHERNET, concat(ethernetHeader(0x0806), new byte[28])));
        assertEquals(Result.NOT_UDP, run(all, LinkTypes.ETHERNET, concat(ethernetHeader(0x0800),
                ipv4(6, 1, false, 0, new byte[20]))));
    }

    @Test
    void ipv4OptionsAreSkipped() {
        byte[] plain = ipv4(17, 9, false, 0, udp(1, 9, pattern(30, 3)));
        byte[] withOptions = new byte[plain.length + 8];
        System.arraycopy(plain, 0, withOptions, 0, 20);
        withOptions[0] = 0x47; // IHL 7: 8 bytes of options (NOPs)
        for (int i = 20; i < 28; i++) {
            withOptions[i] = 1;
        }
        System.arraycopy(plain, 20, withOptions, 28, plain.length - 20);
        ByteBuffer.wrap(withOptions).putShort(2, (short) withOptions.length);
        assertEquals(Result.DATAGRAM, run(all, LinkTypes.RAW, withOptions));
        assertArrayEquals(pattern(30, 3), payloadOf(all));
    }

    @Test
    void ipv4FragmentsOfAnOusterSizedDatagramAreReassembledInAnyOrder() {
        byte[] payload = pattern(8448, 4);
        byte[][] frags = ipv4Fragments(17, 0x4242, udp(40000, 7502, payload), 1500);
        assertEquals(6, frags.length);
        int[] order = {3, 0, 5, 1, 1, 4, 2}; // out of order, with a duplicate
        for (int k = 0; k < order.length; k++) {
            Result r = run(all, LinkTypes.RAW, frags[order[k]]);
            if (k < order.length - 1) {
                assertEquals(Result.FRAGMENT_HELD, r, "fragment " + order[k]);
            } else {
                assertEquals(Result.DATAGRAM, r);
            }
        }
        assertTrue(all.reassembled());
        assertEquals(7502, all.destinationPort());
        assertArrayEquals(payload, payloadOf(all));
        assertEquals(0, all.reassembler().pending());
        // the next unfragmented packet is not marked reassembled
        assertEquals(Result.DATAGRAM, run(all, LinkTypes.RAW, ipv4(17, 1, false, 0, udp(1, 2, new byte[4]))));
        assertFalse(all.reassembled());
    }

    @Test
    void interleavedDatagramsAndTimeoutsAndEviction() {
        List<String> reports = new ArrayList<>();
        FragmentReassembler reassembler = new FragmentReassembler(2, 1_000_000_000L,
                (kind, offset, detail) -> reports.add(kind + "@" + offset + ": " + detail));
        UdpExtractor x = new UdpExtractor(new int[0], reassembler);
        UnsafeBuffer buf = new UnsafeBuffer(new byte[0]);
        byte[][] a = ipv4Fragments(17, 1, udp(1, 7502, pattern(3000, 1)), 1500);
        byte[][] b = ipv4Fragments(17, 2, udp(1, 7502, pattern(3000, 2)), 1500);
        byte[][] c = ipv4Fragments(17, 3, udp(1, 7502, pattern(3000, 3)), 1500);
        // a and b interleaved: both complete
        for (int i = 0; i < a.length; i++) {
            buf.wrap(a[i]);
            Result ra = x.extract(LinkTypes.RAW, buf, 0, a[i].length, T + i, 10 + i);
            if (i == a.length - 1) {
                assertEquals(Result.DATAGRAM, ra);
                assertArrayEquals(pattern(3000, 1), payloadOf(x));
            }
            buf.wrap(b[i]);
            Result rb = x.extract(LinkTypes.RAW, buf, 0, b[i].length, T + i, 20 + i);
            if (i == b.length - 1) {
                assertEquals(Result.DATAGRAM, rb);
                assertArrayEquals(pattern(3000, 2), payloadOf(x));
            }
        }
        assertEquals(List.of(), reports);
        // a's first fragment, then 2 s later c's: a timed out
        buf.wrap(a[0]);
        assertEquals(Result.FRAGMENT_HELD, x.extract(LinkTypes.RAW, buf, 0, a[0].length, T, 777));
        buf.wrap(c[0]);
        assertEquals(Result.FRAGMENT_HELD, x.extract(LinkTypes.RAW, buf, 0, c[0].length, T + 2_000_000_000L, 888));
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).startsWith("incomplete-datagram@777: IPv4 datagram id 0x1"), reports.get(0));
        assertTrue(reports.get(0).contains("timed out"), reports.get(0));
        // two more new datagrams with 2 slots: c is evicted
        buf.wrap(a[1]);
        x.extract(LinkTypes.RAW, buf, 0, a[1].length, T + 2_000_000_001L, 900);
        buf.wrap(b[1]);
        x.extract(LinkTypes.RAW, buf, 0, b[1].length, T + 2_000_000_002L, 901);
        assertEquals(2, reports.size());
        assertTrue(reports.get(1).startsWith("incomplete-datagram@888"), reports.get(1));
        assertTrue(reports.get(1).contains("slots were busy"), reports.get(1));
        reassembler.flush();
        assertEquals(4, reports.size());
        assertEquals(4, reassembler.incompleteDatagrams());
        assertEquals(2, reassembler.reassembledDatagrams());
    }

    @Test
    void ipv6WithExtensionHeadersAndFragments() {
        byte[] payload = pattern(3000, 6);
        byte[] udpBytes = udp(5555, 2368, payload);
        // unfragmented, behind a hop-by-hop options header
        byte[] hop = {17, 0, 1, 4, 0, 0, 0, 0}; // next UDP, 8 bytes, PadN
        assertEquals(Result.DATAGRAM, run(all, LinkTypes.RAW, ipv6(0, concat(hop, udp(1, 2368, pattern(50, 1))))));
        assertArrayEquals(pattern(50, 1), payloadOf(all));
        assertEquals(6, all.ipVersion());
        // fragmented: the fragmentable part is a destination-options header and the UDP datagram
        byte[] dest = {17, 0, 1, 4, 0, 0, 0, 0};
        byte[] fragmentable = concat(dest, udpBytes);
        int per = 1448;
        List<byte[]> frags = new ArrayList<>();
        for (int off = 0; off < fragmentable.length; off += per) {
            int len = Math.min(per, fragmentable.length - off);
            boolean more = off + len < fragmentable.length;
            ByteBuffer fh = ByteBuffer.allocate(8);
            fh.put((byte) 60).put((byte) 0).putShort((short) (off | (more ? 1 : 0))).putInt(0xABCDEF);
            byte[] part = new byte[len];
            System.arraycopy(fragmentable, off, part, 0, len);
            frags.add(ipv6(44, concat(fh.array(), part)));
        }
        assertEquals(3, frags.size());
        assertEquals(Result.FRAGMENT_HELD, run(all, LinkTypes.IPV6, frags.get(2)));
        assertEquals(Result.FRAGMENT_HELD, run(all, LinkTypes.IPV6, frags.get(0)));
        assertEquals(Result.DATAGRAM, run(all, LinkTypes.IPV6, frags.get(1)));
        assertTrue(all.reassembled());
        assertEquals(5555, all.sourcePort());
        assertArrayEquals(payload, payloadOf(all));
        // and over Ethernet
        assertEquals(Result.DATAGRAM, run(all, LinkTypes.ETHERNET, concat(ethernetHeader(0x86DD),
                ipv6(17, udp(1, 9, pattern(10, 1))))));
        assertArrayEquals(pattern(10, 1), payloadOf(all));
    }

    private static byte[] ipv6(int nextHeader, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x60000000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64);
        b.putLong(0xFE80000000000000L).putLong(1).putLong(0xFE80000000000000L).putLong(2).put(payload);
        return b.array();
    }

    @Test
    void malformedHeadersAreTypedErrorsWithOffsets() {
        byte[] ok = concat(ethernetHeader(0x0800), ipv4(17, 1, false, 0, udp(1, 2, pattern(20, 1))));
        PacketFormatException e = assertThrows(PacketFormatException.class,
                () -> run(all, LinkTypes.ETHERNET, java.util.Arrays.copyOf(ok, 10)));
        assertEquals(PacketFormatException.Kind.LINK_HEADER, e.kind());
        byte[] badIhl = ok.clone();
        badIhl[14] = 0x43;
        e = assertThrows(PacketFormatException.class, () -> run(all, LinkTypes.ETHERNET, badIhl));
        assertEquals(PacketFormatException.Kind.IP_HEADER, e.kind());
        assertEquals(14, e.offset());
        assertEquals("malformed-ip-header", e.code());
        byte[] badUdpLength = ok.clone();
        ByteBuffer.wrap(badUdpLength).putShort(14 + 20 + 4, (short) 200);
        e = assertThrows(PacketFormatException.class, () -> run(all, LinkTypes.ETHERNET, badUdpLength));
        assertEquals(PacketFormatException.Kind.UDP_HEADER, e.kind());
        assertEquals(38, e.offset());
        byte[] cut = java.util.Arrays.copyOf(ok, ok.length - 5); // IP total length says more than captured
        e = assertThrows(PacketFormatException.class, () -> run(all, LinkTypes.ETHERNET, cut));
        assertEquals(PacketFormatException.Kind.TRUNCATED, e.kind());
        assertEquals(38, e.offset(), "the UDP length field: it, not the IP total length, decides");
        byte[] cutFragment = java.util.Arrays.copyOf(concat(ethernetHeader(0x0800), ipv4(17, 3, true, 0,
                new byte[64])), 14 + 20 + 30);
        e = assertThrows(PacketFormatException.class, () -> run(all, LinkTypes.ETHERNET, cutFragment));
        assertEquals(PacketFormatException.Kind.TRUNCATED, e.kind());
        assertEquals(16, e.offset());
        byte[] badVersion = ipv4(17, 1, false, 0, udp(1, 2, new byte[2]));
        badVersion[0] = 0x55;
        e = assertThrows(PacketFormatException.class, () -> run(all, LinkTypes.RAW, badVersion));
        assertTrue(e.getMessage().contains("IP version 5"), e.getMessage());
        // a non-final fragment whose size is not a multiple of 8
        byte[] oddFragment = ipv4(17, 5, true, 0, new byte[13]);
        e = assertThrows(PacketFormatException.class, () -> run(all, LinkTypes.RAW, oddFragment));
        assertEquals(PacketFormatException.Kind.FRAGMENT, e.kind());
        // the extractor still works afterwards
        assertEquals(Result.DATAGRAM, run(all, LinkTypes.ETHERNET, ok));
    }
}
