package dev.edgeagent.protocols.camera;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.BadInputListener;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A local V4L2 camera (USB/UVC and the like) delivering MJPEG: one record per frame, payload = the JPEG bytes the
 * driver filled in (appended straight from the mmap'd driver buffer, no copy), key = the camera name, sensor time =
 * the buffer's timestamp when the driver stamps it with {@code CLOCK_MONOTONIC} (converted to the Unix epoch with
 * the offset between the wall clock and {@link System#nanoTime()}, which is {@code CLOCK_MONOTONIC} on Linux), else
 * {@link RecordSink#NO_SENSOR_TIME}.
 *
 * <p><b>UNTESTED.</b> The build machines have no {@code /dev/video*}; the native part
 * ({@code native/v4l2/v4l2_capture.c}: open, VIDIOC_QUERYCAP, VIDIOC_S_FMT MJPEG, VIDIOC_S_PARM, VIDIOC_REQBUFS
 * mmap, QBUF/DQBUF, STREAMON) compiles with {@code -Wall -Wextra -Werror}, loads, and reports a non-V4L2 device
 * correctly, and nothing more is known. Built by {@code native/v4l2/build.sh}, not by Maven.
 *
 * <p>The constructor fails with an {@link IllegalStateException} naming what is missing when the native library
 * cannot be loaded or the device node does not exist. At run time the device is opened in {@code doWork()}
 * (non-blocking: DQBUF with {@code O_NONBLOCK}); a failure (unplugged camera, no MJPEG mode) is logged, kept in
 * {@link #lastError()} and retried after a backoff. A frame the sink refuses keeps its buffer dequeued and is
 * offered again; the driver fills the other buffers meanwhile (and drops frames once they are all full).
 * Bad input: {@code corrupt-frame} (driver flagged V4L2_BUF_FLAG_ERROR) and the {@link ImageFormatException.Kind}
 * codes for frames that are not JPEG; offset = the driver's frame sequence number.
 */
public final class V4l2CameraSource implements Source {

    private static final System.Logger LOG = System.getLogger(V4l2CameraSource.class.getName());
    private static final long V4L2_BUF_FLAG_ERROR = 0x40;
    private static final long V4L2_BUF_FLAG_TIMESTAMP_MASK = 0xe000;
    private static final long V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC = 0x2000;

    /**
     * @param device      e.g. {@code /dev/video0}
     * @param cameraName  the record key; empty for none
     * @param width       requested frame size (the driver may pick the nearest it supports)
     * @param height      requested frame size
     * @param fps         requested frame rate, 0 = the driver's default
     * @param buffers     mmap buffers (2..32; 4 is usual)
     * @param libraryPath {@code libedgeagent_v4l2.so}, or null to use {@code java.library.path}
     * @param retryDelay  wait before reopening the device after a failure
     */
    public record Settings(Path device, String cameraName, int width, int height, int fps, int buffers,
                           Path libraryPath, Duration retryDelay) {
        public Settings {
            Objects.requireNonNull(device, "device");
            cameraName = cameraName == null ? "" : cameraName;
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException("width/height: must be > 0, got " + width + "x" + height);
            }
            if (fps < 0 || buffers < 2 || buffers > 32) {
                throw new IllegalArgumentException("fps >= 0 and buffers in 2..32 expected, got fps " + fps
                        + ", buffers " + buffers);
            }
            retryDelay = retryDelay == null ? Duration.ofSeconds(2) : retryDelay;
        }

        public static Settings of(Path device, String cameraName, int width, int height) {
            return new Settings(device, cameraName, width, height, 0, 4, null, Duration.ofSeconds(2));
        }
    }

    private final Settings settings;
    private final RecordSink sink;
    private final BadInputListener listener;
    private final EpochNanoClock wallClock;
    private final UnsafeBuffer key;
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final ImageHeader header = new ImageHeader();
    private final long[] meta = new long[5];
    private final AtomicLong framesAppended = new AtomicLong();
    private final AtomicLong badInputs = new AtomicLong();
    private volatile String lastError;

    private long handle;
    private long nextAttemptNs = System.nanoTime();
    private int pendingIndex = -1;
    private long pendingSensorNs;
    private long pendingWallNs;
    private long pendingMonoNs;
    private long lastLogNs = Long.MIN_VALUE;

    public V4l2CameraSource(Settings settings, RecordSink sink, BadInputListener listener) {
        this(settings, sink, listener, new OffsetEpochNanoClock());
    }

    /** @throws IllegalStateException when the native library cannot be loaded or the device node is missing */
    public V4l2CameraSource(Settings settings, RecordSink sink, BadInputListener listener, EpochNanoClock wallClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        if (!Files.exists(settings.device())) {
            throw new IllegalStateException("V4L2 camera source: device " + settings.device()
                    + " does not exist (no camera attached, or a different /dev/videoN)");
        }
        V4l2Native.load(settings.libraryPath());
        this.key = new UnsafeBuffer(settings.cameraName().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String roleName() {
        return "v4l2:" + settings.device();
    }

    public long framesAppended() {
        return framesAppended.get();
    }

    public long badInputs() {
        return badInputs.get();
    }

    /** The last device problem (open, DQBUF), one sentence naming the device; null if none. */
    public String lastError() {
        return lastError;
    }

    /** True while the device is open and streaming. */
    public boolean streaming() {
        return handle != 0;
    }

    @Override
    public int doWork() {
        if (pendingIndex >= 0) {
            if (!appendPending()) {
                return 0;
            }
        }
        final long now = System.nanoTime();
        if (handle == 0) {
            if (now - nextAttemptNs < 0) {
                return 0;
            }
            try {
                handle = V4l2Native.open(settings.device().toString(), settings.width(), settings.height(),
                        settings.fps(), settings.buffers());
                LOG.log(Level.INFO, "V4L2 camera {0} streaming MJPEG", settings.device());
                return 1;
            } catch (IOException | RuntimeException e) {
                fail(now, e);
                return 1;
            }
        }
        int work = 0;
        try {
            for (int i = 0; i < settings.buffers(); i++) {
                final int index = V4l2Native.dequeue(handle, meta);
                if (index < 0) {
                    return work;
                }
                work++;
                final int length = (int) meta[1];
                final long flags = meta[4];
                if ((flags & V4L2_BUF_FLAG_ERROR) != 0 || length <= 0) {
                    report("corrupt-frame", meta[3], "the driver flagged frame " + meta[3] + " as corrupt ("
                            + length + " bytes); skipped");
                    V4l2Native.requeue(handle, index);
                    continue;
                }
                frame.wrap(meta[0], length);
                try {
                    header.parse(frame, 0, length);
                } catch (ImageFormatException e) {
                    report(e.code(), meta[3], "frame " + meta[3] + ": " + e.getMessage() + "; skipped");
                    V4l2Native.requeue(handle, index);
                    continue;
                }
                pendingIndex = index;
                pendingMonoNs = System.nanoTime();
                pendingWallNs = wallClock.nanoTime();
                pendingSensorNs = (flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC
                        ? meta[2] + (pendingWallNs - pendingMonoNs) : RecordSink.NO_SENSOR_TIME;
                if (!appendPending()) {
                    return work;
                }
            }
        } catch (IOException e) {
            fail(now, e);
            return work + 1;
        }
        return work;
    }

    private boolean appendPending() {
        if (!sink.append(pendingSensorNs, pendingWallNs, pendingMonoNs, key, 0, key.capacity(), frame, 0,
                frame.capacity())) {
            return false;
        }
        framesAppended.lazySet(framesAppended.get() + 1);
        final int index = pendingIndex;
        pendingIndex = -1;
        if (handle != 0) {
            try {
                V4l2Native.requeue(handle, index);
            } catch (IOException e) {
                fail(System.nanoTime(), e);
            }
        }
        return true;
    }

    private void fail(long now, Exception e) {
        closeDevice();
        lastError = "V4L2 camera " + settings.device() + ": " + e.getMessage();
        nextAttemptNs = now + settings.retryDelay().toNanos();
        if (lastLogNs == Long.MIN_VALUE || now - lastLogNs > TimeUnit.MINUTES.toNanos(1)) {
            lastLogNs = now;
            LOG.log(Level.WARNING, lastError + "; retrying every " + settings.retryDelay().toMillis() + " ms");
        }
    }

    private void closeDevice() {
        if (handle != 0) {
            if (pendingIndex >= 0) {
                pendingIndex = -1; // its memory goes with the mapping: the frame is lost with the device
            }
            V4l2Native.close(handle);
            handle = 0;
        }
    }

    private void report(String kind, long offset, String detail) {
        badInputs.lazySet(badInputs.get() + 1);
        try {
            listener.onBadInput(kind, offset, "V4L2 camera " + settings.device() + ": " + detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw
        }
    }

    @Override
    public void onClose() {
        closeDevice();
    }
}
