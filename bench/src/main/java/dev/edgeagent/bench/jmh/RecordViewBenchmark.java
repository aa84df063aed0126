package dev.edgeagent.bench.jmh;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.ChronicleRecordSink;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reading a capture queue back as the batcher does: a tailer walks the excerpts from the start and
 * {@link RecordView} steps through the block of records in each, reading each record's header fields and
 * touching its payload. The queue (about 16 MiB of records, written in @Setup by {@link ChronicleRecordSink} with
 * a flush every 64 records) stays mapped. The score is passes/s; {@code records} is records/s (payloads are
 * views: only their last byte is read, so no byte rate is reported).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordViewBenchmark {

    static final long QUEUE_BYTES = 16 << 20;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Records {
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
        }
    }

    @Param({"16", "1024"})
    public int payloadSize;

    private Path dir;
    private CaptureQueue queue;
    private ExcerptTailer tailer;
    private final RecordView view = new RecordView();
    private long written;

    @Setup(Level.Trial)
    public void write() {
        dir = BenchData.tempDir("bench-view");
        queue = new CaptureQueue(dir, "bench", "FAST_HOURLY", new StreamStats("bench"));
        byte[] key = "can0".getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[payloadSize];
        new SplittableRandom(3).nextBytes(payload);
        UnsafeBuffer k = new UnsafeBuffer(key);
        UnsafeBuffer p = new UnsafeBuffer(payload);
        ChronicleRecordSink sink = queue.newSink();
        written = QUEUE_BYTES / (48 + payloadSize);
        for (long i = 0; i < written; i++) {
            long now = System.nanoTime();
            sink.append(RecordSink.NO_SENSOR_TIME, now, now, k, 0, key.length, p, 0, payloadSize);
            if (i % 64 == 63) {
                sink.flush();
            }
        }
        sink.flush();
        tailer = queue.chronicle().createTailer();
    }

    @TearDown(Level.Trial)
    public void delete() {
        tailer.close();
        queue.close();
        BenchData.deleteTree(dir);
    }

    @Benchmark
    public long readAll(Records c) {
        long sum = 0;
        long records = 0;
        tailer.toStart();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                view.block(dc.wire().bytes());
                while (view.next()) {
                    UnsafeBuffer payload = view.payload();
                    int n = payload.capacity();
                    sum += view.sequence() + view.receiveMonoNs() + payload.getByte(n - 1);
                    records++;
                }
            }
        }
        if (records != written) {
            throw new IllegalStateException("read " + records + " records, wrote " + written);
        }
        c.records += records;
        return sum;
    }
}
