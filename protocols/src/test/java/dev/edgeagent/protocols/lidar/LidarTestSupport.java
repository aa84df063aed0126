package dev.edgeagent.protocols.lidar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.testing.SimplePcap;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.UnsafeBuffer;

/** Reads the sample pcaps with the tests' independent reader and collects sweeps, copied. */
public final class LidarTestSupport {

    private LidarTestSupport() {
    }

    /** One UDP payload of a capture. */
    public record Udp(int port, byte[] payload, long timeNs) {
    }

    public static List<Udp> udp(String sample) throws IOException {
        Path p = TestData.sample(sample);
        List<Udp> out = new ArrayList<>();
        for (SimplePcap.Packet pk : SimplePcap.read(p)) {
            out.add(new Udp(pk.udpDestinationPort(), pk.udpPayload(), pk.timestampNanos()));
        }
        return out;
    }

    public static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    public static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xFFFF_FFFFL;
    }

    public static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    /** A copied sweep. */
    public record Sweep(String model, long sweepIndex, long frameId, long startNs, long endNs, TimeBase timeBase,
                        int packets, int lost, int points, int zeroRange, boolean partial, float[] x, float[] y,
                        float[] z, float[] intensity, short[] ring, int[] timeOffsetNs, byte[] returnIndex) {

        /** Index of the point with this ring and time offset (and return), or -1. */
        public int find(int ringId, int timeOffset, int ret) {
            for (int i = 0; i < points; i++) {
                if (ring[i] == ringId && timeOffsetNs[i] == timeOffset && returnIndex[i] == ret) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A listener that copies each sweep. */
    public static final class Collector implements SweepListener {
        public final List<Sweep> sweeps = new ArrayList<>();

        @Override
        public void onSweep(SweepInfo i, PointBuffer b) {
            int n = b.size();
            sweeps.add(new Sweep(i.model(), i.sweepIndex(), i.frameId(), i.startTimeNs(), i.endTimeNs(), i.timeBase(),
                    i.packets(), i.lostPackets(), i.points(), i.zeroRangeSkipped(), i.partial(),
                    java.util.Arrays.copyOf(b.x(), n), java.util.Arrays.copyOf(b.y(), n),
                    java.util.Arrays.copyOf(b.z(), n), java.util.Arrays.copyOf(b.intensity(), n),
                    java.util.Arrays.copyOf(b.ring(), n), java.util.Arrays.copyOf(b.timeOffsetNs(), n),
                    java.util.Arrays.copyOf(b.returnIndex(), n)));
        }
    }

    /** Bad input reports, kept. */
    public record Bad(String kind, long offset, String detail) {
    }

    public static void feed(SweepAssembler a, List<Udp> packets) {
        for (Udp u : packets) {
            a.accept(new UnsafeBuffer(u.payload()), 0, u.payload().length, u.timeNs(), u.port());
        }
    }
}
