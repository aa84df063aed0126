package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.gnss.GnssFix;
import dev.edgeagent.protocols.gnss.UbxDecoder;
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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * UBX NAV-PVT and HNR-PVT decoding ({@link UbxDecoder#decode}) over the 19 + 189 PVT frames of the bundled NEO-M8L
 * log, in memory, 1024 per invocation; score = messages/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UbxDecodeBenchmark {

    static final int PER_INVOCATION = 1024;

    private UnsafeBuffer log;
    private int[] frames;
    private int[] lengths;
    private int next;
    private final GnssFix fix = new GnssFix();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        byte[] body = GnssBenchData.gpsdLogBody(GnssBenchData.M8L_UBX);
        int[] at = new int[256];
        int[] len = new int[256];
        int n = 0;
        for (int i = 0; i + 8 <= body.length; ) {
            if ((body[i] & 0xFF) == 0xB5 && body[i + 1] == 0x62) {
                int l = (body[i + 4] & 0xFF) | (body[i + 5] & 0xFF) << 8;
                boolean pvt = (body[i + 2] == 0x01 && body[i + 3] == 0x07) || (body[i + 2] == 0x28 && body[i + 3] == 0);
                if (pvt) {
                    if (n == at.length) {
                        at = Arrays.copyOf(at, 2 * n);
                        len = Arrays.copyOf(len, 2 * n);
                    }
                    at[n] = i;
                    len[n] = 8 + l;
                    n++;
                }
                i += 8 + l;
            } else if (body[i] == '$') {
                while (body[i] != '\n') {
                    i++;
                }
                i++;
            } else {
                i++;
            }
        }
        frames = Arrays.copyOf(at, n);
        lengths = Arrays.copyOf(len, n);
        log = GnssBenchData.direct(body);
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public double decode(ByteCounter c) {
        double sum = 0;
        int i = next;
        long bytes = 0;
        for (int k = 0; k < PER_INVOCATION; k++) {
            UbxDecoder.decode(log, frames[i], lengths[i], fix);
            sum += fix.longitudeDeg;
            bytes += lengths[i];
            i = i + 1 == frames.length ? 0 : i + 1;
        }
        next = i;
        c.bytes += bytes;
        return sum;
    }
}
