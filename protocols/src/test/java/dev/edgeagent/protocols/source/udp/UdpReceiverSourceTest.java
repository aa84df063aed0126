package dev.edgeagent.protocols.source.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.lidar.LidarTestSupport;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Bad;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import org.junit.jupiter.api.Test;

class UdpReceiverSourceTest {

    static final long GIVE_UP_NS = 20_000_000_000L; // a hang guard, not a timing assertion

    static List<byte[]> samplePayloads() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String s : new String[] {"lidar/velodyne_vlp16.pcap", "lidar/velodyne_vlp32.pcap",
            "lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap"}) {
            for (LidarTestSupport.Udp u : LidarTestSupport.udp(s)) {
                out.add(u.payload());
            }
        }
        return out;
    }

    static DatagramChannel sender(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.connect(new InetSocketAddress("127.0.0.1", port));
        return ch;
    }

    /** Runs doWork until {@code n} datagrams were taken from the socket. */
    static void drain(UdpReceiverSource src, long n) {
        long deadline = System.nanoTime() + GIVE_UP_NS;
        while (src.datagrams() < n) {
            int did = src.doWork();
            assertTrue(did <= src.settings().maxDatagramsPerWork());
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("only " + src.datagrams() + " of " + n + " datagrams arrived");
            }
        }
    }

    static UdpReceiverSettings loopback() {
        return UdpReceiverSettings.of(0).withBindAddress("127.0.0.1").withMaxDatagramsPerWork(8);
    }

    @Test
    void everyPcapPacketArrivesWholeAndInOrder() throws IOException {
        List<byte[]> payloads = samplePayloads();
        assertEquals(100 + 100 + 222, payloads.size());
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new ArrayList<>();
        UdpReceiverSource src = new UdpReceiverSource(loopback(), sink, (k, o, d) -> bad.add(new Bad(k, o, d)));
        src.onStart();
        try (DatagramChannel tx = sender(src.localPort())) {
            assertTrue(src.localPort() > 0);
            assertTrue(src.grantedReceiveBufferBytes() > 0, "the OS granted some receive buffer");
            int sent = 0;
            for (byte[] p : payloads) {
                tx.write(ByteBuffer.wrap(p));
                sent++;
                if (sent % 16 == 0) {
                    drain(src, sent); // bursts of 16 stay far below any receive buffer
                }
            }
            drain(src, sent);
        } finally {
            src.onClose();
        }
        List<CollectingSink.Captured> got = sink.records();
        assertEquals(payloads.size(), got.size());
        long total = 0;
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), got.get(i).payload(), "datagram " + i);
            assertEquals(0, got.get(i).key().length);
            assertEquals(RecordSink.NO_SENSOR_TIME, got.get(i).sensorTimeNs());
            total += payloads.get(i).length;
        }
        assertEquals(payloads.size(), src.appended());
        assertEquals(total, src.bytes());
        assertEquals(0, src.dropped());
        assertEquals(List.of(), bad);
    }

    @Test
    void refusedDatagramsAreDroppedAndCounted() throws IOException {
        CollectingSink sink = new CollectingSink();
        UdpReceiverSource src = new UdpReceiverSource(loopback(), sink, null);
        src.onStart();
        try (DatagramChannel tx = sender(src.localPort())) {
            sink.refuse(true);
            for (int i = 0; i < 10; i++) {
                tx.write(ByteBuffer.wrap(new byte[] {(byte) i, 1, 2}));
            }
            drain(src, 10);
            assertEquals(10, src.dropped());
            assertEquals(0, src.appended());
            sink.refuse(false);
            tx.write(ByteBuffer.wrap(new byte[] {42, 43}));
            drain(src, 11);
        } finally {
            src.onClose();
        }
        assertEquals(1, sink.size());
        assertArrayEquals(new byte[] {42, 43}, sink.records().get(0).payload());
        assertEquals(10, sink.refusals());
    }

    @Test
    void oversizedDatagramIsSkippedAndReported() throws IOException {
        CollectingSink sink = new CollectingSink();
        List<Bad> bad = new ArrayList<>();
        UdpReceiverSource src = new UdpReceiverSource(loopback().withMaxDatagramBytes(1000), sink,
                (k, o, d) -> bad.add(new Bad(k, o, d)));
        src.onStart();
        try (DatagramChannel tx = sender(src.localPort())) {
            tx.write(ByteBuffer.wrap(new byte[1206]));
            tx.write(ByteBuffer.wrap(new byte[1000]));
            drain(src, 2);
        } finally {
            src.onClose();
        }
        assertEquals(1, src.oversized());
        assertEquals(1, sink.size());
        assertEquals(1000, sink.records().get(0).payload().length);
        assertEquals("oversized-datagram", bad.get(0).kind());
    }

    @Test
    void aTakenPortIsReportedNotThrown() throws IOException {
        try (DatagramChannel other = DatagramChannel.open()) {
            other.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) other.getLocalAddress()).getPort();
            List<Bad> bad = new ArrayList<>();
            UdpReceiverSource src = new UdpReceiverSource(UdpReceiverSettings.of(port).withBindAddress("127.0.0.1"),
                    new CollectingSink(), (k, o, d) -> bad.add(new Bad(k, o, d)));
            src.onStart();
            assertEquals(0, src.doWork());
            assertEquals(-1, src.localPort());
            assertEquals("bind-failed", bad.get(0).kind());
            src.onClose();
        }
    }

    @Test
    void receivingAllocatesNothingPerDatagram() throws IOException {
        long[] count = new long[1];
        RecordSink counting = (s, w, m, k, ko, kl, p, po, pl) -> {
            count[0] += p.getByte(po);
            return true;
        };
        UdpReceiverSource src = new UdpReceiverSource(loopback().withMaxDatagramsPerWork(64), counting, null);
        src.onStart();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        ByteBuffer packet = ByteBuffer.allocateDirect(1206);
        try (DatagramChannel tx = sender(src.localPort())) {
            long sent = 0;
            long allocated = 0;
            for (int round = 0; round < 2; round++) { // round 0 warms up
                allocated = 0;
                for (int burst = 0; burst < 100; burst++) {
                    for (int i = 0; i < 32; i++) {
                        packet.clear();
                        tx.write(packet);
                        sent++;
                    }
                    long deadline = System.nanoTime() + GIVE_UP_NS;
                    while (src.datagrams() < sent) {
                        long before = mx.getThreadAllocatedBytes(tid);
                        src.doWork();
                        allocated += mx.getThreadAllocatedBytes(tid) - before;
                        if (System.nanoTime() - deadline > 0) {
                            throw new AssertionError("datagrams stopped arriving");
                        }
                    }
                }
            }
            // 3200 datagrams measured: any object per datagram would be >= 16 B each, 51 200 B in all
            assertTrue(allocated < 3200, "allocated " + allocated + " B over 3200 datagrams");
        } finally {
            src.onClose();
        }
    }
}
