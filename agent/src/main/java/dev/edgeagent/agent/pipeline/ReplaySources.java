package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfig.SourceConfig;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ReplayFormats;
import dev.edgeagent.protocols.gnss.GnssReplaySettings;
import dev.edgeagent.protocols.gnss.GnssStreamReplaySource;
import dev.edgeagent.protocols.imu.ImuCsvMapping;
import dev.edgeagent.protocols.imu.ImuCsvReplaySettings;
import dev.edgeagent.protocols.imu.ImuCsvReplaySource;
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

/** Replay sources from {@code protocols}: pcap/pcapng UDP payloads, candump CAN logs, GNSS receiver logs, IMU CSV, MP4 video. */
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
        switch (format(s)) {
            case candump -> {
                Set<String> interfaces = new TreeSet<>(s.interfaces().orElse(List.of()));
                source = new CandumpReplaySource(new CandumpReplaySettings(file, interfaces, pacing, s.loop(),
                        CandumpReplaySettings.DEFAULT_MAX_RECORDS_PER_WORK), sink, badInput, clock, SystemNanoClock.INSTANCE);
                description = "candump " + file + (interfaces.isEmpty() ? "" : " " + interfaces);
            }
            case gnss -> {
                source = new GnssStreamReplaySource(GnssReplaySettings.of(file).withPacing(pacing).withLoop(s.loop()),
                        sink, badInput, clock, SystemNanoClock.INSTANCE);
                description = "GNSS receiver bytes (NMEA/UBX/RTCM3) " + file;
            }
            case csv -> {
                ImuCsvMapping mapping = s.columns() == AgentConfig.ImuCsvLayout.euroc ? ImuCsvMapping.EUROC : ImuCsvMapping.XIO;
                source = new ImuCsvReplaySource(ImuCsvReplaySettings.of(file, mapping).withPacing(pacing)
                        .withLoop(s.loop()), sink, badInput, clock, SystemNanoClock.INSTANCE);
                description = "IMU CSV (" + s.columns() + " columns) " + file;
            }
            case mp4 -> throw new UnsupportedOperationException("mp4 replay is not wired yet");
            default -> {
                Set<Integer> ports = new TreeSet<>(s.ports().orElse(List.of()));
                source = new PcapReplaySource(new PcapReplaySettings(file, ports, pacing, s.loop(),
                        PcapReplaySettings.DEFAULT_MAX_RECORDS_PER_WORK), sink, badInput, clock, SystemNanoClock.INSTANCE);
                description = "pcap " + file + (ports.isEmpty() ? " (all UDP)" : " UDP " + ports);
            }
        }
        source.skipRecords(alreadyCaptured);
        ReplaySource replay = source;
        return new SourceHandle(source, description + ", " + pacing, !s.loop(),
                () -> replay.exhausted() ? "done" : "replaying", () -> 0, replay::nanosUntilDue);
    }
}
