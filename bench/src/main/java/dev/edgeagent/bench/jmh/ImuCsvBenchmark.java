package dev.edgeagent.bench.jmh;

import dev.edgeagent.protocols.imu.ImuCsvMapping;
import dev.edgeagent.protocols.imu.ImuCsvParser;
import dev.edgeagent.protocols.imu.ImuRecord;
import dev.edgeagent.protocols.imu.ImuSample;
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
 * IMU CSV rows to the stored record: {@link ImuCsvParser} with the x-io preset (10 columns, deg/s, g, µT) over the
 * bundled 13514-row file in memory, then {@link ImuRecord#encode}; 1024 rows per invocation, score = rows/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ImuCsvBenchmark {

    static final int PER_INVOCATION = 1024;

    private UnsafeBuffer csv;
    private int[] starts;
    private int[] lengths;
    private int next;
    private final ImuCsvParser parser = new ImuCsvParser(ImuCsvMapping.XIO);
    private final ImuSample sample = new ImuSample();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[ImuRecord.LENGTH]);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        GnssBenchData.Lines lines = GnssBenchData.lines(
                java.nio.file.Files.readAllBytes(BenchData.sample(GnssBenchData.XIO_CSV)), 1);
        csv = lines.buffer();
        starts = lines.starts();
        lengths = lines.lengths();
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public long parseRows(ByteCounter c) {
        long sum = 0;
        int i = next;
        long bytes = 0;
        for (int k = 0; k < PER_INVOCATION; k++) {
            parser.parse(csv, starts[i], lengths[i], sample);
            ImuRecord.encode(sample, out, 0);
            sum += sample.timeNs;
            bytes += lengths[i] + 1;
            i = i + 1 == starts.length ? 0 : i + 1;
        }
        next = i;
        c.bytes += bytes;
        return sum;
    }
}
