package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.can.CandumpParser;
import dev.edgeagent.protocols.can.CandumpReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * candump log decoding over the bundled Civic log (28835 lines, 1.2 MB): {@code parseLines} runs
 * {@link CandumpParser} over lines already in memory, 1024 per invocation, so its score is lines/s ({@code bytes}: log bytes/s);
 * {@code readFile} opens the file with {@link CandumpReader} and reads every frame, as the replay source does
 * (score: passes/s; {@code lines} and {@code bytes} are per second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CandumpBenchmark {

    static final int LINES_PER_INVOCATION = 1024;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Lines {
        public long lines;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            lines = 0;
            bytes = 0;
        }
    }

    private Path file;
    private long fileSize;
    private UnsafeBuffer log;
    private int[] starts;
    private int[] lengths;
    private int next;
    private final CandumpParser parser = new CandumpParser();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchData.sample(BenchData.CIVIC_CANDUMP);
        byte[] bytes = Files.readAllBytes(file);
        fileSize = bytes.length;
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        log = new UnsafeBuffer(direct);
        starts = new int[32 * 1024];
        lengths = new int[32 * 1024];
        int n = 0;
        for (int p = 0; p < bytes.length; ) {
            int e = p;
            while (e < bytes.length && bytes[e] != '\n') {
                e++;
            }
            if (e > p) {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, 2 * n);
                    lengths = Arrays.copyOf(lengths, 2 * n);
                }
                starts[n] = p;
                lengths[n] = e - p;
                n++;
            }
            p = e + 1;
        }
        starts = Arrays.copyOf(starts, n);
        lengths = Arrays.copyOf(lengths, n);
    }

    @Benchmark
    @OperationsPerInvocation(LINES_PER_INVOCATION)
    public long parseLines(ByteCounter c) {
        long sum = 0;
        int i = next;
        long bytes = 0;
        for (int k = 0; k < LINES_PER_INVOCATION; k++) {
            if (parser.parse(log, starts[i], lengths[i], i + 1, starts[i])) {
                sum += parser.frame().canId() + parser.timestampNanos();
            }
            bytes += lengths[i] + 1;
            i = i + 1 == starts.length ? 0 : i + 1;
        }
        next = i;
        c.bytes += bytes;
        return sum;
    }

    @Benchmark
    public long readFile(Lines c) throws IOException {
        long sum = 0;
        try (CandumpReader r = CandumpReader.open(file)) {
            while (r.next()) {
                sum += r.frame().canId() + r.timestampNanos();
                c.lines++;
            }
        }
        c.bytes += fileSize;
        return sum;
    }
}
