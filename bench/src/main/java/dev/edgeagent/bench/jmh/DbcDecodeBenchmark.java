package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.can.CandumpReader;
import dev.edgeagent.protocols.can.dbc.DbcDatabase;
import dev.edgeagent.protocols.can.dbc.DbcDecoder;
import dev.edgeagent.protocols.can.dbc.DbcMessage;
import dev.edgeagent.protocols.can.dbc.DbcSignal;
import dev.edgeagent.protocols.can.dbc.DecodeResult;
import dev.edgeagent.protocols.can.dbc.SignalVisitor;
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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * DBC signal decoding over the bundled Civic log with its DBC: every frame of the log (28835, 56 % of them of an
 * id the DBC knows) stored in the capture layout ({@code CanFrame}) back to back in direct memory, decoded with
 * {@link DbcDecoder#decodeRecord} as the agent would read them from a queue, 1024 per invocation: the score is
 * frames/s (known and unknown ids alike); {@code signals} is signals delivered per second. The visitor only folds
 * the values into a sum.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DbcDecodeBenchmark {

    static final String CIVIC_DBC = "../config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc";
    static final int FRAMES_PER_INVOCATION = 1024;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Signals {
        public long signals;
        public long decodedFrames;

        @Setup(Level.Iteration)
        public void reset() {
            signals = 0;
            decodedFrames = 0;
        }
    }

    /** Folds each value into a sum so that nothing is dead code. */
    static final class Fold implements SignalVisitor {
        long sum;
        long count;

        @Override
        public void onSignal(DbcMessage message, DbcSignal signal, long raw, double physical, String label,
                             boolean outOfRange) {
            sum += raw + Double.doubleToRawLongBits(physical) + (label != null ? 1 : 0) + (outOfRange ? 1 : 0);
            count++;
        }
    }

    private UnsafeBuffer records;
    private int[] offsets;
    private int[] lengths;
    private int next;
    private DbcDecoder decoder;
    private final Fold fold = new Fold();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        decoder = new DbcDecoder(DbcDatabase.load(BenchData.samples().resolve(CIVIC_DBC)));
        ByteBuffer bytes = ByteBuffer.allocateDirect(32 << 20);
        UnsafeBuffer out = new UnsafeBuffer(bytes);
        offsets = new int[32 * 1024];
        lengths = new int[32 * 1024];
        int n = 0;
        int at = 0;
        try (CandumpReader r = CandumpReader.open(BenchData.sample(BenchData.CIVIC_CANDUMP))) {
            while (r.next()) {
                if (n == offsets.length) {
                    offsets = Arrays.copyOf(offsets, 2 * n);
                    lengths = Arrays.copyOf(lengths, 2 * n);
                }
                offsets[n] = at;
                lengths[n] = r.frame().encode(out, at);
                at += lengths[n];
                n++;
            }
        }
        offsets = Arrays.copyOf(offsets, n);
        lengths = Arrays.copyOf(lengths, n);
        records = new UnsafeBuffer(bytes, 0, at);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_INVOCATION)
    public long decodeRecords(Signals c) {
        final long before = fold.count;
        int i = next;
        long decoded = 0;
        for (int k = 0; k < FRAMES_PER_INVOCATION; k++) {
            if (decoder.decodeRecord(records, offsets[i], lengths[i], fold) == DecodeResult.DECODED) {
                decoded++;
            }
            i = i + 1 == offsets.length ? 0 : i + 1;
        }
        next = i;
        c.signals += fold.count - before;
        c.decodedFrames += decoded;
        return fold.sum;
    }
}
