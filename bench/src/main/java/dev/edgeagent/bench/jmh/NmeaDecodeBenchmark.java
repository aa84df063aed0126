package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.gnss.GnssFix;
import dev.edgeagent.protocols.gnss.NmeaDecoder;
import org.agrona.concurrent.UnsafeBuffer;
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
import java.util.concurrent.TimeUnit;

/**
 * NMEA decoding over the bundled u-blox NEO-M9N log (1403 sentences: RMC, VTG, GGA, GSA, GSV, GLL, GST, ZDA, GBS):
 * {@link NmeaDecoder#decode} on sentences in memory, 1024 per invocation; score = sentences/s ({@code bytes}: bytes/s).
 * GSV/GLL... are split and checksummed too (as the capture path does), only the known types are merged.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NmeaDecodeBenchmark {

    static final int PER_INVOCATION = 1024;

    private UnsafeBuffer log;
    private int[] starts;
    private int[] lengths;
    private int next;
    private final NmeaDecoder decoder = new NmeaDecoder();
    private final GnssFix fix = new GnssFix();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        GnssBenchData.Lines lines = GnssBenchData.lines(GnssBenchData.M9N_NMEA);
        log = lines.buffer();
        starts = lines.starts();
        lengths = lines.lengths();
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public double decode(ByteCounter c) {
        double sum = 0;
        int i = next;
        long bytes = 0;
        for (int k = 0; k < PER_INVOCATION; k++) {
            decoder.decode(log, starts[i], lengths[i], fix);
            sum += fix.latitudeDeg;
            bytes += lengths[i];
            i = i + 1 == starts.length ? 0 : i + 1;
        }
        next = i;
        c.bytes += bytes;
        return sum;
    }
}
