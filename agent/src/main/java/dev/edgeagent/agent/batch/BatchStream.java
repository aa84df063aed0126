package dev.edgeagent.agent.batch;

import java.util.List;

/** What a batcher needs to know about its stream, and what every manifest says about the batch's origin. */
public record BatchStream(String streamId, String modality, String tier, List<String> tags, PayloadFormat format,
                          String deviceId, String agentVersion, String configHash) {
}
