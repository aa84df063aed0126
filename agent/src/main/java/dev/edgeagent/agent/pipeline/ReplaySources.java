package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfig.SourceConfig;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.concurrent.EpochNanoClock;

/** Replay sources for pcap/pcapng and candump files. (Wired when the replay adapters land.) */
final class ReplaySources {

    private ReplaySources() {
    }

    static AgentConfig.ReplayFormat format(SourceConfig s) {
        return dev.edgeagent.agent.config.ReplayFormats.of(s);
    }

    static SourceHandle create(StreamConfig stream, RecordSink sink, StreamStats stats, EpochNanoClock clock,
                               boolean once, long alreadyCaptured) {
        throw new UnsupportedOperationException("replay sources are not wired yet");
    }
}
