package dev.edgeagent.protocols.camera;

import java.nio.file.Path;
import java.util.Objects;

import dev.edgeagent.protocols.source.replay.ReplayPacing;

/**
 * Settings of an {@link ImageSequenceSource}; validated on construction ({@link IllegalArgumentException} naming
 * the field).
 *
 * @param directory         where the image files are
 * @param index             a EuRoC-style CSV ({@code #timestamp [ns],filename} header, then
 *                          {@code <ns since epoch>,<file name in directory>} rows) giving order and sensor times;
 *                          null = every {@code .jpg}/{@code .jpeg}/{@code .png} file of {@code directory}, sorted by
 *                          name, without sensor times
 * @param cameraName        the record key (UTF-8); empty for none
 * @param pacing            as fast as possible, or the index's timing at a speed (no effect without an index)
 * @param loop              start over after the last image
 * @param maxFrameBytes     larger files are reported ({@code oversized-frame}) and skipped
 * @param maxRecordsPerWork most images one {@code doWork()} handles
 */
public record ImageSequenceSettings(Path directory, Path index, String cameraName, ReplayPacing pacing, boolean loop,
                                    int maxFrameBytes, int maxRecordsPerWork) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 32 << 20;

    public ImageSequenceSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(pacing, "pacing");
        cameraName = cameraName == null ? "" : cameraName;
        if (maxFrameBytes < 1 || maxFrameBytes > (1 << 30)) {
            throw new IllegalArgumentException("maxFrameBytes: must be in 1..2^30, got " + maxFrameBytes);
        }
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
    }

    /** Every image file of {@code directory} by name, once, as fast as possible. */
    public static ImageSequenceSettings ofDirectory(Path directory, String cameraName) {
        return new ImageSequenceSettings(directory, null, cameraName, ReplayPacing.asFastAsPossible(), false,
                DEFAULT_MAX_FRAME_BYTES, 8);
    }

    /** A EuRoC camera folder's {@code data.csv}; the images are in {@code data/} next to it. Once, as fast as possible. */
    public static ImageSequenceSettings ofEurocCsv(Path dataCsv, String cameraName) {
        Path parent = dataCsv.toAbsolutePath().getParent();
        return new ImageSequenceSettings(parent.resolve("data"), dataCsv, cameraName, ReplayPacing.asFastAsPossible(),
                false, DEFAULT_MAX_FRAME_BYTES, 8);
    }

    public ImageSequenceSettings withPacing(ReplayPacing newPacing) {
        return new ImageSequenceSettings(directory, index, cameraName, newPacing, loop, maxFrameBytes,
                maxRecordsPerWork);
    }

    public ImageSequenceSettings withLoop(boolean newLoop) {
        return new ImageSequenceSettings(directory, index, cameraName, pacing, newLoop, maxFrameBytes,
                maxRecordsPerWork);
    }

    public ImageSequenceSettings withMaxFrameBytes(int n) {
        return new ImageSequenceSettings(directory, index, cameraName, pacing, loop, n, maxRecordsPerWork);
    }
}
