package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfig.SourceConfig;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.config.ReplayFormats;
import dev.edgeagent.protocols.camera.ImageSequenceSettings;
import dev.edgeagent.protocols.camera.ImageSequenceSource;
import dev.edgeagent.protocols.camera.Mp4H264ReplaySource;
import dev.edgeagent.protocols.camera.Mp4ReplaySettings;
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

    /** --once plays as fast as possible, whatever the configured timing. */
    private static ReplayPacing pacing(SourceConfig s, boolean once) {
        return once || s.timing() == AgentConfig.ReplayTiming.max
                ? ReplayPacing.asFastAsPossible() : ReplayPacing.originalTiming(s.speed());
    }

    /** A directory of JPEG/PNG frames; an EuRoC camera folder (data.csv + data/) gives each frame its time. */
    static SourceHandle images(StreamConfig stream, RecordSink sink, StreamStats stats, EpochNanoClock clock,
                               boolean once, long alreadyCaptured) {
        SourceConfig s = stream.source();
        Path dir = s.directory().orElseThrow();
        ReplayPacing pacing = pacing(s, once);
        boolean euroc = java.nio.file.Files.isRegularFile(dir.resolve("data.csv"));
        ImageSequenceSettings settings = (euroc ? ImageSequenceSettings.ofEurocCsv(dir.resolve("data.csv"), stream.id())
                : ImageSequenceSettings.ofDirectory(dir, stream.id())).withPacing(pacing).withLoop(s.loop());
        ImageSequenceSource source = new ImageSequenceSource(settings, sink, new BadInputLog(stats, dir.toString()),
                clock, SystemNanoClock.INSTANCE);
        source.skipRecords(alreadyCaptured);
        return new SourceHandle(source, (euroc ? "EuRoC camera " : "image directory ") + dir + ", " + pacing,
                !s.loop(), () -> source.exhausted() ? "done" : "replaying", () -> 0, source::nanosUntilDue);
    }

    /**
     * @param once            --once plays as fast as possible, whatever the configured timing
     * @param alreadyCaptured records of this file already in the queue: skipped, so a restart goes on
     */
    static SourceHandle create(StreamConfig stream, RecordSink sink, StreamStats stats, EpochNanoClock clock,
                               boolean once, long alreadyCaptured) {
        SourceConfig s = stream.source();
        Path file = s.file().orElseThrow();
        ReplayPacing pacing = pacing(s, once);
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
            case mp4 -> {
                // an MP4 carries times relative to its start: they are placed at the agent's start
                source = new Mp4H264ReplaySource(Mp4ReplaySettings.of(file).withKey(stream.id())
                        .withBaseTimeNs(clock.nanoTime()).withPacing(pacing).withLoop(s.loop()),
                        sink, badInput, clock, SystemNanoClock.INSTANCE);
                description = "MP4 H.264 " + file;
            }
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
