package dev.edgeagent.agent.stage;

import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.Modality;
import dev.edgeagent.agent.config.Tier;
import dev.edgeagent.agent.decode.DerivedSchema;
import dev.edgeagent.agent.signal.SignalExtractor;
import org.agrona.concurrent.EpochNanoClock;

import java.nio.file.Path;
import java.util.List;

/** What a {@link TransformFactory} may use while the pipeline is built. */
public interface StageContext {

    AgentConfig config();

    Path dataDir();

    /** The agent's time base (monotonic, anchored to wall-clock time at start). */
    EpochNanoClock clock();

    AuditLog audit();

    /** The agent's version, for manifests of batches a stage seals itself. */
    default String agentVersion() {
        return "dev";
    }

    /** The configuration's hash, for manifests of batches a stage seals itself. */
    default String configHash() {
        return "";
    }

    /** Ids of the configured (captured) streams, in config order. */
    List<String> streamIds();

    /** A configured stream's capture queue; throws for an unknown id. */
    CaptureQueue queue(String streamId);

    StreamStats stats(String streamId);

    PayloadFormat format(String streamId);

    Modality modality(String streamId);

    Tier tier(String streamId);

    /**
     * A new signal extractor for a configured stream (each transform makes its own: extractors are
     * single-threaded), or null when the stream's format carries no numeric signals.
     */
    SignalExtractor signals(String streamId);

    /**
     * Declares a derived stream: its own capture queue, batcher and outbox like a captured stream, written by
     * exactly one transform. Its records are written to MCAP as they are, under {@code schema} (JSON with a
     * JSON Schema, usually), on channel {@code /<id>/<key>} ({@code /<id>} when the key is empty).
     *
     * @param id must not clash with a configured stream or another derived one
     */
    DerivedStream derivedStream(String id, Modality modality, Tier tier, List<String> tags, DerivedSchema schema);

    /**
     * Declares a derived stream whose records keep another stream's raw format (a decimated copy): batched like
     * a captured stream of {@code format}, with that format's schema (and viewer encoding for camera frames) and
     * no decoding; the record key becomes the channel suffix as for captured streams.
     */
    DerivedStream rawDerivedStream(String id, Modality modality, Tier tier, List<String> tags, PayloadFormat format);

    /**
     * A configured stream's records on the agent's time base (their MCAP log time): safe from any thread. Streams
     * whose clock is not modelled give {@link dev.edgeagent.agent.capture.RecordView#timeNs()}.
     */
    default java.util.function.ToLongFunction<dev.edgeagent.agent.capture.RecordView> alignedTime(String streamId) {
        return dev.edgeagent.agent.capture.RecordView::timeNs;
    }
}
