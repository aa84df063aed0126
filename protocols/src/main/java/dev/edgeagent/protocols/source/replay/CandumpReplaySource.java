package dev.edgeagent.protocols.source.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.edgeagent.protocols.can.CanFrame;
import dev.edgeagent.protocols.can.CandumpFormatException;
import dev.edgeagent.protocols.can.CandumpReader;
import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Plays a {@code candump -l} log into a {@link RecordSink}: one record per frame, payload = the {@link CanFrame}
 * encoding, key = the interface name (UTF-8, e.g. {@code can0}), sensor time = the log timestamp. Frames of
 * interfaces outside the settings' set (when it is not empty) are counted as filtered.
 *
 * <p>Bad input kinds reported: {@code unreadable-file}; {@code bad-line} with the line number as offset and the
 * column and expectation in the detail.
 */
public final class CandumpReplaySource extends ReplaySource {

    private final CandumpReplaySettings settings;
    private final byte[][] interfaceNames;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[CanFrame.MAX_ENCODED_LENGTH]);
    private CandumpReader reader;
    private int payloadLength;
    private long sensorTimeNs;

    public CandumpReplaySource(CandumpReplaySettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    public CandumpReplaySource(CandumpReplaySettings settings, RecordSink sink, BadInputListener listener,
                               EpochNanoClock wallClock) {
        this(settings, sink, listener, wallClock, SystemNanoClock.INSTANCE);
    }

    /**
     * @param wallClock receive wall time
     * @param monoClock pacing and monotonic receive time ({@link SystemNanoClock} outside tests)
     */
    public CandumpReplaySource(CandumpReplaySettings settings, RecordSink sink, BadInputListener listener,
                               EpochNanoClock wallClock, NanoClock monoClock) {
        super("candump-replay:" + Objects.requireNonNull(settings, "settings").path().getFileName(), sink, listener,
                settings.pacing(), settings.loop(), settings.maxRecordsPerWork(), wallClock, monoClock);
        this.settings = settings;
        this.interfaceNames = settings.interfaces().stream()
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    public CandumpReplaySettings settings() {
        return settings;
    }

    @Override
    protected boolean openInput() {
        try {
            reader = CandumpReader.open(settings.path());
            return true;
        } catch (IOException | RuntimeException e) {
            reportBadInput("unreadable-file", -1, settings.path() + ": cannot be read: " + e);
            return false;
        }
    }

    @Override
    protected Step readNext() {
        final CandumpReader r = reader;
        try {
            if (!r.next()) {
                return Step.END;
            }
        } catch (CandumpFormatException e) {
            reportBadInput("bad-line", e.lineNumber(), settings.path() + ": " + e.getMessage());
            return Step.SKIPPED;
        }
        if (interfaceNames.length > 0 && !wanted(r)) {
            countFiltered();
            return Step.SKIPPED;
        }
        payloadLength = r.frame().encode(payload, 0);
        sensorTimeNs = r.timestampNanos();
        return Step.RECORD;
    }

    private boolean wanted(CandumpReader r) {
        for (byte[] name : interfaceNames) {
            if (r.interfaceEquals(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void closeInput() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    protected long recordSensorTimeNs() {
        return sensorTimeNs;
    }

    @Override
    protected DirectBuffer key() {
        return reader.lineBuffer();
    }

    @Override
    protected int keyOffset() {
        return reader.interfaceOffset();
    }

    @Override
    protected int keyLength() {
        return reader.interfaceLength();
    }

    @Override
    protected DirectBuffer payload() {
        return payload;
    }

    @Override
    protected int payloadOffset() {
        return 0;
    }

    @Override
    protected int payloadLength() {
        return payloadLength;
    }
}
