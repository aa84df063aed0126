package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfig.SourceConfig;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ReplayFormats;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.replay.CandumpReplaySettings;
import dev.edgeagent.protocols.source.replay.CandumpReplaySource;
import dev.edgeagent.protocols.source.replay.PcapReplaySettings;
import dev.edgeagent.protocols.source.replay.PcapReplaySource;
import dev.edgeagent.protocols.source.replay.ReplayPacing;
import dev.edgeagent.protocols.source.replay.ReplaySource;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Replay sources: pcap/pcapng UDP payloads and candump CAN logs, from {@code protocols}. */
final class ReplaySources {

    private ReplaySources() {
    }

    static AgentConfig.ReplayFormat format(SourceConfig s) {
        return ReplayFormats.of(s);
    }

    /**
     * @param once            --once plays as fast as possible, whatever the configured timing
     * @param alreadyCaptured records of this file already in the queue: skipped, so a restart goes on
     */
    static SourceHandle create(StreamConfig stream, RecordSink sink, StreamStats stats, EpochNanoClock clock,
                               boolean once, long alreadyCaptured) {
        SourceConfig s = stream.source();
        Path file = s.file().orElseThrow();
        ReplayPacing pacing = once || s.timing() == AgentConfig.ReplayTiming.max
                ? ReplayPacing.asFastAsPossible() : ReplayPacing.originalTiming(s.speed());
        BadInputLog badInput = new BadInputLog(stats, file.toString());
        ReplaySource source;
        String description;
        if (format(s) == AgentConfig.ReplayFormat.candump) {
            Set<String> interfaces = new TreeSet<>(s.interfaces().orElse(List.of()));
            source = new CandumpReplaySource(new CandumpReplaySettings(file, interfaces, pacing, s.loop(),
                    CandumpReplaySettings.DEFAULT_MAX_RECORDS_PER_WORK), sink, badInput, clock, SystemNanoClock.INSTANCE);
            description = "candump " + file + (interfaces.isEmpty() ? "" : " " + interfaces);
        } else {
            Set<Integer> ports = new TreeSet<>(s.ports().orElse(List.of()));
            source = new PcapReplaySource(new PcapReplaySettings(file, ports, pacing, s.loop(),
                    PcapReplaySettings.DEFAULT_MAX_RECORDS_PER_WORK), sink, badInput, clock, SystemNanoClock.INSTANCE);
            description = "pcap " + file + (ports.isEmpty() ? " (all UDP)" : " UDP " + ports);
        }
        source.skipRecords(alreadyCaptured);
        ReplaySource replay = source;
        return new SourceHandle(source, description + ", " + pacing, !s.loop(),
                () -> replay.exhausted() ? "done" : "replaying", () -> 0, replay::nanosUntilDue);
    }
}
