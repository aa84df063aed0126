package dev.edgeagent.protocols.source.replay;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of a {@link PcapReplaySource}; validated on construction ({@link IllegalArgumentException} naming the
 * field).
 *
 * @param path              the pcap or pcapng file
 * @param destinationPorts  UDP destination ports to play (1..65535); empty = every UDP datagram
 * @param pacing            as fast as possible, or the capture's own timing at a speed
 * @param loop              start over at the end of the file (a pass without any record ends the replay)
 * @param maxRecordsPerWork most input units (packets) one {@code doWork()} handles
 */
public record PcapReplaySettings(Path path, Set<Integer> destinationPorts, ReplayPacing pacing, boolean loop,
                                 int maxRecordsPerWork) {

    public static final int DEFAULT_MAX_RECORDS_PER_WORK = 256;

    public PcapReplaySettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pacing, "pacing");
        destinationPorts = destinationPorts == null ? Set.of() : Set.copyOf(new TreeSet<>(destinationPorts));
        for (int port : destinationPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("destinationPorts: " + port + " is outside 1..65535");
            }
        }
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
    }

    /** Plays the given destination ports (none = all UDP) once, as fast as possible. */
    public static PcapReplaySettings of(Path path, int... destinationPorts) {
        TreeSet<Integer> ports = new TreeSet<>();
        for (int p : destinationPorts) {
            ports.add(p);
        }
        return new PcapReplaySettings(path, ports, ReplayPacing.asFastAsPossible(), false,
                DEFAULT_MAX_RECORDS_PER_WORK);
    }

    public PcapReplaySettings withPacing(ReplayPacing newPacing) {
        return new PcapReplaySettings(path, destinationPorts, newPacing, loop, maxRecordsPerWork);
    }

    public PcapReplaySettings withLoop(boolean newLoop) {
        return new PcapReplaySettings(path, destinationPorts, pacing, newLoop, maxRecordsPerWork);
    }

    public PcapReplaySettings withMaxRecordsPerWork(int n) {
        return new PcapReplaySettings(path, destinationPorts, pacing, loop, n);
    }

    int[] portArray() {
        return destinationPorts.stream().mapToInt(Integer::intValue).toArray();
    }
}
