package dev.edgeagent.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import dev.edgeagent.protocols.lidar.ouster.OusterMetadata;
import dev.edgeagent.protocols.lidar.ouster.OusterSweepAssembler;
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

/**
 * Ouster decoding and frame assembly over the bundled OS-1-128 capture's UDP payloads held in direct memory
 * (192 lidar packets of 8448 B, profile RNG15_RFL8_NIR8, 3 frames of 1024 x 128; 30 IMU packets): every packet
 * through
 * {@link OusterSweepAssembler#accept}, then {@code finish()} and {@code reset()} so that each pass is the same
 * stream again. The score is capture passes per second; {@code packets} and {@code points} (points handed over in
 * sweeps) are per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OusterDecodeBenchmark {

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long packets;
        public long points;

        @Setup(Level.Iteration)
        public void reset() {
            packets = 0;
            points = 0;
        }
    }

    private UnsafeBuffer payloads;
    private int[] offsets;
    private int[] lengths;
    private int[] ports;
    private long[] times;
    private long sweepPoints;
    private OusterSweepAssembler assembler;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String file = BenchData.OUSTER_PCAP;
        ByteBuffer all = ByteBuffer.allocateDirect(4 << 20);
        offsets = new int[256];
        lengths = new int[256];
        ports = new int[256];
        times = new long[256];
        int n = 0;
        UdpExtractor udp = new UdpExtractor();
        try (PcapReader r = PcapReader.open(BenchData.sample(file))) {
            while (r.next()) {
                if (udp.extract(r.linkType(), r.data(), r.dataOffset(), r.capturedLength(), r.timestampNanos(),
                        r.fileOffset()) != UdpExtractor.Result.DATAGRAM) {
                    continue;
                }
                if (n == offsets.length) {
                    offsets = Arrays.copyOf(offsets, 2 * n);
                    lengths = Arrays.copyOf(lengths, 2 * n);
                    ports = Arrays.copyOf(ports, 2 * n);
                    times = Arrays.copyOf(times, 2 * n);
                }
                byte[] copy = new byte[udp.payloadLength()];
                udp.payload().getBytes(udp.payloadOffset(), copy);
                offsets[n] = all.position();
                lengths[n] = copy.length;
                ports[n] = udp.destinationPort();
                times[n] = r.timestampNanos();
                all.put(copy);
                n++;
            }
        }
        offsets = Arrays.copyOf(offsets, n);
        payloads = new UnsafeBuffer(all, 0, all.position());
        OusterMetadata meta = OusterMetadata.read(
                BenchData.samples().getParent().resolve(BenchData.OUSTER_METADATA));
        assembler = new OusterSweepAssembler(meta, (info, points) -> sweepPoints += points.size(),
                (kind, offset, detail) -> {
                    throw new IllegalStateException(kind + " at " + offset + ": " + detail);
                });
    }

    @Benchmark
    public long decode(Counts c) {
        long before = sweepPoints;
        for (int i = 0; i < offsets.length; i++) {
            assembler.accept(payloads, offsets[i], lengths[i], times[i], ports[i]);
        }
        assembler.finish();
        assembler.reset();
        c.packets += offsets.length;
        c.points += sweepPoints - before;
        return sweepPoints;
    }
}
