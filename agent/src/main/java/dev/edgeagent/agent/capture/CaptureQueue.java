package dev.edgeagent.agent.capture;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * The durable capture queue of one stream: a memory-mapped Chronicle Queue in
 * {@code <dataDir>/queues/<streamId>}. One writer (the stream's source thread, through
 * {@link ChronicleRecordSink}); any number of tailers (the batcher, trigger windows).
 */
public final class CaptureQueue implements AutoCloseable {

    private final String streamId;
    private final int fingerprint;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final StreamStats stats;

    public CaptureQueue(Path dataDir, String streamId, String rollCycle, StreamStats stats) {
        this.streamId = streamId;
        this.fingerprint = CaptureRecord.fingerprint(streamId);
        this.dir = queueDir(dataDir, streamId);
        this.stats = stats;
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(RollCycles.valueOf(rollCycle))
                .build();
        stats.initLastSequence(readLastSequence());
    }

    public static Path queueDir(Path dataDir, String streamId) {
        return dataDir.resolve("queues").resolve(streamId);
    }

    /**
     * Sequence of the newest complete record, -1 for an empty queue. An excerpt cut short by a crash is
     * never complete in Chronicle, so it is not seen here and its record is captured again.
     */
    private long readLastSequence() {
        ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        RecordView view = new RecordView();
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            view.wrap(dc.wire().bytes());
            checkFingerprint(view);
            return view.sequence();
        } finally {
            tailer.close();
        }
    }

    void checkFingerprint(RecordView view) {
        if (view.fingerprint() != fingerprint) {
            throw new IllegalStateException("capture queue " + dir + " holds records of another stream"
                    + " (fingerprint " + Integer.toHexString(view.fingerprint()) + ", expected "
                    + Integer.toHexString(fingerprint) + " for stream " + streamId + ")");
        }
    }

    /** The sink a source writes into. Use it from one thread only. */
    public ChronicleRecordSink newSink() {
        return new ChronicleRecordSink(this);
    }

    public SingleChronicleQueue chronicle() {
        return queue;
    }

    public String streamId() {
        return streamId;
    }

    int fingerprint() {
        return fingerprint;
    }

    public StreamStats stats() {
        return stats;
    }

    public Path dir() {
        return dir;
    }

    /** Next sequence to assign: one after the newest record. */
    public long nextSequence() {
        return stats.lastSequence() + 1;
    }

    @Override
    public void close() {
        queue.close();
    }
}
