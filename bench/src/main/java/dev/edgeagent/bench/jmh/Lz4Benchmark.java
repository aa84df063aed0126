package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.mcap.ChunkCompressor;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The MCAP chunk codec ({@link ChunkCompressor}: one LZ4 frame per 1 MiB chunk, lz4-java's native block compressor)
 * over 1 MiB of chunk content: Message records carrying the bundled Civic CAN frames, the bundled Ouster
 * packets, JSON telemetry, or incompressible camera bytes. The score is chunks/s; {@code bytes} is uncompressed
 * bytes/s, for both directions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Lz4Benchmark {

    static final int CHUNK = 1 << 20;

    @Param({"CAN", "LIDAR", "JSON", "CAMERA"})
    public String corpus;

    private byte[] chunk;
    private byte[] frame;
    private byte[] decoded;
    private ChunkCompressor codec;

    @Setup(Level.Trial)
    public void setUp() {
        chunk = BenchData.mcapChunk(BenchData.corpus(corpus), CHUNK);
        codec = new ChunkCompressor();
        int n = codec.compress(chunk, 0, CHUNK);
        frame = Arrays.copyOf(codec.output(), n);
        decoded = new byte[CHUNK];
        if (ChunkCompressor.decompress(frame, 0, n, decoded) != CHUNK || !Arrays.equals(decoded, chunk)) {
            throw new IllegalStateException("LZ4 round trip of the " + corpus + " chunk failed");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        codec.close();
    }

    /** Compressed size over uncompressed size of the corpus's 1 MiB chunk. */
    static double ratio(String corpus) {
        byte[] c = BenchData.mcapChunk(BenchData.corpus(corpus), CHUNK);
        try (ChunkCompressor codec = new ChunkCompressor()) {
            return codec.compress(c, 0, CHUNK) / (double) CHUNK;
        }
    }

    @Benchmark
    public int compress(ByteCounter c) {
        c.bytes += CHUNK;
        return codec.compress(chunk, 0, CHUNK);
    }

    @Benchmark
    public int decompress(ByteCounter c) {
        c.bytes += CHUNK;
        return ChunkCompressor.decompress(frame, 0, frame.length, decoded);
    }
}
