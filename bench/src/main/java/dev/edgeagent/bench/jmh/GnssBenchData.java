package dev.edgeagent.bench.jmh;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;

/** Inputs of the GNSS and IMU benchmarks, from the bundled samples. */
final class GnssBenchData {

    static final String M9N_NMEA = "gnss/gpsd_ublox-neo-m9n-nmea.log";
    static final String M8L_UBX = "gnss/gpsd_ublox-neo-m8l.log";
    static final String XIO_CSV = "imu/xio_fusion_sensor_data.csv";

    private GnssBenchData() {
    }

    /** Lines of a text file (without their line ends) in direct memory. */
    record Lines(UnsafeBuffer buffer, int[] starts, int[] lengths) {
    }

    /** A gpsd regression log's bytes after its leading {@code #} lines. */
    static byte[] gpsdLogBody(String sample) throws IOException {
        byte[] all = Files.readAllBytes(BenchData.sample(sample));
        int off = 0;
        while (off < all.length && all[off] == '#') {
            while (all[off] != '\n') {
                off++;
            }
            off++;
        }
        return Arrays.copyOfRange(all, off, all.length);
    }

    static UnsafeBuffer direct(byte[] bytes) {
        ByteBuffer bb = ByteBuffer.allocateDirect(bytes.length);
        bb.put(bytes).flip();
        return new UnsafeBuffer(bb);
    }

    static Lines lines(String sample) throws IOException {
        byte[] bytes = sample.startsWith("gnss/") ? gpsdLogBody(sample) : Files.readAllBytes(BenchData.sample(sample));
        return lines(bytes, 0);
    }

    /** Lines of {@code bytes}, skipping the first {@code skip}. */
    static Lines lines(byte[] bytes, int skip) {
        int[] starts = new int[1024];
        int[] lengths = new int[1024];
        int n = 0;
        int line = 0;
        for (int p = 0; p < bytes.length; ) {
            int e = p;
            while (e < bytes.length && bytes[e] != '\n') {
                e++;
            }
            int end = e > p && bytes[e - 1] == '\r' ? e - 1 : e;
            if (end > p && line++ >= skip) {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, 2 * n);
                    lengths = Arrays.copyOf(lengths, 2 * n);
                }
                starts[n] = p;
                lengths[n] = end - p;
                n++;
            }
            p = e + 1;
        }
        return new Lines(direct(bytes), Arrays.copyOf(starts, n), Arrays.copyOf(lengths, n));
    }
}
