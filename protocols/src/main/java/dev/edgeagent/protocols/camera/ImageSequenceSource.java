package dev.edgeagent.protocols.camera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

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
 * Plays a sequence of still images (JPEG or PNG files) as camera frames: one record per file, payload = the file's
 * bytes, key = the camera name, sensor time = the index row's timestamp (EuRoC {@code data.csv}) or
 * {@link RecordSink#NO_SENSOR_TIME} for a plain directory (then pacing has nothing to go by and images follow each
 * other as fast as the sink takes them). Each file's header is checked with {@link ImageHeader}.
 *
 * <p>Bad input, reported and skipped: {@code bad-line} (index row that is not {@code <ns>,<name>}; offset = line
 * number), {@code unreadable-file} (missing, a directory, I/O error, or an unreadable index / directory, which ends
 * the replay), {@code oversized-frame} (file over {@code maxFrameBytes}), and the {@link ImageFormatException.Kind}
 * codes ({@code not-an-image}, {@code truncated-image}, ...; offset = byte offset in that file).
 *
 * <p>The file list (and index) is read when a pass starts; a file's bytes go into one reused buffer that grows to
 * the largest file, so the steady state allocates only what opening a file costs (path and channel objects).
 */
public final class ImageSequenceSource extends ReplaySource {

    private final ImageSequenceSettings settings;
    private final UnsafeBuffer key;
    private final ImageHeader header = new ImageHeader();
    private byte[] data = new byte[256 * 1024];
    private final UnsafeBuffer payload = new UnsafeBuffer(data);
    private ByteBuffer readView = ByteBuffer.wrap(data);

    private List<String> names;
    private long[] times;
    private int next;
    private int length;
    private long sensorTimeNs;

    public ImageSequenceSource(ImageSequenceSettings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock(), SystemNanoClock.INSTANCE);
    }

    /**
     * @param wallClock receive wall time
     * @param monoClock pacing and monotonic receive time ({@link SystemNanoClock} outside tests)
     */
    public ImageSequenceSource(ImageSequenceSettings settings, RecordSink sink, BadInputListener listener,
                               EpochNanoClock wallClock, NanoClock monoClock) {
        super("image-sequence:" + (Objects.requireNonNull(settings, "settings").cameraName().isEmpty()
                        ? settings.directory().getFileName() : settings.cameraName()), sink, listener,
                settings.pacing(), settings.loop(), settings.maxRecordsPerWork(), wallClock, monoClock);
        this.settings = settings;
        this.key = new UnsafeBuffer(settings.cameraName().getBytes(StandardCharsets.UTF_8));
    }

    public ImageSequenceSettings settings() {
        return settings;
    }

    @Override
    protected boolean openInput() {
        next = 0;
        try {
            if (settings.index() == null) {
                try (Stream<Path> files = Files.list(settings.directory())) {
                    names = files.map(p -> p.getFileName().toString()).filter(ImageSequenceSource::isImageName)
                            .sorted().toList();
                }
                times = null;
            } else {
                readIndex(settings.index());
            }
            return true;
        } catch (IOException | RuntimeException e) {
            Path what = settings.index() == null ? settings.directory() : settings.index();
            reportBadInput("unreadable-file", -1, what + ": cannot be read: " + e);
            return false;
        }
    }

    static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    private void readIndex(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> n = new ArrayList<>(lines.size());
        long[] t = new long[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int comma = line.indexOf(',');
            long ts;
            try {
                ts = comma > 0 ? Long.parseLong(line.substring(0, comma).strip()) : -1;
            } catch (NumberFormatException e) {
                ts = -1;
            }
            String name = comma > 0 ? line.substring(comma + 1).strip() : "";
            if (ts < 0 || name.isEmpty() || name.contains(",")) {
                reportBadInput("bad-line", i + 1, csv + " line " + (i + 1) + ": expected '<timestamp ns>,<file name>',"
                        + " found '" + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'");
                continue;
            }
            t[n.size()] = ts;
            n.add(name);
        }
        names = n;
        times = t;
    }

    @Override
    protected Step readNext() {
        if (next >= names.size()) {
            return Step.END;
        }
        final int i = next++;
        final Path file = settings.directory().resolve(names.get(i));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = ch.size();
            if (size > settings.maxFrameBytes()) {
                reportBadInput("oversized-frame", 0, file + ": " + size + " bytes, over maxFrameBytes "
                        + settings.maxFrameBytes() + "; skipped");
                return Step.SKIPPED;
            }
            ensureCapacity((int) size);
            readView.clear().limit((int) size);
            while (readView.hasRemaining()) {
                if (ch.read(readView) < 0) {
                    break; // the file shrank while being read: what is there is checked below
                }
            }
            length = readView.position();
        } catch (IOException | RuntimeException e) {
            reportBadInput("unreadable-file", -1, file + ": cannot be read: " + e);
            return Step.SKIPPED;
        }
        try {
            header.parse(payload, 0, length);
        } catch (ImageFormatException e) {
            reportBadInput(e.code(), e.offset(), file + ": " + e.getMessage() + "; skipped");
            return Step.SKIPPED;
        }
        sensorTimeNs = times == null ? RecordSink.NO_SENSOR_TIME : times[i];
        return Step.RECORD;
    }

    private void ensureCapacity(int size) {
        if (data.length < size) {
            data = new byte[Math.max(size, data.length * 2)];
            payload.wrap(data);
            readView = ByteBuffer.wrap(data);
        }
    }

    /** The header of the image last read (width, height, format, ...). */
    public ImageHeader lastHeader() {
        return header;
    }

    @Override
    protected void closeInput() {
        // files are opened and closed per image; the list is rebuilt on the next pass
    }

    @Override
    protected long recordSensorTimeNs() {
        return sensorTimeNs;
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
        return payload;
    }

    @Override
    protected int payloadOffset() {
        return 0;
    }

    @Override
    protected int payloadLength() {
        return length;
    }
}
