package dev.edgeagent.protocols.gnss;

import dev.edgeagent.protocols.text.AsciiNumbers;
import org.agrona.DirectBuffer;

/**
 * The two things the capture path reads from a gpsd JSON line, found without a JSON parser or allocation: the
 * {@code "class"} value and the {@code "time"} value. gpsd writes compact JSON ({@code "key":value}, no spaces)
 * with {@code class} first; the first occurrence of each key is taken (gpsd puts nested objects, which may have their
 * own {@code class}, after the top-level class).
 */
public final class GpsdJson {

    private static final byte[] CLASS_KEY = "\"class\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TIME_KEY = "\"time\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private GpsdJson() {
    }

    /**
     * Where the value of the first {@code "class":"..."} starts, or -1; its end is {@link #stringEnd}.
     */
    public static int classValueStart(DirectBuffer b, int start, int end) {
        final int at = indexOf(b, start, end, CLASS_KEY);
        return at < 0 ? -1 : at + CLASS_KEY.length;
    }

    /** Index of the closing quote of a string value that starts at {@code valueStart}, or -1. */
    public static int stringEnd(DirectBuffer b, int valueStart, int end) {
        for (int i = valueStart; i < end; i++) {
            final byte c = b.getByte(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\') {
                return -1; // gpsd never escapes inside class or time values
            }
        }
        return -1;
    }

    /** The first {@code "time":"...Z"} value as ns since the Unix epoch, or {@link AsciiNumbers#NO_LONG}. */
    public static long timeNs(DirectBuffer b, int start, int end) {
        final int at = indexOf(b, start, end, TIME_KEY);
        if (at < 0) {
            return AsciiNumbers.NO_LONG;
        }
        final int vs = at + TIME_KEY.length;
        final int ve = stringEnd(b, vs, end);
        return ve < 0 ? AsciiNumbers.NO_LONG : AsciiNumbers.parseIsoUtcNanos(b, vs, ve);
    }

    static int indexOf(DirectBuffer b, int start, int end, byte[] needle) {
        final byte first = needle[0];
        outer:
        for (int i = start, last = end - needle.length; i <= last; i++) {
            if (b.getByte(i) != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (b.getByte(i + k) != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
