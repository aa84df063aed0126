package dev.edgeagent.protocols.lidar.ouster;

import static dev.edgeagent.protocols.lidar.LidarTestSupport.u16;
import static dev.edgeagent.protocols.lidar.LidarTestSupport.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.edgeagent.protocols.lidar.LidarError;
import dev.edgeagent.protocols.lidar.LidarTestSupport;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Bad;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Collector;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Sweep;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Udp;
import dev.edgeagent.protocols.lidar.TimeBase;
import dev.edgeagent.protocols.testing.TestData;
import org.junit.jupiter.api.Test;

class OusterSweepAssemblerTest {

    static final String PCAP = "lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap";
    // RNG15_RFL8_NIR8, 16 columns of 128 pixels: 32 B header + 16 x (12 B column header + 128 x 4 B) + 32 B footer
    static final int COL = 12 + 128 * 4;
    static final int PACKET = 32 + 16 * COL + 32;

    static OusterMetadata meta() throws IOException {
        return OusterMetadata.read(TestData.repoRoot().resolve("config/sensors/ouster_OS-1-128_v2.3.0_1024x10.json"));
    }

    static List<byte[]> lidar(List<Udp> all) {
        List<byte[]> out = new ArrayList<>();
        for (Udp u : all) {
            if (u.port() == 7502) {
                out.add(u.payload());
            }
        }
        return out;
    }

    /** The test's own count of non-zero ranges of valid columns, per frame id, in packet order. */
    static List<int[]> framesAndPoints(List<byte[]> packets) {
        List<int[]> out = new ArrayList<>(); // {frameId, points, packets, zeros}
        for (byte[] p : packets) {
            int fid = u16(p, 2);
            if (out.isEmpty() || out.get(out.size() - 1)[0] != fid) {
                out.add(new int[] {fid, 0, 0, 0});
            }
            int[] f = out.get(out.size() - 1);
            f[2]++;
            for (int c = 0; c < 16; c++) {
                int col = 32 + c * COL;
                if ((u16(p, col + 10) & 1) == 0) {
                    continue;
                }
                for (int r = 0; r < 128; r++) {
                    if ((u16(p, col + 12 + r * 4) & 0x7FFF) != 0) {
                        f[1]++;
                    } else {
                        f[3]++;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void metadataIsRead() throws IOException {
        OusterMetadata m = meta();
        assertEquals("OS-1-128", m.prodLine());
        assertEquals(1024, m.columnsPerFrame());
        assertEquals(10, m.frequencyHz());
        assertEquals(16, m.columnsPerPacket());
        assertEquals(128, m.pixelsPerColumn());
        assertEquals(OusterProfile.RNG15_RFL8_NIR8, m.profile());
        assertEquals(PACKET, m.lidarPacketBytes());
        assertEquals(8448, PACKET);
        assertEquals(15.806, m.lidarOriginToBeamOriginMm());
        assertEquals(20.95, m.beamAltitudeDeg()[0]);
        assertEquals(4.21, m.beamAzimuthDeg()[0]);
        assertArrayEquals(new double[] {-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 36.18, 0, 0, 0, 1},
                m.lidarToSensorTransform());
        assertEquals(15.806, m.beamToLidarTransform()[3], "no beam_to_lidar_transform in v2.3: [0][3] = n");
        assertEquals(7502, m.udpPortLidar());
        assertEquals(7503, m.udpPortImu());
        assertArrayEquals(new int[] {0, 1023}, m.columnWindow());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OusterMetadata.parse("{\"data_format\": {\"pixels_per_column\": 2, \"columns_per_packet\": 16},"
                        + " \"beam_altitude_angles\": [1, 2], \"beam_azimuth_angles\": [1]}"));
        assertTrue(e.getMessage().contains("beam_azimuth_angles"), e.getMessage());
    }

    @Test
    void threeWholeFramesAndTheImuPackets() throws IOException {
        List<Udp> all = LidarTestSupport.udp(PCAP);
        List<byte[]> lidar = lidar(all);
        assertEquals(192, lidar.size());
        assertEquals(30, all.stream().filter(u -> u.port() == 7503 && u.payload().length == 48).count());
        for (byte[] p : lidar) {
            assertEquals(8448, p.length);
        }
        List<float[]> imu = new ArrayList<>();
        List<long[]> imuTimes = new ArrayList<>();
        Collector c = new Collector();
        List<Bad> bad = new ArrayList<>();
        OusterSweepAssembler a = new OusterSweepAssembler(meta(), c, (k, o, d) -> bad.add(new Bad(k, o, d)),
                (s, at, gt, ax, ay, az, gx, gy, gz) -> {
                    imu.add(new float[] {ax, ay, az, gx, gy, gz});
                    imuTimes.add(new long[] {s, at, gt});
                });
        LidarTestSupport.feed(a, all);
        a.finish();

        assertEquals(List.of(), bad);
        assertEquals(192, a.lidarPackets());
        assertEquals(30, a.imuPackets());
        assertEquals(0, a.lostPackets());
        List<int[]> expected = framesAndPoints(lidar);
        assertEquals(3, expected.size());
        assertEquals(3, c.sweeps.size());
        for (int i = 0; i < 3; i++) {
            Sweep s = c.sweeps.get(i);
            assertEquals(1795 + i, s.frameId());
            assertEquals(expected.get(i)[0], s.frameId());
            assertEquals(64, s.packets());
            assertEquals(expected.get(i)[1], s.points());
            assertEquals(expected.get(i)[3], s.zeroRange());
            assertEquals(0, s.lost());
            assertFalse(s.partial(), "frame " + s.frameId() + " has all 64 packets");
            assertEquals("OS-1-128", s.model());
            assertEquals(TimeBase.SENSOR_CLOCK, s.timeBase());
            byte[] first = lidar.get(i * 64);
            byte[] last = lidar.get(i * 64 + 63);
            assertEquals(0, u16(first, 32 + 8), "frame starts at measurement id 0");
            assertEquals(1008, u16(last, 32 + 8), "last packet starts at measurement id 1008");
            assertEquals(u64(first, 32), s.startNs());
            assertEquals(u64(last, 32 + 15 * COL), s.endNs());
        }
        // the first IMU packet, read here at its documented offsets
        byte[] i0 = all.stream().filter(u -> u.port() == 7503).findFirst().orElseThrow().payload();
        ByteBuffer bb = ByteBuffer.wrap(i0).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new long[] {bb.getLong(0), bb.getLong(8), bb.getLong(16)}, imuTimes.get(0));
        assertArrayEquals(new float[] {bb.getFloat(24), bb.getFloat(28), bb.getFloat(32), bb.getFloat(36),
            bb.getFloat(40), bb.getFloat(44)}, imu.get(0));
        assertEquals(1.0, Math.abs(imu.get(0)[2]), 0.2, "gravity along z, about 1 g");
    }

    @Test
    void onePointFollowsTheDocumentedFormula() throws IOException {
        OusterMetadata m = meta();
        List<byte[]> lidar = lidar(LidarTestSupport.udp(PCAP));
        Collector c = new Collector();
        OusterSweepAssembler a = new OusterSweepAssembler(m, c, null);
        for (byte[] p : lidar) {
            a.accept(new org.agrona.concurrent.UnsafeBuffer(p), 0, p.length, 0, 7502);
        }
        byte[] p = lidar.get(64 + 20); // frame 1796, packet 20
        int column = 3;
        int col = 32 + column * COL;
        int row = 40;
        while ((u16(p, col + 12 + row * 4) & 0x7FFF) == 0) {
            row++;
        }
        double r = (u16(p, col + 12 + row * 4) & 0x7FFF) * 8.0; // mm: 15 bits in units of 8 mm
        int mid = u16(p, col + 8);
        assertEquals(20 * 16 + column, mid);
        double n = 15.806;
        double enc = 2 * Math.PI * (1 - mid / 1024.0);
        double az = -2 * Math.PI * m.beamAzimuthDeg()[row] / 360;
        double phi = 2 * Math.PI * m.beamAltitudeDeg()[row] / 360;
        double xl = (r - n) * Math.cos(enc + az) * Math.cos(phi) + n * Math.cos(enc);
        double yl = (r - n) * Math.sin(enc + az) * Math.cos(phi) + n * Math.sin(enc);
        double zl = (r - n) * Math.sin(phi);
        // lidar_to_sensor_transform: x -> -x, y -> -y, z + 36.18 mm
        double xs = -xl / 1000;
        double ys = -yl / 1000;
        double zs = (zl + 36.18) / 1000;
        Sweep s = c.sweeps.get(1);
        assertEquals(1796, s.frameId());
        int timeOffset = (int) (u64(p, col) - u64(lidar.get(64), 32));
        int i = s.find(row, timeOffset, 0);
        assertTrue(i >= 0);
        assertEquals(xs, s.x()[i], 1e-3);
        assertEquals(ys, s.y()[i], 1e-3);
        assertEquals(zs, s.z()[i], 1e-3);
        assertEquals(p[col + 12 + row * 4 + 2] & 0xFF, s.intensity()[i]);
    }

    @Test
    void removedPacketsAndFramesAreCountedAsLost() throws IOException {
        List<byte[]> lidar = lidar(LidarTestSupport.udp(PCAP));
        List<byte[]> kept = new ArrayList<>(lidar);
        // frame 1796: packets 10 and 11 and its last (63); frame 1797: its first (0)
        for (int idx : new int[] {128, 127, 75, 74}) {
            kept.remove(idx);
        }
        Collector c = new Collector();
        OusterSweepAssembler a = new OusterSweepAssembler(meta(), c, null);
        for (byte[] p : kept) {
            a.accept(new org.agrona.concurrent.UnsafeBuffer(p), 0, p.length, 0, 7502);
        }
        a.finish();
        List<int[]> expected = framesAndPoints(kept);
        assertEquals(3, c.sweeps.size());
        assertEquals(List.of(0, 3, 1), c.sweeps.stream().map(Sweep::lost).toList());
        assertEquals(List.of(64, 61, 63), c.sweeps.stream().map(Sweep::packets).toList());
        for (int i = 0; i < 3; i++) {
            assertEquals(expected.get(i)[1], c.sweeps.get(i).points());
            assertFalse(c.sweeps.get(i).partial());
        }
        assertEquals(4, a.lostPackets());

        // a whole frame missing: 1796 dropped entirely
        List<byte[]> noMiddle = new ArrayList<>(lidar.subList(0, 64));
        noMiddle.addAll(lidar.subList(128, 192));
        Collector c2 = new Collector();
        OusterSweepAssembler a2 = new OusterSweepAssembler(meta(), c2, null);
        for (byte[] p : noMiddle) {
            a2.accept(new org.agrona.concurrent.UnsafeBuffer(p), 0, p.length, 0, 7502);
        }
        a2.finish();
        assertEquals(List.of(1795L, 1797L), c2.sweeps.stream().map(Sweep::frameId).toList());
        assertEquals(1, a2.lostFrames());
        assertEquals(64, a2.lostPackets());

        // starting mid-frame and stopping mid-frame: partial, nothing counted lost
        Collector c3 = new Collector();
        OusterSweepAssembler a3 = new OusterSweepAssembler(meta(), c3, null);
        for (byte[] p : lidar.subList(30, 100)) {
            a3.accept(new org.agrona.concurrent.UnsafeBuffer(p), 0, p.length, 0, 7502);
        }
        a3.finish();
        assertEquals(List.of(true, true), c3.sweeps.stream().map(Sweep::partial).toList());
        assertEquals(List.of(34, 36), c3.sweeps.stream().map(Sweep::packets).toList());
        assertEquals(0, a3.lostPackets());
    }

    @Test
    void badPacketsAreCountedWithOffsetsAndDecodingGoesOn() throws IOException {
        List<Udp> all = LidarTestSupport.udp(PCAP);
        Collector clean = new Collector();
        OusterSweepAssembler ref = new OusterSweepAssembler(meta(), clean, null);
        LidarTestSupport.feed(ref, all);
        ref.finish();

        byte[] good = lidar(all).get(5);
        List<Udp> bad = new ArrayList<>();
        bad.add(new Udp(7502, Arrays.copyOf(good, 8000), 0));
        bad.add(new Udp(7502, Arrays.copyOf(good, 8449), 0));
        byte[] type = good.clone();
        type[0] = 2;
        bad.add(new Udp(7502, type, 0));
        byte[] mid = good.clone();
        mid[32 + 2 * COL + 8] = (byte) 0x88; // column 2 measurement id 0x1388 = 5000
        mid[32 + 2 * COL + 9] = (byte) 0x13;
        bad.add(new Udp(7502, mid, 0));
        bad.add(new Udp(7503, new byte[40], 0));
        bad.add(new Udp(4444, new byte[8448], 0));
        bad.add(new Udp(7502, good.clone(), 0)); // a duplicate of an earlier packet

        List<Udp> mixed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            mixed.add(all.get(i));
            if (i >= 20 && i - 20 < bad.size()) {
                mixed.add(bad.get(i - 20));
            }
        }
        Collector c = new Collector();
        List<Bad> reports = new ArrayList<>();
        OusterSweepAssembler a = new OusterSweepAssembler(meta(), c, (k, o, d) -> reports.add(new Bad(k, o, d)));
        LidarTestSupport.feed(a, mixed);
        a.finish();

        assertEquals(List.of("truncated-packet@8000", "oversized-packet@8448", "bad-packet-type@0",
                "bad-measurement-id@" + (32 + 2 * COL + 8), "truncated-packet@40", "unknown-packet@0",
                "out-of-order-packet@40"), reports.stream().map(r -> r.kind() + "@" + r.offset()).toList());
        assertEquals(7, a.badPackets());
        assertEquals(1, a.errorCount(LidarError.BAD_MEASUREMENT_ID));
        assertTrue(reports.get(3).detail().contains("5000"), reports.get(3).detail());
        assertEquals(192, a.lidarPackets());
        assertEquals(clean.sweeps.size(), c.sweeps.size());
        for (int i = 0; i < c.sweeps.size(); i++) {
            assertEquals(clean.sweeps.get(i).points(), c.sweeps.get(i).points());
            assertEquals(0, c.sweeps.get(i).lost());
        }
    }
}
