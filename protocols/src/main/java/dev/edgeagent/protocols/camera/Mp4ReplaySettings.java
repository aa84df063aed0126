package dev.edgeagent.protocols.camera;

import java.nio.file.Path;
import java.util.Objects;

import dev.edgeagent.protocols.source.replay.ReplayPacing;

/**
 * Settings of an {@link Mp4H264ReplaySource}; validated on construction ({@link IllegalArgumentException} naming
 * the field).
 *
 * @param file              the MP4 file
 * @param key               the record key (UTF-8), e.g. {@code "h264"} or the camera's name
 * @param baseTimeNs        sensor time of the first frame shown, ns since the Unix epoch (e.g. when the recording
 *                          started); each record's sensor time is {@code baseTimeNs} + its presentation time
 * @param pacing            as fast as possible, or the video's own timing at a speed
 * @param loop              start over after the last frame (sensor times then repeat)
 * @param maxRecordsPerWork most access units one {@code doWork()} handles
 */
public record Mp4ReplaySettings(Path file, String key, long baseTimeNs, ReplayPacing pacing, boolean loop,
                                int maxRecordsPerWork) {

    public Mp4ReplaySettings {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(pacing, "pacing");
        key = key == null ? "" : key;
        if (baseTimeNs < 0) {
            throw new IllegalArgumentException("baseTimeNs: must be >= 0 (ns since the Unix epoch), got " + baseTimeNs);
        }
        if (maxRecordsPerWork < 1) {
            throw new IllegalArgumentException("maxRecordsPerWork: must be at least 1, got " + maxRecordsPerWork);
        }
    }

    /** Key "h264", base time 0, once, as fast as possible. */
    public static Mp4ReplaySettings of(Path file) {
        return new Mp4ReplaySettings(file, "h264", 0, ReplayPacing.asFastAsPossible(), false, 32);
    }

    public Mp4ReplaySettings withKey(String newKey) {
        return new Mp4ReplaySettings(file, newKey, baseTimeNs, pacing, loop, maxRecordsPerWork);
    }

    public Mp4ReplaySettings withBaseTimeNs(long ns) {
        return new Mp4ReplaySettings(file, key, ns, pacing, loop, maxRecordsPerWork);
    }

    public Mp4ReplaySettings withPacing(ReplayPacing newPacing) {
        return new Mp4ReplaySettings(file, key, baseTimeNs, newPacing, loop, maxRecordsPerWork);
    }

    public Mp4ReplaySettings withLoop(boolean newLoop) {
        return new Mp4ReplaySettings(file, key, baseTimeNs, pacing, newLoop, maxRecordsPerWork);
    }
}
