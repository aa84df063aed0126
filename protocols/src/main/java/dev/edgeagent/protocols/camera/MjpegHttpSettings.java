package dev.edgeagent.protocols.camera;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link MjpegHttpSource}; validated on construction ({@link IllegalArgumentException} naming the
 * field).
 *
 * @param url              {@code http://host[:port]/path[?query]} of the camera's MJPEG stream; user info
 *                         ({@code http://user:pass@host/...}) is sent as HTTP Basic authentication. No https.
 * @param cameraName       the record key (UTF-8); empty for none
 * @param maxFrameBytes    frames larger than this are reported ({@code oversized-frame}) and skipped
 * @param connectTimeout   a TCP connect not finished within this is abandoned (then backoff)
 * @param idleTimeout      a connection that delivers no byte for this long is dropped and opened again
 * @param backoffInitial   delay before the first reconnect; doubles after each failed attempt
 * @param backoffMax       longest delay between attempts
 * @param maxFramesPerWork most frames one {@code doWork()} appends
 */
public record MjpegHttpSettings(URI url, String cameraName, int maxFrameBytes, Duration connectTimeout,
                                Duration idleTimeout, Duration backoffInitial, Duration backoffMax,
                                int maxFramesPerWork) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 8 << 20;

    public MjpegHttpSettings {
        Objects.requireNonNull(url, "url");
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("url: expected http://host[:port]/path, got '" + url + "'");
        }
        cameraName = cameraName == null ? "" : cameraName;
        if (maxFrameBytes < 1024 || maxFrameBytes > (1 << 30)) {
            throw new IllegalArgumentException("maxFrameBytes: must be in 1024..2^30, got " + maxFrameBytes);
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("backoffInitial", backoffInitial);
        requirePositive("backoffMax", backoffMax);
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoffMax: must be >= backoffInitial " + backoffInitial + ", got "
                    + backoffMax);
        }
        if (maxFramesPerWork < 1) {
            throw new IllegalArgumentException("maxFramesPerWork: must be at least 1, got " + maxFramesPerWork);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration, got " + d);
        }
    }

    /** Defaults: 8 MiB frames, 5 s connect, 10 s idle, backoff 0.5 s doubling to 30 s, 16 frames per duty cycle. */
    public static MjpegHttpSettings of(URI url, String cameraName) {
        return new MjpegHttpSettings(url, cameraName, DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30), 16);
    }

    public MjpegHttpSettings withMaxFrameBytes(int n) {
        return new MjpegHttpSettings(url, cameraName, n, connectTimeout, idleTimeout, backoffInitial, backoffMax,
                maxFramesPerWork);
    }

    public MjpegHttpSettings withBackoff(Duration initial, Duration max) {
        return new MjpegHttpSettings(url, cameraName, maxFrameBytes, connectTimeout, idleTimeout, initial, max,
                maxFramesPerWork);
    }

    public MjpegHttpSettings withIdleTimeout(Duration d) {
        return new MjpegHttpSettings(url, cameraName, maxFrameBytes, connectTimeout, d, backoffInitial, backoffMax,
                maxFramesPerWork);
    }
}
