package dev.edgeagent.protocols.camera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.replay.ReplaySource;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Plays the H.264 video track of an MP4 file ({@link Mp4H264Demuxer}): one record per access unit (sample) in decode
 * order; payload = the access unit in Annex B form (start codes; SPS and PPS in front of every keyframe), key =
 * {@link Mp4ReplaySettings#key()}, sensor time = {@code baseTimeNs} + the sample's presentation time from the first
 * frame shown. Other tracks (audio) are ignored. Whether a record is a keyframe: {@link H264#isKeyframe} on its
 * payload (an IDR slice), which for this source matches the MP4's sync samples.
 *
 * <p>Bad input: {@code unreadable-file}, {@code not-mp4}, {@code unsupported-mp4} (the replay ends) and
 * {@code bad-h264} (one sample skipped; offset = its file offset plus the position of the bad NAL length).
 */
public final class Mp4H264ReplaySource extends ReplaySource {

    private final Mp4ReplaySettings settings;
    private final UnsafeBuffer key;
    private Mp4H264Demuxer demuxer;

    public Mp4H264ReplaySource(Mp4ReplaySettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    /**
     * @param wallClock receive wall time
     * @param monoClock pacing and monotonic receive time ({@link SystemNanoClock} outside tests)
     */
    public Mp4H264ReplaySource(Mp4ReplaySettings settings, RecordSink sink, BadInputListener listener,
                               EpochNanoClock wallClock, NanoClock monoClock) {
        super("mp4-replay:" + Objects.requireNonNull(settings, "settings").file().getFileName(), sink, listener,
                settings.pacing(), settings.loop(), settings.maxRecordsPerWork(), wallClock, monoClock);
        this.settings = settings;
        this.key = new UnsafeBuffer(settings.key().getBytes(StandardCharsets.UTF_8));
    }

    public Mp4ReplaySettings settings() {
        return settings;
    }

    /** The open demuxer (frame size, sample count), or null before the first {@code doWork()} / after the end. */
    public Mp4H264Demuxer demuxer() {
        return demuxer;
    }

    @Override
    protected boolean openInput() {
        if (demuxer != null) {
            demuxer.rewind(); // the next pass: the tables are kept
            return true;
        }
        try {
            demuxer = Mp4H264Demuxer.open(settings.file());
            return true;
        } catch (ImageFormatException e) {
            reportBadInput(e.code(), e.offset(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            reportBadInput("unreadable-file", -1, settings.file() + ": cannot be read: " + e);
        }
        return false;
    }

    @Override
    protected Step readNext() {
        try {
            return demuxer.next() ? Step.RECORD : Step.END;
        } catch (ImageFormatException e) {
            reportBadInput(e.code(), e.offset(), e.getMessage());
            return Step.SKIPPED;
        } catch (IOException e) {
            reportBadInput("unreadable-file", demuxer.sampleFileOffset(), settings.file() + ": reading sample "
                    + (demuxer.sampleIndex() + 1) + " failed: " + e);
            return Step.END;
        }
    }

    @Override
    protected void closeInput() {
        // the demuxer stays open between passes; onClose releases it
    }

    @Override
    public void onClose() {
        super.onClose();
        if (demuxer != null) {
            try {
                demuxer.close();
            } catch (IOException ignored) {
                // closing a read-only file
            }
        }
    }

    @Override
    protected long recordSensorTimeNs() {
        return settings.baseTimeNs() + demuxer.presentationTimeNs();
    }

    @Override
    protected DirectBuffer key() {
        return key;
    }

    @Override
    protected int keyOffset() {
        return 0;
    }

    @Override
    protected int keyLength() {
        return key.capacity();
    }

    @Override
    protected DirectBuffer payload() {
        return demuxer.accessUnit();
    }

    @Override
    protected int payloadOffset() {
        return 0;
    }

    @Override
    protected int payloadLength() {
        return demuxer.accessUnitLength();
    }
}
