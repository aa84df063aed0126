package dev.edgeagent.protocols.source.replay;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.edgeagent.protocols.can.CandumpParser;

/**
 * Settings of a {@link CandumpReplaySource}; validated on construction ({@link IllegalArgumentException} naming the
 * field).
 *
 * @param path              the {@code candump -l} log
 * @param interfaces        interfaces to play (e.g. {@code can0}); empty = all
 * @param pacing            as fast as possible, or the log's own timing at a speed
 * @param loop              start over at the end of the file (a pass without any record ends the replay)
 * @param maxRecordsPerWork most lines one {@code doWork()} handles
 */
public record CandumpReplaySettings(Path path, Set<String> interfaces, ReplayPacing pacing, boolean loop,
                                    int maxRecordsPerWork) {

    public static final int DEFAULT_MAX_RECORDS_PER_WORK = 256;

    public CandumpReplaySettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pacing, "pacing");
        interfaces = interfaces == null ? Set.of() : Set.copyOf(new TreeSet<>(interfaces));
        for (String name : interfaces) {
            if (name.isEmpty() || name.length() > CandumpParser.MAX_INTERFACE_LENGTH
                    || !name.chars().allMatch(c -> c > ' ' && c < 0x7F)) {
                throw new IllegalArgumentException("interfaces: '" + name + "' is not an interface name (1.."
                        + CandumpParser.MAX_INTERFACE_LENGTH + " printable ASCII characters, no spaces)");
            }
        }
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
    }

    /** Plays the given interfaces (none = all) once, as fast as possible. */
    public static CandumpReplaySettings of(Path path, String... interfaces) {
        return new CandumpReplaySettings(path, new TreeSet<>(java.util.List.of(interfaces)),
                ReplayPacing.asFastAsPossible(), false, DEFAULT_MAX_RECORDS_PER_WORK);
    }

    public CandumpReplaySettings withPacing(ReplayPacing newPacing) {
        return new CandumpReplaySettings(path, interfaces, newPacing, loop, maxRecordsPerWork);
    }

    public CandumpReplaySettings withLoop(boolean newLoop) {
        return new CandumpReplaySettings(path, interfaces, pacing, newLoop, maxRecordsPerWork);
    }

    public CandumpReplaySettings withMaxRecordsPerWork(int n) {
        return new CandumpReplaySettings(path, interfaces, pacing, loop, n);
    }
}
