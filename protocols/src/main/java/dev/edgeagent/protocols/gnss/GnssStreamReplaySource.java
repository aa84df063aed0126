package dev.edgeagent.protocols.gnss;

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
 * Replays a file of raw GNSS receiver bytes (NMEA 0183, UBX, RTCM3 mixed), e.g. a gpsd regression log, through a
 * {@link GnssFrameSplitter}: one record per frame. Key = {@code nmea}, {@code ubx} or {@code rtcm3}; payload = the
 * frame byte for byte (NMEA with its line end); sensor time = the UTC time of the epoch the frame belongs to (its own
 * time for RMC/GGA/GST/ZDA/GLL and UBX NAV-PVT/HNR-PVT, the open epoch's for the others; the date comes from the last
 * RMC/ZDA/PVT), or {@link RecordSink#NO_SENSOR_TIME} before the first dated time. Original-timing pacing follows those
 * times. Leading {@code #} lines are skipped (setting {@code skipCommentHeader}); comment lines later in a file are
 * reported as garbage.
 *
 * <p>Bad input kinds: those of {@link GnssFrameSplitter} (offset = file offset), {@code nmea-field} /
 * {@code ubx-length} / {@code ubx-field} for frames whose fields cannot be read (the frame is still recorded), and
 * {@code unreadable-file}.
 */
public final class GnssStreamReplaySource extends ReplaySource {

    private static final int CHUNK = 16 * 1024;
    private static final GnssFrameType[] TYPES = GnssFrameType.values();
    private static final UnsafeBuffer[] KEYS = new UnsafeBuffer[GnssFrameType.values().length];

    static {
        for (GnssFrameType t : GnssFrameType.values()) {
            KEYS[t.ordinal()] = new UnsafeBuffer(t.keyBytes());
        }
    }

    private final GnssReplaySettings settings;
    private final GnssFrameSplitter splitter;
    private final GnssEpochAssembler clock;
    private final byte[] chunk = new byte[CHUNK];
    private final ByteBuffer chunkBuffer = ByteBuffer.wrap(chunk);

    // frames split from the last chunk, waiting to be handed out one by one
    private final byte[] queueBytes;
    private final UnsafeBuffer queue;
    private final int[] queueOffset;
    private final int[] queueLength;
    private final byte[] queueType;
    private final long[] queueStreamOffset;
    private int queued;
    private int next;
    private int queueFill;

    private FileChannel channel;
    private long fileOffset;
    private boolean inHeader;
    private boolean atLineStart;
    private boolean ended;

    private GnssFrameType type;
    private int payloadOffset;
    private int payloadLength;
    private long sensorTimeNs;

    public GnssStreamReplaySource(GnssReplaySettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    public GnssStreamReplaySource(GnssReplaySettings settings, RecordSink sink, BadInputListener listener,
                                  EpochNanoClock wallClock, NanoClock monoClock) {
        super("gnss-replay:" + Objects.requireNonNull(settings, "settings").path().getFileName(), sink, listener,
                settings.pacing(), settings.loop(), settings.maxRecordsPerWork(), wallClock, monoClock);
        this.settings = settings;
        this.splitter = new GnssFrameSplitter(this::enqueue, countingListener());
        this.clock = new GnssEpochAssembler(f -> { }, countingListener(), true);
        // one chunk can complete at most a buffered partial frame plus the chunk itself
        final int bytes = CHUNK + 2 * (8 + GnssFrameSplitter.DEFAULT_MAX_UBX_PAYLOAD);
        this.queueBytes = new byte[bytes];
        this.queue = new UnsafeBuffer(queueBytes);
        final int maxFrames = bytes / 6 + 1;
        this.queueOffset = new int[maxFrames];
        this.queueLength = new int[maxFrames];
        this.queueType = new byte[maxFrames];
        this.queueStreamOffset = new long[maxFrames];
    }

    public GnssReplaySettings settings() {
        return settings;
    }

    /** Frames split so far by type; bad frames and garbage are in {@link #badInputs()}. */
    public GnssFrameSplitter splitter() {
        return splitter;
    }

    private void enqueue(GnssFrameType t, long streamOffset, DirectBuffer b, int off, int len) {
        b.getBytes(off, queueBytes, queueFill, len);
        queueOffset[queued] = queueFill;
        queueLength[queued] = len;
        queueType[queued] = (byte) t.ordinal();
        queueStreamOffset[queued] = streamOffset;
        queued++;
        queueFill += len;
    }

    @Override
    protected boolean openInput() {
        try {
            channel = FileChannel.open(settings.path(), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            reportBadInput("unreadable-file", -1, settings.path() + ": cannot be read: " + e);
            return false;
        }
        fileOffset = 0;
        inHeader = settings.skipCommentHeader();
        atLineStart = true;
        ended = false;
        queued = 0;
        next = 0;
        queueFill = 0;
        splitter.reset(0);
        return true;
    }

    @Override
    protected Step readNext() {
        while (next == queued) {
            if (ended) {
                return Step.END;
            }
            queued = 0;
            next = 0;
            queueFill = 0;
            if (!fill()) {
                return Step.END;
            }
        }
        final int i = next++;
        type = TYPES[queueType[i]];
        payloadOffset = queueOffset[i];
        payloadLength = queueLength[i];
        clock.onFrame(type, queueStreamOffset[i], queue, payloadOffset, payloadLength);
        final long t = clock.currentUtcTimeNs();
        sensorTimeNs = t == GnssFix.NO_TIME ? RecordSink.NO_SENSOR_TIME : t;
        return Step.RECORD;
    }

    /** Reads and splits the next chunk; false at the end of the file (after flushing the splitter). */
    private boolean fill() {
        final int n;
        try {
            chunkBuffer.clear();
            n = channel.read(chunkBuffer);
        } catch (IOException e) {
            reportBadInput("unreadable-file", fileOffset, settings.path() + ": read failed: " + e);
            ended = true;
            splitter.end();
            return next < queued;
        }
        if (n < 0) {
            ended = true;
            splitter.end();
            return next < queued;
        }
        int start = 0;
        if (inHeader) {
            start = skipHeader(n);
            if (!inHeader) {
                splitter.reset(fileOffset + start);
            }
        }
        if (!inHeader && start < n) {
            splitter.feed(chunk, start, n - start);
        }
        fileOffset += n;
        return true;
    }

    /** Returns where the header ends in the chunk (n if it goes on). */
    private int skipHeader(int n) {
        int i = 0;
        while (i < n) {
            if (atLineStart) {
                if (chunk[i] != '#') {
                    inHeader = false;
                    return i;
                }
                atLineStart = false;
            }
            if (chunk[i] == '\n') {
                atLineStart = true;
            }
            i++;
        }
        return n;
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
        return sensorTimeNs;
    }

    @Override
    protected DirectBuffer key() {
        return KEYS[type.ordinal()];
    }

    @Override
    protected int keyOffset() {
        return 0;
    }

    @Override
    protected int keyLength() {
        return KEYS[type.ordinal()].capacity();
    }

    @Override
    protected DirectBuffer payload() {
        return queue;
    }

    @Override
    protected int payloadOffset() {
        return payloadOffset;
    }

    @Override
    protected int payloadLength() {
        return payloadLength;
    }
}
