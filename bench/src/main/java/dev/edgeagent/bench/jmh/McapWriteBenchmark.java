package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.mcap.McapWriter;
import dev.edgeagent.protocols.mcap.McapWriterOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MCAP writing as the batcher does it: {@link McapWriter} with the agent's defaults (1 MiB chunks, every index)
 * and LZ4 or no chunk compression, messages handed over from direct memory, into a channel that discards the
 * bytes (the file system is not what is measured). The score is messages/s (chunk compression and the
 * Message Index records included, as each chunk fills); {@code bytes} is message payload bytes/s.
 *
 * <p>Shapes: {@code CAN} 16-byte can_frame records of the bundled Civic log; {@code JSON} about 200-byte telemetry
 * documents; {@code CAMERA} 250 kB incompressible frames. One writer for the whole run (its summary, which grows
 * by a chunk index entry per chunk, is written at the end), so that allocation per message is what the writer
 * allocates, not its construction.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class McapWriteBenchmark {

    @Param({"CAN", "JSON", "CAMERA"})
    public String shape;

    @Param({"LZ4", "NONE"})
    public String compression;

    private BenchData.Corpus corpus;
    private UnsafeBuffer data;
    private int[] offsets;
    private int[] lengths;
    private long[] times;
    private int next;
    private long sequence;
    private McapWriter writer;
    private int channel;
    private final Discard out = new Discard();

    /** Counts and drops what the writer hands over. */
    static final class Discard implements WritableByteChannel {
        long bytes;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            bytes += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Setup(Level.Trial)
    public void corpus() {
        corpus = BenchData.corpus(shape);
        data = corpus.direct();
        offsets = corpus.offsets();
        lengths = corpus.lengths();
        times = corpus.times();
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        writer = new McapWriter(out, McapWriterOptions.defaults()
                .compression(McapWriterOptions.Compression.valueOf(compression)));
        channel = writer.addChannel(0, "/bench/" + shape.toLowerCase(), "application/octet-stream", Map.of());
    }

    @TearDown(Level.Trial)
    public void finish() throws IOException {
        writer.finish();
    }

    @Benchmark
    public void writeMessage(ByteCounter c) throws IOException {
        int i = next;
        next = i + 1 == offsets.length ? 0 : i + 1;
        int n = lengths[i];
        writer.writeMessage(channel, sequence++, times[i], times[i], data, offsets[i], n);
        c.bytes += n;
    }
}
