package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.can.CandumpReader;
import dev.edgeagent.protocols.net.UdpExtractor;
import dev.edgeagent.protocols.pcap.PcapReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The benchmarks' inputs: the bundled real captures (found by walking up to the repository's {@code samples/}),
 * and corpora of messages built from them or synthesized where the project has no capture (JSON telemetry,
 * camera frames). Built in {@code @Setup}, never in a measured loop.
 */
final class BenchData {

    static final String OUSTER_PCAP = "lidar/ouster_OS-1-128_v2.3.0_1024x10_lb_n3.pcap";
    static final String VELODYNE_VLP16_PCAP = "lidar/velodyne_vlp16.pcap";
    /** An HDL-32E capture (misnamed upstream). */
    static final String VELODYNE_HDL32E_PCAP = "lidar/velodyne_vlp32.pcap";
    /** Relative to the repository root (the parent of {@code samples/}). */
    static final String OUSTER_METADATA = "config/sensors/ouster_OS-1-128_v2.3.0_1024x10.json";
    static final String CIVIC_CANDUMP = "can/honda_civic_typer_2019_turnonanddrive.candump.log";
    /** Size of a SocketCAN {@code struct can_frame}: one CAN message as a 16-byte record. */
    static final int CAN_RECORD = 16;
    static final int CAMERA_FRAME = 250_000;

    private BenchData() {
    }

    /** Messages back to back in one array, with their offsets, lengths and log times. */
    record Corpus(String name, byte[] data, int[] offsets, int[] lengths, long[] times) {
        int count() {
            return offsets.length;
        }

        long bytes() {
            long n = 0;
            for (int l : lengths) {
                n += l;
            }
            return n;
        }

        /** The data copied into direct memory, as a capture buffer or the mapped queue would hold it. */
        UnsafeBuffer direct() {
            ByteBuffer bb = ByteBuffer.allocateDirect(data.length);
            bb.put(data).flip();
            return new UnsafeBuffer(bb);
        }
    }

    /** {@code -Dbench.samples}, else the first {@code samples/} with the bundled captures above the working dir. */
    static Path samples() {
        String configured = System.getProperty("bench.samples");
        if (configured != null) {
            return Paths.get(configured);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("samples");
            if (Files.isRegularFile(s.resolve(OUSTER_PCAP)) && Files.isRegularFile(s.resolve(CIVIC_CANDUMP))) {
                return s;
            }
        }
        throw new IllegalStateException("no samples/ with " + OUSTER_PCAP + " above " + Paths.get("").toAbsolutePath()
                + ": run from the repository or pass -Dbench.samples=<dir>");
    }

    static Path sample(String relative) {
        return samples().resolve(relative);
    }

    /**
     * Where the capture-queue benchmarks put their queues: {@code -Dbench.tmp}, else {@code /dev/shm} where it
     * exists (the measured cost is the append path, not the disk's writeback of gigabytes a second), else the
     * JVM's temp dir.
     */
    static Path tempDir(String prefix) {
        try {
            String configured = System.getProperty("bench.tmp");
            Path base = configured != null ? Paths.get(configured) : Paths.get("/dev/shm");
            if (configured != null || (Files.isDirectory(base) && Files.isWritable(base))) {
                return Files.createTempDirectory(base, prefix);
            }
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every frame of the bundled Civic log, each as a 16-byte can_frame record (id, len, flags, data). */
    static Corpus can() {
        try (CandumpReader r = CandumpReader.open(sample(CIVIC_CANDUMP))) {
            Builder b = new Builder(32 * 1024 * CAN_RECORD);
            UnsafeBuffer slot = new UnsafeBuffer(new byte[CAN_RECORD + 64]);
            while (r.next()) {
                Arrays.fill(slot.byteArray(), (byte) 0);
                r.frame().encode(slot, 0);
                b.add(slot.byteArray(), 0, CAN_RECORD, r.timestampNanos());
            }
            return b.build("CAN");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The UDP payloads (lidar and IMU packets) of the bundled Ouster pcap, with their capture times. */
    static Corpus lidar() {
        return pcapPayloads(OUSTER_PCAP);
    }

    /** The UDP payloads of a bundled pcap, with their capture times. */
    static Corpus pcapPayloads(String pcap) {
        try (PcapReader r = PcapReader.open(sample(pcap))) {
            Builder b = new Builder(2 << 20);
            UdpExtractor udp = new UdpExtractor();
            byte[] copy = new byte[65536];
            while (r.next()) {
                if (udp.extract(r.linkType(), r.data(), r.dataOffset(), r.capturedLength(), r.timestampNanos(),
                        r.fileOffset()) == UdpExtractor.Result.DATAGRAM) {
                    int n = udp.payloadLength();
                    udp.payload().getBytes(udp.payloadOffset(), copy, 0, n);
                    b.add(copy, 0, n, r.timestampNanos());
                }
            }
            return b.build("LIDAR");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Vehicle telemetry as a fleet gateway publishes it over MQTT: about 200-byte JSON documents whose values
     * move as a drive does (a seeded random walk), ten per second per vehicle over 16 vehicles.
     */
    static Corpus json(int count) {
        SplittableRandom rnd = new SplittableRandom(42);
        Builder b = new Builder(count * 220);
        double[] speed = new double[16];
        double[] lat = new double[16];
        double[] lon = new double[16];
        double[] soc = new double[16];
        for (int v = 0; v < 16; v++) {
            lat[v] = 37.7749 + rnd.nextDouble(-0.05, 0.05);
            lon[v] = -122.4194 + rnd.nextDouble(-0.05, 0.05);
            soc[v] = rnd.nextDouble(40, 95);
        }
        long t0 = 1_674_148_739_000_000_000L;
        for (int i = 0; i < count; i++) {
            int v = i & 15;
            long ts = t0 + (i / 16) * 100_000_000L + v * 1_000_000L;
            speed[v] = Math.max(0, Math.min(130, speed[v] + rnd.nextDouble(-2.5, 3)));
            lat[v] += rnd.nextDouble(-1e-5, 1e-5);
            lon[v] += rnd.nextDouble(-1e-5, 1e-5);
            soc[v] -= rnd.nextDouble(0, 0.001);
            int gear = speed[v] < 1 ? 0 : Math.min(6, 1 + (int) (speed[v] / 22));
            String doc = String.format(Locale.ROOT,
                    "{\"vin\":\"5YJ3E1EA7KF3%05d\",\"ts\":%d,\"seq\":%d,\"speed_kph\":%.2f,\"rpm\":%d,\"gear\":%d,"
                            + "\"throttle\":%.3f,\"brake\":%s,\"steer_deg\":%.1f,\"lat\":%.6f,\"lon\":%.6f,"
                            + "\"soc\":%.2f,\"coolant_c\":%.1f}",
                    v, ts / 1_000_000, i / 16, speed[v], 800 + (int) (speed[v] * 31 % 3500), gear,
                    rnd.nextDouble(0, 0.6), rnd.nextInt(10) == 0, rnd.nextDouble(-30, 30), lat[v], lon[v], soc[v],
                    85 + rnd.nextDouble(0, 8));
            byte[] d = doc.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            b.add(d, 0, d.length, ts);
        }
        return b.build("JSON");
    }

    /** Camera frames already encoded (JPEG/H.264 output is close to incompressible): seeded random bytes. */
    static Corpus camera(int frames) {
        SplittableRandom rnd = new SplittableRandom(7);
        Builder b = new Builder(frames * CAMERA_FRAME);
        byte[] f = new byte[CAMERA_FRAME];
        for (int i = 0; i < frames; i++) {
            for (int k = 0; k < f.length; k += 8) {
                long x = rnd.nextLong();
                for (int j = 0; j < 8 && k + j < f.length; j++) {
                    f[k + j] = (byte) (x >>> (8 * j));
                }
            }
            b.add(f, 0, f.length, 1_674_148_739_000_000_000L + i * 33_333_333L);
        }
        return b.build("CAMERA");
    }

    static Corpus corpus(String name) {
        switch (name) {
            case "CAN": return can();
            case "LIDAR": return lidar();
            case "JSON": return json(16 * 1024);
            case "CAMERA": return camera(8);
            default: throw new IllegalArgumentException("unknown corpus " + name);
        }
    }

    /**
     * {@code size} bytes of MCAP chunk content: the corpus's messages as Message records (opcode, length, channel,
     * sequence, log and publish time, data) back to back, as {@code McapWriter} lays out an uncompressed chunk;
     * the corpus repeats if it is shorter (LZ4's 64 KiB window never sees the repeat in the real ones).
     */
    static byte[] mcapChunk(Corpus c, int size) {
        ByteBuffer out = ByteBuffer.allocate(size + 64 + maxLength(c)).order(ByteOrder.LITTLE_ENDIAN);
        long seq = 0;
        for (int i = 0; out.position() < size; i = (i + 1) % c.count()) {
            int n = c.lengths()[i];
            out.put((byte) 0x05).putLong(2 + 4 + 8 + 8 + n).putShort((short) 1).putInt((int) seq++)
                    .putLong(c.times()[i]).putLong(c.times()[i]).put(c.data(), c.offsets()[i], n);
        }
        return Arrays.copyOf(out.array(), size);
    }

    private static int maxLength(Corpus c) {
        int m = 0;
        for (int l : c.lengths()) {
            m = Math.max(m, l);
        }
        return m;
    }

    private static final class Builder {
        private byte[] data;
        private int length;
        private int[] offsets = new int[1024];
        private int[] lengths = new int[1024];
        private long[] times = new long[1024];
        private int count;

        Builder(int capacity) {
            data = new byte[Math.max(capacity, 1024)];
        }

        void add(byte[] src, int off, int n, long time) {
            if (length + n > data.length) {
                data = Arrays.copyOf(data, Math.max(2 * data.length, length + n));
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, 2 * count);
                lengths = Arrays.copyOf(lengths, 2 * count);
                times = Arrays.copyOf(times, 2 * count);
            }
            System.arraycopy(src, off, data, length, n);
            offsets[count] = length;
            lengths[count] = n;
            times[count] = time;
            count++;
            length += n;
        }

        Corpus build(String name) {
            return new Corpus(name, Arrays.copyOf(data, length), Arrays.copyOf(offsets, count),
                    Arrays.copyOf(lengths, count), Arrays.copyOf(times, count));
        }
    }
}
