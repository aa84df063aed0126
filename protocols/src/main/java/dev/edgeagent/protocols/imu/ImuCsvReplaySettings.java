package dev.edgeagent.protocols.imu;

import java.nio.file.Path;
import java.util.Objects;

import dev.edgeagent.protocols.source.replay.ReplayPacing;

/**
 * Settings of an {@link ImuCsvReplaySource}.
 *
 * @param path              the CSV file
 * @param mapping           columns and units ({@link ImuCsvMapping#XIO}, {@link ImuCsvMapping#EUROC} or custom)
 * @param pacing            as fast as possible, or the rows' own timing at a speed
 * @param loop              start over at the end of the file
 * @param maxRecordsPerWork most rows one {@code doWork()} handles
 */
public record ImuCsvReplaySettings(Path path, ImuCsvMapping mapping, ReplayPacing pacing, boolean loop,
                                   int maxRecordsPerWork) {

    public static final int DEFAULT_MAX_RECORDS_PER_WORK = 256;

    public ImuCsvReplaySettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(pacing, "pacing");
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
    }

    public static ImuCsvReplaySettings of(Path path, ImuCsvMapping mapping) {
        return new ImuCsvReplaySettings(path, mapping, ReplayPacing.asFastAsPossible(), false,
                DEFAULT_MAX_RECORDS_PER_WORK);
    }

    public ImuCsvReplaySettings withPacing(ReplayPacing newPacing) {
        return new ImuCsvReplaySettings(path, mapping, newPacing, loop, maxRecordsPerWork);
    }
}
