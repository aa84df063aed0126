package dev.edgeagent.protocols.gnss;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link GpsdClientSource}; validated on construction ({@link IllegalArgumentException} naming the
 * field).
 *
 * @param host                gpsd's address (default 127.0.0.1)
 * @param port                gpsd's TCP port (default 2947)
 * @param watchCommand        sent after each connect (default {@value #DEFAULT_WATCH}); a line end is added
 * @param connectTimeout      a connect not finished within this is abandoned and retried
 * @param reconnectBackoffMin first wait after a failure; doubles per failed attempt (with jitter) ...
 * @param reconnectBackoffMax ... up to this
 * @param maxLineLength       longest JSON line accepted (gpsd's SKY with many satellites runs to a few KiB);
 *                            longer lines are reported ({@code line-too-long}) and dropped
 */
public record GpsdClientSettings(String host, int port, String watchCommand, Duration connectTimeout,
                                 Duration reconnectBackoffMin, Duration reconnectBackoffMax, int maxLineLength) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2947;
    public static final String DEFAULT_WATCH = "?WATCH={\"enable\":true,\"json\":true}";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    public GpsdClientSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: must be a host name or address, got '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: must be 1..65535, got " + port);
        }
        Objects.requireNonNull(watchCommand, "watchCommand");
        if (watchCommand.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("watchCommand: must be one line, got '" + watchCommand + "'");
        }
        positive("connectTimeout", connectTimeout);
        positive("reconnectBackoffMin", reconnectBackoffMin);
        positive("reconnectBackoffMax", reconnectBackoffMax);
        if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoffMax: must be at least reconnectBackoffMin ("
                    + reconnectBackoffMin + "), got " + reconnectBackoffMax);
        }
        if (maxLineLength < 256 || maxLineLength > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxLineLength: must be 256..16777216, got " + maxLineLength);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration, got " + d);
        }
    }

    /** gpsd at {@code host:port} with the defaults. */
    public static GpsdClientSettings of(String host, int port) {
        return new GpsdClientSettings(host, port, DEFAULT_WATCH, DEFAULT_CONNECT_TIMEOUT, DEFAULT_BACKOFF_MIN,
                DEFAULT_BACKOFF_MAX, DEFAULT_MAX_LINE_LENGTH);
    }

    public GpsdClientSettings withBackoff(Duration min, Duration max) {
        return new GpsdClientSettings(host, port, watchCommand, connectTimeout, min, max, maxLineLength);
    }
}
