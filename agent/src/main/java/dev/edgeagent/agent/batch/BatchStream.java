package dev.edgeagent.agent.batch;

import dev.edgeagent.agent.decode.PrimaryEncoding;
import dev.edgeagent.agent.decode.RecordDecoder;

import java.util.List;

/**
 * What a batcher needs to know about its stream, and what every manifest says about the batch's origin.
 *
 * @param primary how the stream's own records are written (null: raw, in {@code format}'s layout)
 * @param decoder what derives messages from them (null: none); one instance per stream, its state spans batches
 */
public record BatchStream(String streamId, String modality, String tier, List<String> tags, PayloadFormat format,
                          String deviceId, String agentVersion, String configHash, PrimaryEncoding primary,
                          RecordDecoder decoder) {

    public BatchStream(String streamId, String modality, String tier, List<String> tags, PayloadFormat format,
                       String deviceId, String agentVersion, String configHash) {
        this(streamId, modality, tier, tags, format, deviceId, agentVersion, configHash, null, null);
    }
}
