package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.net.UdpExtractor;
import dev.edgeagent.protocols.pcap.PcapReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The lidar replay path over the bundled Ouster OS-1-128 pcap (192 lidar packets of 8448 B and 30 IMU packets,
 * 1.6 MB): {@code readAndExtract} opens the file with {@link PcapReader} and takes every packet's UDP payload out
 * with {@link UdpExtractor}, as the replay source does; {@code extractOnly} runs the extractor alone over the same
 * frames held in memory. The score is passes over the file per second; {@code packets} is per second, and for
 * {@code readAndExtract} {@code bytes} is captured frame bytes read per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PcapDecodeBenchmark {

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Packets {
        public long packets;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            packets = 0;
            bytes = 0;
        }
    }

    /** extractOnly reads headers only: a byte rate would mean nothing. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Datagrams {
        public long packets;

        @Setup(Level.Iteration)
        public void reset() {
            packets = 0;
        }
    }

    private Path file;
    private final UdpExtractor udp = new UdpExtractor();
    // the frames of the file, in direct memory, for extractOnly
    private UnsafeBuffer frames;
    private int[] offsets;
    private int[] lengths;
    private int[] linkTypes;
    private long[] times;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchData.sample(BenchData.OUSTER_PCAP);
        ByteBuffer all = ByteBuffer.allocateDirect(2 << 20);
        int n = 0;
        offsets = new int[1024];
        lengths = new int[1024];
        linkTypes = new int[1024];
        times = new long[1024];
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                if (n == offsets.length) {
                    offsets = Arrays.copyOf(offsets, 2 * n);
                    lengths = Arrays.copyOf(lengths, 2 * n);
                    linkTypes = Arrays.copyOf(linkTypes, 2 * n);
                    times = Arrays.copyOf(times, 2 * n);
                }
                offsets[n] = all.position();
                lengths[n] = r.capturedLength();
                linkTypes[n] = r.linkType();
                times[n] = r.timestampNanos();
                byte[] copy = new byte[r.capturedLength()];
                r.data().getBytes(r.dataOffset(), copy);
                all.put(copy);
                n++;
            }
        }
        offsets = Arrays.copyOf(offsets, n);
        frames = new UnsafeBuffer(all, 0, all.position());
    }

    @Benchmark
    public long readAndExtract(Packets c) throws IOException {
        long payload = 0;
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                c.packets++;
                c.bytes += r.capturedLength();
                if (udp.extract(r.linkType(), r.data(), r.dataOffset(), r.capturedLength(), r.timestampNanos(),
                        r.fileOffset()) == UdpExtractor.Result.DATAGRAM) {
                    payload += udp.payloadLength() + udp.payload().getByte(udp.payloadOffset());
                }
            }
        }
        return payload;
    }

    @Benchmark
    public long extractOnly(Datagrams c) {
        long payload = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (udp.extract(linkTypes[i], frames, offsets[i], lengths[i], times[i], i)
                    == UdpExtractor.Result.DATAGRAM) {
                payload += udp.payloadLength() + udp.payload().getByte(udp.payloadOffset());
            }
        }
        c.packets += offsets.length;
        return payload;
    }
}
