package dev.edgeagent.protocols.lidar.velodyne;

import static dev.edgeagent.protocols.lidar.LidarTestSupport.u16;
import static dev.edgeagent.protocols.lidar.LidarTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.lidar.LidarError;
import dev.edgeagent.protocols.lidar.LidarTestSupport;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Bad;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Collector;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Sweep;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Udp;
import dev.edgeagent.protocols.lidar.TimeBase;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class VelodyneSweepAssemblerTest {

    static final String VLP16 = "lidar/velodyne_vlp16.pcap";
    static final String HDL32 = "lidar/velodyne_vlp32.pcap"; // misnamed upstream: an HDL-32E

    // VLP-16 manual table 9-1: elevation by laser id, and vertical correction (mm)
    static final double[] VLP16_EL = {-15, 1, -13, 3, -11, 5, -9, 7, -7, 9, -5, 11, -3, 13, -1, 15};
    static final double[] VLP16_VCORR_MM = {11.2, -0.7, 9.7, -2.2, 8.1, -3.7, 6.6, -5.1, 5.1, -6.6, 3.7, -8.1, 2.2,
        -9.7, 0.7, -11.2};
    // HDL-32E manual: elevation by laser id
    static final double[] HDL_EL = {-30.67, -9.33, -29.33, -8.00, -28.00, -6.67, -26.67, -5.33, -25.33, -4.00,
        -24.00, -2.67, -22.67, -1.33, -21.33, 0.00, -20.00, 1.33, -18.67, 2.67, -17.33, 4.00, -16.00, 5.33, -14.67,
        6.67, -13.33, 8.00, -12.00, 9.33, -10.67, 10.67};

    /** The test's own split of data packets into sweeps (block azimuth dropping by > 180°) and counts. */
    static final class Split {
        final List<Integer> points = new ArrayList<>();
        final List<Integer> zeros = new ArrayList<>();
        final List<Integer> packets = new ArrayList<>();
        /** sweep index of each (packet, block) */
        final List<int[]> sweepOf = new ArrayList<>();

        Split(List<byte[]> data) {
            int prevAz = -1;
            int sweep = 0;
            grow(0);
            for (byte[] p : data) {
                int[] of = new int[12];
                boolean counted = false;
                for (int b = 0; b < 12; b++) {
                    int az = u16(p, b * 100 + 2);
                    if (prevAz >= 0 && prevAz - az > 18_000) {
                        sweep++;
                        grow(sweep);
                        counted = false;
                    }
                    prevAz = az;
                    of[b] = sweep;
                    if (!counted) {
                        packets.set(sweep, packets.get(sweep) + 1);
                        counted = true;
                    }
                    for (int ch = 0; ch < 32; ch++) {
                        int d = u16(p, b * 100 + 4 + ch * 3);
                        if (d == 0) {
                            zeros.set(sweep, zeros.get(sweep) + 1);
                        } else {
                            points.set(sweep, points.get(sweep) + 1);
                        }
                    }
                }
                sweepOf.add(of);
            }
        }

        private void grow(int sweep) {
            while (points.size() <= sweep) {
                points.add(0);
                zeros.add(0);
                packets.add(0);
            }
        }
    }

    static List<byte[]> dataPackets(List<Udp> all) {
        List<byte[]> out = new ArrayList<>();
        for (Udp u : all) {
            if (u.port() == 2368) {
                out.add(u.payload());
            }
        }
        return out;
    }

    static void assertMatchesSplit(Split split, List<Sweep> sweeps) {
        assertEquals(split.points.size(), sweeps.size(), "sweeps");
        for (int i = 0; i < sweeps.size(); i++) {
            assertEquals(split.points.get(i), sweeps.get(i).points(), "points of sweep " + i);
            assertEquals(split.zeros.get(i), sweeps.get(i).zeroRange(), "zero-range returns of sweep " + i);
            assertEquals(split.packets.get(i), sweeps.get(i).packets(), "packets of sweep " + i);
            assertEquals(i, sweeps.get(i).sweepIndex());
        }
    }

    @Test
    void vlp16CaptureIsToldFromItsTimingNotItsFactoryByte() throws IOException {
        List<Udp> all = LidarTestSupport.udp(VLP16);
        List<byte[]> data = dataPackets(all);
        assertEquals(84, data.size());
        assertEquals(16, all.stream().filter(u -> u.port() == 8308).count());
        // sample facts: the packets say factory 0x21 (HDL-32E) while the azimuth advances 0.40° per block
        assertEquals(0x21, data.get(0)[1205] & 0xFF);
        assertEquals(40, (u16(data.get(0), 1102) - u16(data.get(0), 2)) / 11.0, 1.0);

        Collector c = new Collector();
        List<Bad> bad = new ArrayList<>();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, (k, o, d) -> bad.add(new Bad(k, o, d)));
        LidarTestSupport.feed(a, all);
        a.finish();

        assertEquals(List.of(), bad);
        assertEquals(VelodyneModel.VLP_16, a.model());
        assertEquals("timing", a.identifiedBy());
        assertFalse(a.factoryByteAgrees());
        assertEquals(84, a.dataPackets());
        assertEquals(16, a.positionPackets());
        assertEquals(16, a.positionPacketsWithoutNmea(), "this VLP-16 has no GPS: NMEA field all zero");
        assertFalse(a.utcKnown());
        assertEquals(0, a.lostPackets());

        Split split = new Split(data);
        assertEquals(2, split.points.size(), "the 0.11 s capture wraps past 360° once");
        assertMatchesSplit(split, c.sweeps);
        for (Sweep s : c.sweeps) {
            assertEquals("VLP-16", s.model());
            assertTrue(s.partial(), "the first sweep starts mid-rotation, the last is cut by finish()");
            assertEquals(TimeBase.SENSOR_HOUR, s.timeBase());
            assertEquals(-1, s.frameId());
        }
        long ts0 = u32(data.get(0), 1200);
        long tsLast = u32(data.get(83), 1200);
        assertEquals(332_917_037L, ts0);
        assertEquals(ts0 * 1000, c.sweeps.get(0).startNs());
        // last block (11) of the last packet, second sequence (55.296 µs), laser 15 (15 x 2.304 µs)
        assertEquals(tsLast * 1000 + 11 * 110_592 + 55_296 + 15 * 2_304, c.sweeps.get(1).endNs());
        assertEquals(a.pointsEmitted(), split.points.get(0) + split.points.get(1));
    }

    @Test
    void vlp16PointInTheSecondFiringSequenceFollowsTheManual() throws IOException {
        List<byte[]> data = dataPackets(LidarTestSupport.udp(VLP16));
        Collector c = new Collector();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, null);
        for (byte[] p : data) {
            a.accept(new UnsafeBuffer(p), 0, p.length, 0, 2368);
        }
        a.finish();

        byte[] p = data.get(10);
        int block = 4;
        int ch = 16;
        while (u16(p, block * 100 + 4 + ch * 3) == 0) {
            ch++;
        }
        int laser = ch - 16; // second firing sequence of the block
        int d = u16(p, block * 100 + 4 + ch * 3);
        int refl = p[block * 100 + 6 + ch * 3] & 0xFF;
        int az = u16(p, block * 100 + 2);
        int azNext = u16(p, (block + 1) * 100 + 2);
        double tInBlockUs = 55.296 + laser * 2.304;
        double alphaDeg = (az + (azNext - az) * tInBlockUs / 110.592) / 100.0;
        double omega = Math.toRadians(VLP16_EL[laser]);
        double r = d * 0.002;
        double x = r * Math.cos(omega) * Math.sin(Math.toRadians(alphaDeg));
        double y = r * Math.cos(omega) * Math.cos(Math.toRadians(alphaDeg));
        double z = r * Math.sin(omega) + VLP16_VCORR_MM[laser] / 1000;
        int timeOffset = (int) ((u32(p, 1200) - u32(data.get(0), 1200)) * 1000 + block * 110_592 + 55_296
                + laser * 2_304);

        Sweep s = c.sweeps.get(0);
        int i = s.find(laser, timeOffset, 0);
        assertTrue(i >= 0, "point of laser " + laser + " at +" + timeOffset + " ns");
        double tol = r * 1e-4 + 1e-3; // azimuth rounded to the sensor's 0.01°
        assertEquals(x, s.x()[i], tol);
        assertEquals(y, s.y()[i], tol);
        assertEquals(z, s.z()[i], tol);
        assertEquals(refl, s.intensity()[i]);
    }

    @Test
    void hdl32eCaptureGetsUtcFromGprmc() throws IOException {
        List<Udp> all = LidarTestSupport.udp(HDL32);
        List<byte[]> data = dataPackets(all);
        assertEquals(91, data.size());
        assertEquals(9, all.stream().filter(u -> u.port() == 8308).count());

        Collector c = new Collector();
        List<Bad> bad = new ArrayList<>();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, (k, o, d) -> bad.add(new Bad(k, o, d)));
        LidarTestSupport.feed(a, all);
        a.finish();

        assertEquals(List.of(), bad);
        assertEquals(VelodyneModel.HDL_32E, a.model());
        assertEquals("timing", a.identifiedBy());
        assertTrue(a.factoryByteAgrees());
        assertTrue(a.utcKnown());
        assertEquals(0, a.positionPacketsWithoutNmea());

        Split split = new Split(data);
        assertMatchesSplit(split, c.sweeps);
        // $GPRMC,214616,A,...,111212: the hour is 2012-12-11T21:00Z; the timestamp counts µs past it
        long hourNs = Instant.parse("2012-12-11T21:00:00Z").getEpochSecond() * 1_000_000_000L;
        long ts0 = u32(data.get(0), 1200);
        assertEquals(2_777_070_101L, ts0);
        Sweep first = c.sweeps.get(0);
        assertEquals(TimeBase.UTC, first.timeBase());
        assertEquals(hourNs + ts0 * 1000, first.startNs());
        assertEquals("2012-12-11T21:46:17.070101Z", Instant.ofEpochSecond(0, first.startNs()).toString());
        Sweep last = c.sweeps.get(c.sweeps.size() - 1);
        assertEquals(hourNs + u32(data.get(90), 1200) * 1000 + 11 * 46_080 + 31 * 1_152, last.endNs());
        assertTrue(last.partial());
    }

    @Test
    void hdl32ePointFollowsTheManual() throws IOException {
        List<byte[]> data = dataPackets(LidarTestSupport.udp(HDL32));
        Collector c = new Collector();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, null);
        for (byte[] p : data) {
            a.accept(new UnsafeBuffer(p), 0, p.length, 0, dev.edgeagent.protocols.lidar.SweepAssembler.ANY_PORT);
        }
        a.finish();

        byte[] p = data.get(10);
        int block = 5;
        int ch = 7;
        while (u16(p, block * 100 + 4 + ch * 3) == 0) {
            ch++;
        }
        int d = u16(p, block * 100 + 4 + ch * 3);
        int az = u16(p, block * 100 + 2);
        int azNext = u16(p, (block + 1) * 100 + 2);
        double alphaDeg = (az + (azNext - az) * (ch * 1.152) / 46.08) / 100.0;
        double omega = Math.toRadians(HDL_EL[ch]);
        double r = d * 0.002;
        double x = r * Math.cos(omega) * Math.sin(Math.toRadians(alphaDeg));
        double y = r * Math.cos(omega) * Math.cos(Math.toRadians(alphaDeg));
        double z = r * Math.sin(omega);
        int timeOffset = (int) ((u32(p, 1200) - u32(data.get(0), 1200)) * 1000 + block * 46_080 + ch * 1_152);

        assertEquals(0, new Split(data).sweepOf.get(10)[block], "the chosen point lies in the first sweep");
        Sweep s = c.sweeps.get(0);
        int i = s.find(ch, timeOffset, 0);
        assertTrue(i >= 0);
        double tol = r * 1e-4 + 1e-3;
        assertEquals(x, s.x()[i], tol);
        assertEquals(y, s.y()[i], tol);
        assertEquals(z, s.z()[i], tol);
    }

    @Test
    void removedPacketsAreCountedAsLost() throws IOException {
        List<Udp> all = LidarTestSupport.udp(HDL32);
        List<Udp> kept = new ArrayList<>();
        int dataIndex = 0;
        List<byte[]> keptData = new ArrayList<>();
        for (Udp u : all) {
            if (u.port() == 2368) {
                int i = dataIndex++;
                if (i >= 40 && i <= 42) {
                    continue; // three packets lost mid-sweep
                }
                keptData.add(u.payload());
            }
            kept.add(u);
        }
        Collector c = new Collector();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, null);
        LidarTestSupport.feed(a, kept);
        a.finish();

        assertEquals(VelodyneModel.HDL_32E, a.model());
        assertEquals(3, a.lostPackets());
        Split split = new Split(keptData);
        assertMatchesSplit(split, c.sweeps);
        int sweepOfGap = split.sweepOf.get(40)[0]; // packet 43 is now at index 40
        assertEquals(3, c.sweeps.get(sweepOfGap).lost());
        int lostElsewhere = 0;
        for (Sweep s : c.sweeps) {
            lostElsewhere += s.lost();
        }
        assertEquals(3, lostElsewhere);
    }

    @Test
    void badPacketsAreCountedWithOffsetsAndDecodingGoesOn() throws IOException {
        List<Udp> all = LidarTestSupport.udp(VLP16);
        Collector clean = new Collector();
        VelodyneSweepAssembler ref = new VelodyneSweepAssembler(clean, null);
        LidarTestSupport.feed(ref, all);
        ref.finish();

        byte[] good = all.stream().filter(u -> u.port() == 2368).findFirst().orElseThrow().payload();
        byte[] pos = all.stream().filter(u -> u.port() == 8308).findFirst().orElseThrow().payload();
        List<Udp> bad = new ArrayList<>();
        bad.add(new Udp(2368, java.util.Arrays.copyOf(good, 1000), 0));
        bad.add(new Udp(2368, java.util.Arrays.copyOf(good, 1207), 0));
        byte[] flag = good.clone();
        flag[300] = 0x00; // block 3's first flag byte
        bad.add(new Udp(2368, flag, 0));
        byte[] azimuth = good.clone();
        azimuth[202] = (byte) 0x40; // block 2 azimuth 0x9C40 = 40000
        azimuth[203] = (byte) 0x9C;
        bad.add(new Udp(2368, azimuth, 0));
        byte[] ts = good.clone();
        ts[1200] = ts[1201] = ts[1202] = ts[1203] = (byte) 0xFF;
        bad.add(new Udp(2368, ts, 0));
        byte[] mode = good.clone();
        mode[1204] = 0x10;
        bad.add(new Udp(2368, mode, 0));
        bad.add(new Udp(9999, new byte[77], 0));
        byte[] nmea = pos.clone();
        byte[] sentence = "$GPRMC,214616,A,3708.3443,N,12139.4299,W,009.7,040.6,111212,013.8,E,D*00\r\n".getBytes();
        System.arraycopy(sentence, 0, nmea, 206, sentence.length);
        bad.add(new Udp(8308, nmea, 0));
        int nmeaChecksumAt = 206 + new String(sentence).indexOf('*') + 1; // the checksum's two hex digits
        bad.add(new Udp(8308, new byte[100], 0));

        List<Udp> mixed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            mixed.add(all.get(i));
            if (i >= 5 && i - 5 < bad.size()) {
                mixed.add(bad.get(i - 5));
            }
        }
        mixed.add(all.get(all.size() - 1)); // the last packet again: not newer than itself
        Collector c = new Collector();
        List<Bad> reports = new ArrayList<>();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, (k, o, d) -> reports.add(new Bad(k, o, d)));
        LidarTestSupport.feed(a, mixed);
        a.finish();

        List<String> kinds = reports.stream().map(r -> r.kind() + "@" + r.offset()).toList();
        assertEquals(List.of("truncated-packet@1000", "oversized-packet@1206", "bad-block-flag@300",
                "bad-azimuth@202", "bad-timestamp@1200", "bad-return-mode@1204", "unknown-packet@0",
                "bad-nmea@" + nmeaChecksumAt, "truncated-packet@100", "out-of-order-packet@1200"), kinds.subList(0, 10));
        assertEquals(10, reports.size());
        assertEquals(10, a.badPackets());
        assertEquals(2, a.errorCount(LidarError.TRUNCATED));
        for (Bad r : reports) {
            assertFalse(r.detail().isBlank());
        }
        assertTrue(reports.get(2).detail().contains("block 3"), reports.get(2).detail());
        assertEquals(84, a.dataPackets());
        assertEquals(clean.sweeps.size(), c.sweeps.size());
        for (int i = 0; i < c.sweeps.size(); i++) {
            assertEquals(clean.sweeps.get(i).points(), c.sweeps.get(i).points());
            assertEquals(clean.sweeps.get(i).startNs(), c.sweeps.get(i).startNs());
        }
    }
}
