package dev.edgeagent.agent.stage;

import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.RecordView;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads one capture queue for a transform, from a named checkpoint (a Chronicle named tailer) that only
 * {@link #commit()} moves: after a restart the transform starts again from its last commit. Records arrive
 * block by block (an excerpt holds up to 1024 records) through a reused {@link RecordView}. Create, poll and
 * commit on the transform's thread: Chronicle tailers belong to the thread that made them.
 */
public final class QueueReader implements AutoCloseable {

    /** What a transform does with each record; the view is valid during the call only. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(RecordView record);
    }

    private final CaptureQueue queue;
    private final String checkpointName;
    private final RecordView view = new RecordView();
    private ExcerptTailer reader;
    private ExcerptTailer checkpoint;
    private long lastIndex = -1;
    private boolean atEnd;

    /** @param checkpointName unique per transform and queue, e.g. "align-front" (letters, digits, '-') */
    public QueueReader(CaptureQueue queue, String checkpointName) {
        this.queue = queue;
        this.checkpointName = checkpointName;
    }

    public String streamId() {
        return queue.streamId();
    }

    private void open() {
        checkpoint = queue.chronicle().createTailer(checkpointName);
        reader = queue.chronicle().createTailer();
        long index = checkpoint.index();
        if (index > 0) {
            // the checkpoint names the last excerpt fully handled: continue after it
            if (reader.moveToIndex(index)) {
                try (DocumentContext dc = reader.readingDocument()) {
                    // skip it
                }
            } else {
                reader.toStart();
            }
        }
    }

    /**
     * Hands whole blocks to {@code handler} until at least {@code maxRecords} records were handled or the
     * queue has nothing more.
     *
     * @return records handled
     */
    public int poll(RecordHandler handler, int maxRecords) {
        if (reader == null) {
            open();
        }
        int n = 0;
        atEnd = false;
        while (n < maxRecords) {
            try (DocumentContext dc = reader.readingDocument()) {
                if (!dc.isPresent()) {
                    atEnd = true;
                    break;
                }
                lastIndex = dc.index();
                view.block(dc.wire().bytes());
                while (view.next()) {
                    handler.onRecord(view);
                    n++;
                }
            }
        }
        return n;
    }

    /** True when the last poll reached the end of what the queue held. */
    public boolean atEnd() {
        return atEnd;
    }

    /** Moves the checkpoint to the last block handled; call after the outputs are flushed. */
    public void commit() {
        if (lastIndex >= 0 && checkpoint != null) {
            checkpoint.moveToIndex(lastIndex);
        }
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
            checkpoint.close();
            reader = null;
        }
    }
}
