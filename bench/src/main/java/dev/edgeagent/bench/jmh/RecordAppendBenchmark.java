package dev.edgeagent.bench.jmh;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.CaptureRecord;
import dev.edgeagent.agent.capture.ChronicleRecordSink;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.RecordSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Capture append: records into a {@link CaptureQueue} through its {@link ChronicleRecordSink}, committed by
 * {@code flush()} after every record ({@code sinkFlushEach}) or after 64 ({@code sinkBatch64}, a duty cycle of a
 * busy source). The score is records/s; the {@code bytes} counter is payload bytes/s. {@code chronicleExcerptEach}
 * is the baseline: the same record bytes (header, key, payload) as one raw Chronicle excerpt each.
 *
 * <p>Each iteration writes into a fresh queue (under {@code /dev/shm} where it exists, see
 * {@link BenchData#tempDir}) that is deleted after it, so a large-payload run does not fill the disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordAppendBenchmark {

    static final int BATCH = 64;
    static final byte[] KEY = "can0".getBytes(StandardCharsets.UTF_8);

    /** The payload, in direct memory as a source's receive buffer holds it. */
    @State(Scope.Thread)
    public static class Payload {
        @Param({"16", "64", "1024", "262144"})
        public int payloadSize;

        final UnsafeBuffer key = new UnsafeBuffer(KEY);
        UnsafeBuffer payload;
        Path dir;
        CaptureQueue queue;

        @Setup(Level.Trial)
        public void payload() {
            byte[] b = new byte[payloadSize];
            new SplittableRandom(1).nextBytes(b);
            payload = new UnsafeBuffer(ByteBuffer.allocateDirect(payloadSize));
            payload.putBytes(0, b);
        }

        void openQueue() {
            dir = BenchData.tempDir("bench-append");
            queue = new CaptureQueue(dir, "bench", "FAST_HOURLY", new StreamStats("bench"));
        }

        void closeQueue() {
            queue.close();
            BenchData.deleteTree(dir);
        }
    }

    @State(Scope.Thread)
    public static class Sink extends Payload {
        ChronicleRecordSink sink;

        @Setup(Level.Iteration)
        public void open() {
            openQueue();
            sink = queue.newSink();
        }

        @TearDown(Level.Iteration)
        public void close() {
            sink.flush();
            closeQueue();
        }

        void append() {
            long now = System.nanoTime();
            if (!sink.append(RecordSink.NO_SENSOR_TIME, now, now, key, 0, KEY.length, payload, 0, payloadSize)) {
                throw new IllegalStateException("the sink refused a record: see its log");
            }
        }
    }

    @State(Scope.Thread)
    public static class Raw extends Payload {
        ExcerptAppender appender;
        long sequence;

        @Setup(Level.Iteration)
        public void open() {
            openQueue();
            appender = queue.chronicle().createAppender();
        }

        @TearDown(Level.Iteration)
        public void close() {
            appender.close();
            closeQueue();
        }
    }

    @Benchmark
    public void sinkFlushEach(Sink s, ByteCounter c) {
        s.append();
        if (!s.sink.flush()) {
            throw new IllegalStateException("flush failed");
        }
        c.bytes += s.payloadSize;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sinkBatch64(Sink s, ByteCounter c) {
        for (int i = 0; i < BATCH; i++) {
            s.append();
        }
        if (!s.sink.flush()) {
            throw new IllegalStateException("flush failed");
        }
        c.bytes += (long) BATCH * s.payloadSize;
    }

    /** Raw Chronicle: the payload alone as one excerpt per record, no agent code (the baseline). */
    @Benchmark
    public void chronicleExcerptEach(Raw r, ByteCounter c) {
        try (DocumentContext dc = r.appender.writingDocument()) {
            dc.wire().bytes().unsafeWrite(r.payload.addressOffset(), r.payloadSize);
        }
        c.bytes += r.payloadSize;
    }
}
