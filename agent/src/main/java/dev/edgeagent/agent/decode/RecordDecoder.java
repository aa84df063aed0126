package dev.edgeagent.agent.decode;

import dev.edgeagent.agent.capture.RecordView;

import java.io.IOException;

/**
 * Derives messages from one stream's captured records, on its batcher's thread, in capture order. One instance
 * per stream: state may span batches (a LiDAR sweep, a GNSS epoch).
 */
public interface RecordDecoder {

    /** Decodes one record; writes whatever it completes to {@code out}. Bad input is counted, never thrown. */
    void decode(RecordView record, DerivedOutput out) throws IOException;

    /**
     * Forgets partial state: the batcher calls it when it drops a failed batch and reads its records again, so
     * that nothing is decoded twice.
     */
    void reset();

    /** Counters for the operator: decoded, undecodable, ... by name. */
    java.util.Map<String, Long> counters();
}
