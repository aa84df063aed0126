package dev.edgeagent.protocols.gnss;

import java.nio.file.Path;
import java.util.Objects;

import dev.edgeagent.protocols.source.replay.ReplayPacing;

/**
 * Settings of a {@link GnssStreamReplaySource}; validated on construction.
 *
 * @param path               a file of raw receiver bytes (NMEA / UBX / RTCM3), e.g. a gpsd regression log
 * @param skipCommentHeader  skip leading lines that start with {@code #} (the gpsd regression log header)
 * @param pacing             as fast as possible, or the frames' fix times at a speed
 * @param loop               start over at the end of the file
 * @param maxRecordsPerWork  most frames one {@code doWork()} handles
 */
public record GnssReplaySettings(Path path, boolean skipCommentHeader, ReplayPacing pacing, boolean loop,
                                 int maxRecordsPerWork) {

    public static final int DEFAULT_MAX_RECORDS_PER_WORK = 256;

    public GnssReplaySettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pacing, "pacing");
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
    }

    /** Plays the file once, as fast as possible, skipping a {@code #} header. */
    public static GnssReplaySettings of(Path path) {
        return new GnssReplaySettings(path, true, ReplayPacing.asFastAsPossible(), false,
                DEFAULT_MAX_RECORDS_PER_WORK);
    }

    public GnssReplaySettings withPacing(ReplayPacing newPacing) {
        return new GnssReplaySettings(path, skipCommentHeader, newPacing, loop, maxRecordsPerWork);
    }

    public GnssReplaySettings withLoop(boolean newLoop) {
        return new GnssReplaySettings(path, skipCommentHeader, pacing, newLoop, maxRecordsPerWork);
    }
}
