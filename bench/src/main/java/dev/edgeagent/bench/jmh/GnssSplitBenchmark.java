package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.gnss.GnssFrameSplitter;
import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The NMEA/UBX/RTCM3 splitter over both bundled u-blox logs back to back (the NMEA-only NEO-M9N log, 1403 sentences,
 * and the UBX NEO-M8L log, 1402 frames; 146 KB), fed in 4 KiB chunks as a serial reader would; score = passes/s,
 * {@code bytes} = bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GnssSplitBenchmark {

    static final int CHUNK = 4096;

    private UnsafeBuffer stream;
    private int length;
    private long frameBytes;
    private final GnssFrameSplitter splitter = new GnssFrameSplitter(
            (type, offset, buffer, off, len) -> frameBytes += len, BadInputListener.IGNORE);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        byte[] a = GnssBenchData.gpsdLogBody(GnssBenchData.M9N_NMEA);
        byte[] b = GnssBenchData.gpsdLogBody(GnssBenchData.M8L_UBX);
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        length = all.length;
        stream = GnssBenchData.direct(all);
    }

    @Benchmark
    public long split(ByteCounter c) {
        splitter.reset(0);
        for (int p = 0; p < length; p += CHUNK) {
            splitter.feed(stream, p, Math.min(CHUNK, length - p));
        }
        splitter.end();
        c.bytes += length;
        return frameBytes;
    }
}
