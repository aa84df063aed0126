package dev.edgeagent.protocols.gnss;

import java.util.Objects;

import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Splits a byte stream that mixes NMEA 0183, u-blox UBX and RTCM 3 into frames, whatever the chunking: feed it
 * chunks as they arrive ({@link #feed}), get each complete, checked frame through the {@link FrameHandler}, and call
 * {@link #end()} at the end of the stream. No allocation per frame; not thread-safe (one feeding thread).
 *
 * <h2>Framing</h2>
 * <ul>
 *   <li>NMEA: {@code $} up to and including {@code \n} (a {@code \r} before it is allowed), at most
 *       {@value #MAX_NMEA_LENGTH} bytes, printable ASCII, ending in {@code *HH} whose value must be the XOR of the
 *       bytes between {@code $} and {@code *}. The frame handed over includes the line end.</li>
 *   <li>UBX: {@code B5 62}, class, id, u16 little-endian payload length (at most the configured maximum), payload,
 *       then the 8-bit Fletcher checksum CK_A CK_B over class..payload.</li>
 *   <li>RTCM 3: {@code D3}, 6 reserved bits that must be zero, a 10-bit payload length, payload, CRC-24Q (3 bytes,
 *       big-endian) over the header and payload.</li>
 * </ul>
 *
 * <h2>Bad input and resynchronisation</h2>
 * Bytes that start none of these frames are skipped; each run of them is reported once when it ends, as kind
 * {@code garbage} at the run's stream offset. A frame that starts but fails its check is reported at its offset:
 * {@code nmea-checksum} (the whole line is dropped), {@code nmea-truncated} (a sentence cut short by a new {@code $}
 * or by a binary byte; scanning resumes there), {@code nmea-too-long}, {@code ubx-checksum}, {@code ubx-too-long},
 * {@code rtcm3-crc}. After a bad binary frame only its sync byte(s) are dropped and the scan goes on inside it (its
 * claimed length may be the corrupt part), and bytes inside its claimed extent are not reported again as garbage.
 * At {@link #end()}, an incomplete frame is reported as {@code truncated-frame}. Offsets count from the value given
 * to {@link #reset(long)} (0 at construction), so a file reader can make them file offsets.
 */
public final class GnssFrameSplitter {

    /** Receives each complete frame; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface FrameHandler {
        /**
         * @param type         NMEA, UBX or RTCM3
         * @param streamOffset where the frame's first byte is in the stream
         * @param buffer       holds the frame at {@code [offset, offset + length)}: sync bytes to checksum inclusive
         *                     (and the line end, for NMEA)
         */
        void onFrame(GnssFrameType type, long streamOffset, DirectBuffer buffer, int offset, int length);
    }

    /** The longest NMEA line accepted (the standard says 82; receivers' proprietary sentences run longer). */
    public static final int MAX_NMEA_LENGTH = 1024;
    /** Default largest UBX payload: larger lengths are taken for a false sync rather than waited for. */
    public static final int DEFAULT_MAX_UBX_PAYLOAD = 8192;
    private static final int MAX_RTCM3_FRAME = 3 + 1023 + 3;

    private static final int NEED_MORE = -1;
    private static final int NOT_FRAME = -2;
    private static final int BAD = -3;

    private final FrameHandler handler;
    private final BadInputListener listener;
    private final int maxUbxPayload;
    private final byte[] array;
    private final UnsafeBuffer buffer;

    private int start;
    private int limit;
    private long baseOffset;
    private long garbageStart = -1;
    private long garbageLength;
    private long suppressUntil;
    private int badSkip;

    private long nmeaFrames;
    private long ubxFrames;
    private long rtcm3Frames;
    private long badFrames;
    private long garbageRuns;
    private long skippedBytes;

    public GnssFrameSplitter(FrameHandler handler, BadInputListener listener) {
        this(handler, listener, DEFAULT_MAX_UBX_PAYLOAD);
    }

    /**
     * @param maxUbxPayload largest UBX payload accepted (1..65535); the internal buffer is sized from it
     */
    public GnssFrameSplitter(FrameHandler handler, BadInputListener listener, int maxUbxPayload) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.listener = listener == null ? BadInputListener.IGNORE : listener;
        if (maxUbxPayload < 1 || maxUbxPayload > 65535) {
            throw new IllegalArgumentException("maxUbxPayload: must be 1..65535, got " + maxUbxPayload);
        }
        this.maxUbxPayload = maxUbxPayload;
        final int longest = Math.max(Math.max(8 + maxUbxPayload, MAX_NMEA_LENGTH), MAX_RTCM3_FRAME);
        this.array = new byte[2 * longest];
        this.buffer = new UnsafeBuffer(array);
    }

    /** Forgets any partial frame and garbage run; the next byte fed is at {@code streamOffset}. */
    public void reset(long streamOffset) {
        start = 0;
        limit = 0;
        baseOffset = streamOffset;
        garbageStart = -1;
        garbageLength = 0;
        suppressUntil = streamOffset;
    }

    /** Feeds the next chunk of the stream; complete frames are handed over before this returns. */
    public void feed(DirectBuffer src, int offset, int length) {
        while (length > 0) {
            final int n = makeRoom(length);
            src.getBytes(offset, array, limit, n);
            limit += n;
            offset += n;
            length -= n;
            scan(false);
        }
    }

    /** Feeds the next chunk of the stream from a byte array. */
    public void feed(byte[] src, int offset, int length) {
        while (length > 0) {
            final int n = makeRoom(length);
            System.arraycopy(src, offset, array, limit, n);
            limit += n;
            offset += n;
            length -= n;
            scan(false);
        }
    }

    /** The stream ended: reports an incomplete last frame and the last garbage run. */
    public void end() {
        scan(true);
        endGarbage();
    }

    private int makeRoom(int wanted) {
        if (limit == array.length || (start > 0 && array.length - limit < wanted)) {
            System.arraycopy(array, start, array, 0, limit - start);
            baseOffset += start;
            limit -= start;
            start = 0;
        }
        return Math.min(wanted, array.length - limit);
    }

    private void scan(boolean atEnd) {
        final byte[] a = array;
        int p = start;
        while (p < limit) {
            final int b = a[p] & 0xFF;
            final int r;
            final GnssFrameType type;
            if (b == '$') {
                r = nmea(p);
                type = GnssFrameType.NMEA;
            } else if (b == 0xB5) {
                r = ubx(p);
                type = GnssFrameType.UBX;
            } else if (b == 0xD3) {
                r = rtcm3(p);
                type = GnssFrameType.RTCM3;
            } else {
                r = NOT_FRAME;
                type = null;
            }
            if (r > 0) {
                endGarbage();
                count(type);
                handler.onFrame(type, baseOffset + p, buffer, p, r);
                p += r;
            } else if (r == NOT_FRAME) {
                garbage(baseOffset + p);
                p++;
            } else if (r == BAD) {
                skippedBytes += badSkip;
                p += badSkip;
            } else { // NEED_MORE
                if (!atEnd) {
                    break;
                }
                endGarbage();
                bad("truncated-frame", baseOffset + p, "the stream ended inside a " + type
                        + " frame: " + (limit - p) + " bytes of it were dropped");
                skippedBytes += limit - p;
                p = limit;
            }
        }
        start = p;
        if (start == limit) {
            baseOffset += start;
            start = 0;
            limit = 0;
        }
    }

    private int nmea(int p) {
        final byte[] a = array;
        final int max = Math.min(limit, p + MAX_NMEA_LENGTH);
        int i = p + 1;
        for (; i < max; i++) {
            final byte c = a[i];
            if (c == '\n') {
                break;
            }
            if (c == '$' || (c < 0x20 && c != '\r') || c > 0x7E) {
                reportBad("nmea-truncated", p, "NMEA sentence cut short after " + (i - p)
                        + " bytes: expected '*HH' and a line end, found byte 0x" + Integer.toHexString(c & 0xFF));
                badSkip = i - p;
                return BAD;
            }
        }
        if (i == max) {
            if (max == limit && limit - p < MAX_NMEA_LENGTH) {
                return NEED_MORE;
            }
            reportBad("nmea-too-long", p, "NMEA sentence without a line end within " + MAX_NMEA_LENGTH + " bytes");
            badSkip = i - p;
            return BAD;
        }
        final int length = i + 1 - p;
        int end = i;
        if (a[end - 1] == '\r') {
            end--;
        }
        final int star = end - 3;
        final int given = star > p ? hexByte(a[star + 1], a[star + 2]) : -1;
        if (star <= p || a[star] != '*' || given < 0) {
            reportBad("nmea-checksum", p, "NMEA sentence does not end in '*' and two hex digits");
            badSkip = length;
            return BAD;
        }
        int x = 0;
        for (int k = p + 1; k < star; k++) {
            x ^= a[k];
        }
        if ((x & 0xFF) != given) {
            reportBad("nmea-checksum", p, "NMEA checksum *" + hex2(given) + " does not match the sentence's XOR "
                    + hex2(x & 0xFF));
            badSkip = length;
            return BAD;
        }
        return length;
    }

    private int ubx(int p) {
        final byte[] a = array;
        if (limit - p < 2) {
            return NEED_MORE;
        }
        if (a[p + 1] != 0x62) {
            return NOT_FRAME;
        }
        if (limit - p < 6) {
            return NEED_MORE;
        }
        final int length = (a[p + 4] & 0xFF) | (a[p + 5] & 0xFF) << 8;
        if (length > maxUbxPayload) {
            reportBad("ubx-too-long", p, "UBX length field " + length + " exceeds the largest accepted payload "
                    + maxUbxPayload);
            badSkip = 2;
            return BAD;
        }
        final int total = 8 + length;
        if (limit - p < total) {
            return NEED_MORE;
        }
        int ckA = 0;
        int ckB = 0;
        for (int k = p + 2, e = p + 6 + length; k < e; k++) {
            ckA = (ckA + (a[k] & 0xFF)) & 0xFF;
            ckB = (ckB + ckA) & 0xFF;
        }
        if (ckA != (a[p + 6 + length] & 0xFF) || ckB != (a[p + 7 + length] & 0xFF)) {
            reportBad("ubx-checksum", p, "UBX class 0x" + hex2(a[p + 2] & 0xFF) + " id 0x" + hex2(a[p + 3] & 0xFF)
                    + ": checksum " + hex2(a[p + 6 + length] & 0xFF) + hex2(a[p + 7 + length] & 0xFF)
                    + " does not match the computed " + hex2(ckA) + hex2(ckB));
            badSkip = 2;
            suppressUntil = Math.max(suppressUntil, baseOffset + p + total);
            return BAD;
        }
        return total;
    }

    private int rtcm3(int p) {
        final byte[] a = array;
        if (limit - p < 3) {
            return NEED_MORE;
        }
        if ((a[p + 1] & 0xFC) != 0) {
            return NOT_FRAME;
        }
        final int length = (a[p + 1] & 0x03) << 8 | (a[p + 2] & 0xFF);
        final int total = 6 + length;
        if (limit - p < total) {
            return NEED_MORE;
        }
        final int crc = Crc24q.compute(a, p, 3 + length);
        final int given = (a[p + 3 + length] & 0xFF) << 16 | (a[p + 4 + length] & 0xFF) << 8
                | (a[p + 5 + length] & 0xFF);
        if (crc != given) {
            reportBad("rtcm3-crc", p, "RTCM3 frame of length " + length + ": CRC-24Q " + Integer.toHexString(given)
                    + " does not match the computed " + Integer.toHexString(crc));
            badSkip = 1;
            suppressUntil = Math.max(suppressUntil, baseOffset + p + total);
            return BAD;
        }
        return total;
    }

    private void garbage(long streamOffset) {
        skippedBytes++;
        if (streamOffset < suppressUntil) {
            return; // inside a bad frame's extent: already reported
        }
        if (garbageStart < 0) {
            garbageStart = streamOffset;
        }
        garbageLength++;
    }

    private void endGarbage() {
        if (garbageLength > 0) {
            garbageRuns++;
            try {
                listener.onBadInput("garbage", garbageStart, garbageLength
                        + " bytes that start no NMEA ($), UBX (B5 62) or RTCM3 (D3) frame were skipped");
            } catch (RuntimeException ignored) {
                // a listener must not throw; the splitter goes on
            }
        }
        garbageStart = -1;
        garbageLength = 0;
    }

    private void reportBad(String kind, int p, String detail) {
        endGarbage();
        bad(kind, baseOffset + p, detail);
    }

    private void bad(String kind, long offset, String detail) {
        badFrames++;
        try {
            listener.onBadInput(kind, offset, detail);
        } catch (RuntimeException ignored) {
            // a listener must not throw; the splitter goes on
        }
    }

    private void count(GnssFrameType type) {
        switch (type) {
            case NMEA -> nmeaFrames++;
            case UBX -> ubxFrames++;
            default -> rtcm3Frames++;
        }
    }

    private static int hexByte(byte hi, byte lo) {
        final int h = Character.digit(hi, 16);
        final int l = Character.digit(lo, 16);
        return h < 0 || l < 0 ? -1 : h << 4 | l;
    }

    private static String hex2(int v) {
        return (v < 16 ? "0" : "") + Integer.toHexString(v).toUpperCase();
    }

    // ---------------------------------------------------------------- counters (the feeding thread)

    public long nmeaFrames() {
        return nmeaFrames;
    }

    public long ubxFrames() {
        return ubxFrames;
    }

    public long rtcm3Frames() {
        return rtcm3Frames;
    }

    /** Frames that started but failed a check, plus a truncated last frame. */
    public long badFrames() {
        return badFrames;
    }

    /** Runs of garbage reported. */
    public long garbageRuns() {
        return garbageRuns;
    }

    /** Bytes not delivered in any frame (garbage, bad frames' sync bytes and skipped lines, a truncated end). */
    public long skippedBytes() {
        return skippedBytes;
    }
}
