package dev.edgeagent.protocols.lidar.velodyne;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import dev.edgeagent.protocols.lidar.LidarTestSupport;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Collector;
import dev.edgeagent.protocols.lidar.LidarTestSupport.Sweep;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Models and modes the sample captures do not have: hand-made packets laid out as the manuals say. */
class VelodyneSyntheticTest {

    /** 12 blocks: azimuth of block b = az0 + step * (b / stride); all distances 0 unless set later. */
    static byte[] packet(int az0, int stepPerFiring, int stride, long tsUs, int returnMode, int factory) {
        ByteBuffer b = ByteBuffer.allocate(1206).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < 12; blk++) {
            b.put(blk * 100, (byte) 0xFF).put(blk * 100 + 1, (byte) 0xEE);
            b.putShort(blk * 100 + 2, (short) ((az0 + stepPerFiring * (blk / stride)) % 36000));
        }
        b.putInt(1200, (int) tsUs);
        b.put(1204, (byte) returnMode).put(1205, (byte) factory);
        return b.array();
    }

    static void set(byte[] p, int block, int ch, int distance, int refl) {
        int at = block * 100 + 4 + ch * 3;
        p[at] = (byte) distance;
        p[at + 1] = (byte) (distance >> 8);
        p[at + 2] = (byte) refl;
    }

    @Test
    void vlp32cIsToldByItsTimingAndUsesItsOffsetsAndFourMillimetreUnit() {
        // 0.20° per block, 664 µs per packet: 664 µs x 20 / 240 = 55.3 µs per firing = VLP-32C
        byte[][] pk = new byte[3][];
        for (int k = 0; k < 3; k++) {
            pk[k] = packet(1000 + 240 * k, 20, 1, 1_000_000 + 664L * k, 0x37, 0x21); // factory byte lies
        }
        set(pk[1], 2, 7, 5000, 77); // laser 7: elevation -8.843°, azimuth offset -1.4°, fired 3 x 2.304 µs in
        Collector c = new Collector();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, null);
        for (byte[] p : pk) {
            assertTrue(a.accept(new UnsafeBuffer(p), 0, p.length, 0, 2368));
        }
        a.finish();
        assertEquals(VelodyneModel.VLP_32C, a.model());
        assertEquals("timing", a.identifiedBy());
        Sweep s = c.sweeps.get(0);
        assertEquals(1, s.points());
        assertEquals(3 * 12 * 32 - 1, s.zeroRange());
        double r = 5000 * 0.004;
        double azBlock = 1000 + 240 + 2 * 20; // hundredths
        double alpha = (azBlock + 20 * (3 * 2.304) / 55.296) / 100.0 - 1.4;
        double omega = Math.toRadians(-8.843);
        double tol = r * 1e-4 + 1e-3;
        assertEquals(r * Math.cos(omega) * Math.sin(Math.toRadians(alpha)), s.x()[0], tol);
        assertEquals(r * Math.cos(omega) * Math.cos(Math.toRadians(alpha)), s.y()[0], tol);
        assertEquals(r * Math.sin(omega), s.z()[0], tol);
        assertEquals(7, s.ring()[0]);
        assertEquals(664_000 + 2 * 55_296 + 3 * 2_304, s.timeOffsetNs()[0]);
    }

    @Test
    void vlp16DualReturnKeepsBothReturnsButNotARepeatedOne() {
        // dual: block pairs share an azimuth; 0.40° per pair, 664 µs per packet of 6 firings: 110.7 µs = VLP-16
        byte[][] pk = new byte[2][];
        for (int k = 0; k < 2; k++) {
            pk[k] = packet(5000 + 240 * k, 40, 2, 2_000_000 + 664L * k, 0x39, 0x22);
        }
        set(pk[0], 4, 0, 1000, 10); // last return (even block) ...
        set(pk[0], 5, 0, 1000, 10); // ... repeated in the odd block: one return only
        set(pk[0], 4, 17, 1500, 20); // laser 1 of the second sequence, last return
        set(pk[0], 5, 17, 2500, 30); // and its strongest return
        Collector c = new Collector();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, null);
        for (byte[] p : pk) {
            a.accept(new UnsafeBuffer(p), 0, p.length, 0, 2368);
        }
        a.finish();
        assertEquals(VelodyneModel.VLP_16, a.model());
        Sweep s = c.sweeps.get(0);
        assertEquals(3, s.points());
        int firing2 = 2 * 110_592; // blocks 4 and 5 are the third firing
        assertEquals(List.of(0, 0, 1), List.of((int) s.returnIndex()[0], (int) s.returnIndex()[1],
                (int) s.returnIndex()[2]));
        assertEquals(firing2, s.timeOffsetNs()[0]);
        assertEquals(firing2 + 55_296 + 2_304, s.timeOffsetNs()[1]);
        assertEquals(firing2 + 55_296 + 2_304, s.timeOffsetNs()[2]);
        assertEquals(30f, s.intensity()[2]);
        double r2 = 2500 * 0.002;
        // laser 1 (+1°, vertical correction -0.7 mm)
        assertEquals(r2 * Math.sin(Math.toRadians(1)) - 0.0007, s.z()[2], 1e-3);
    }

    @Test
    void resetStartsAFreshStream() throws java.io.IOException {
        List<LidarTestSupport.Udp> all = LidarTestSupport.udp("lidar/velodyne_vlp16.pcap");
        Collector c = new Collector();
        VelodyneSweepAssembler a = new VelodyneSweepAssembler(c, (k, o, d) -> {
            throw new AssertionError(k + "@" + o + ": " + d);
        });
        LidarTestSupport.feed(a, all);
        a.finish();
        a.reset();
        LidarTestSupport.feed(a, all);
        a.finish();
        assertEquals(4, c.sweeps.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(c.sweeps.get(i).points(), c.sweeps.get(i + 2).points());
            assertEquals(c.sweeps.get(i).startNs(), c.sweeps.get(i + 2).startNs());
        }
    }
}
