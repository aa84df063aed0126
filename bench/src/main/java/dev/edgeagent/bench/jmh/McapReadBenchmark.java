package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.mcap.McapMessage;
import dev.edgeagent.protocols.mcap.McapReader;
import dev.edgeagent.protocols.mcap.McapWriter;
import dev.edgeagent.protocols.mcap.McapWriterOptions;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link McapReader} over an MCAP file written in {@code @Setup} with the agent's writer defaults: the bundled
 * Civic CAN frames (16 B records, 3 passes over the log) and as many JSON telemetry documents, on two channels,
 * interleaved; LZ4 or uncompressed chunks (about 4.7 MB of messages). Each invocation opens the file (magic,
 * framing, CRCs, summary) and iterates every message. The score is files/s; {@code messages} and {@code bytes}
 * (message payload bytes) are per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class McapReadBenchmark {

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Messages {
        public long messages;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            messages = 0;
            bytes = 0;
        }
    }

    @Param({"LZ4", "NONE"})
    public String compression;

    private byte[] file;

    @Setup(Level.Trial)
    public void write() throws IOException {
        BenchData.Corpus can = BenchData.can();
        BenchData.Corpus json = BenchData.json(can.count());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 << 20);
        try (McapWriter w = new McapWriter(Channels.newChannel(bytes), McapWriterOptions.defaults()
                .compression(McapWriterOptions.Compression.valueOf(compression)))) {
            int canChannel = w.addChannel(0, "/vehicle/can0", "can_frame", Map.of());
            int jsonChannel = w.addChannel(0, "/vehicle/telemetry", "json", Map.of());
            long seq = 0;
            for (int pass = 0; pass < 3; pass++) {
                for (int i = 0; i < can.count(); i++) {
                    w.writeMessage(canChannel, seq, can.times()[i], can.times()[i], can.data(), can.offsets()[i],
                            can.lengths()[i]);
                    w.writeMessage(jsonChannel, seq, can.times()[i], can.times()[i], json.data(), json.offsets()[i],
                            json.lengths()[i]);
                    seq++;
                }
            }
        }
        file = bytes.toByteArray();
    }

    @Benchmark
    public long readAll(Messages c) {
        long sum = 0;
        long bytes = 0;
        long messages = 0;
        for (McapMessage m : McapReader.read(file).messages()) {
            byte[] d = m.message().data();
            sum += d.length + m.message().logTime();
            bytes += d.length;
            messages++;
        }
        c.messages += messages;
        c.bytes += bytes;
        return sum;
    }
}
