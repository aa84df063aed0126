package dev.edgeagent.protocols.imu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
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
 * Replays an IMU CSV file: one record per row, payload = the {@link ImuRecord} layout (SI units), key empty, sensor
 * time = the row's time (by the mapping, plus its offset). Blank lines are skipped silently.
 *
 * <p>Bad input kinds: {@code bad-row} (offset = the 1-based line number; the detail names the column and what was
 * expected), {@code unreadable-file}.
 */
public final class ImuCsvReplaySource extends ReplaySource {

    private static final int MAX_LINE = 64 * 1024;
    private static final UnsafeBuffer NO_KEY = new UnsafeBuffer(new byte[0]);

    private final ImuCsvReplaySettings settings;
    private final ImuCsvParser parser;
    private final ImuSample sample = new ImuSample();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[ImuRecord.LENGTH]);
    private final byte[] bytes = new byte[2 * MAX_LINE];
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private final ByteBuffer readBuffer = ByteBuffer.wrap(bytes);

    private FileChannel channel;
    private int pos;
    private int limit;
    private boolean eof;
    private long lineNumber;
    private boolean skippingLongLine;

    public ImuCsvReplaySource(ImuCsvReplaySettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    public ImuCsvReplaySource(ImuCsvReplaySettings settings, RecordSink sink, BadInputListener listener,
                              EpochNanoClock wallClock, NanoClock monoClock) {
        super("imu-csv-replay:" + Objects.requireNonNull(settings, "settings").path().getFileName(), sink, listener,
                settings.pacing(), settings.loop(), settings.maxRecordsPerWork(), wallClock, monoClock);
        this.settings = settings;
        this.parser = new ImuCsvParser(settings.mapping());
    }

    public ImuCsvReplaySettings settings() {
        return settings;
    }

    @Override
    protected boolean openInput() {
        try {
            channel = FileChannel.open(settings.path(), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            reportBadInput("unreadable-file", -1, settings.path() + ": cannot be read: " + e);
            return false;
        }
        pos = 0;
        limit = 0;
        eof = false;
        lineNumber = 0;
        skippingLongLine = false;
        return true;
    }

    @Override
    protected Step readNext() {
        while (true) {
            int nl = -1;
            for (int i = pos; i < limit; i++) {
                if (bytes[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl < 0) {
                if (eof) {
                    if (pos < limit && !skippingLongLine) {
                        nl = limit; // a last line without a line end
                    } else {
                        return Step.END;
                    }
                } else {
                    if (!refill()) {
                        return Step.SKIPPED; // read error reported; END follows
                    }
                    continue;
                }
            }
            final int lineStart = pos;
            pos = Math.min(nl + 1, limit);
            if (nl == limit) {
                pos = limit;
            }
            lineNumber++;
            if (skippingLongLine) {
                skippingLongLine = false;
                continue;
            }
            if (lineNumber <= settings.mapping().headerLines()) {
                continue;
            }
            int end = nl;
            if (end > lineStart && bytes[end - 1] == '\r') {
                end--;
            }
            if (end == lineStart) {
                continue;
            }
            try {
                parser.parse(view, lineStart, end - lineStart, sample);
            } catch (ImuFormatException e) {
                reportBadInput(e.code(), lineNumber, settings.path().getFileName() + " line " + lineNumber + ": "
                        + e.getMessage());
                return Step.SKIPPED;
            }
            ImuRecord.encode(sample, payload, 0);
            return Step.RECORD;
        }
    }

    /** Moves the partial line to the front and reads more; false after a read error. */
    private boolean refill() {
        if (pos > 0) {
            System.arraycopy(bytes, pos, bytes, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit >= MAX_LINE) {
            lineNumber++;
            reportBadInput("bad-row", lineNumber, settings.path().getFileName() + " line " + lineNumber
                    + ": longer than " + MAX_LINE + " bytes");
            lineNumber--; // counted again when its end is reached
            limit = 0;
            skippingLongLine = true;
        }
        try {
            readBuffer.limit(bytes.length).position(limit);
            final int n = channel.read(readBuffer);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
            return true;
        } catch (IOException e) {
            reportBadInput("unreadable-file", -1, settings.path() + ": read failed: " + e);
            eof = true;
            pos = limit;
            return false;
        }
    }

    @Override
    protected void closeInput() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            channel = null;
        }
    }

    @Override
    protected long recordSensorTimeNs() {
        return sample.timeNs;
    }

    @Override
    protected DirectBuffer key() {
        return NO_KEY;
    }

    @Override
    protected int keyOffset() {
        return 0;
    }

    @Override
    protected int keyLength() {
        return 0;
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
        return ImuRecord.LENGTH;
    }
}
