package dev.edgeagent.protocols.can;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Parses one line of a {@code candump -l} log, e.g. {@code (1674149059.123456) can0 123#DEADBEEF}, from bytes,
 * without allocating. The frame part follows can-utils' {@code parse_canframe}:
 * <ul>
 *   <li>{@code 123#11223344} standard id (3 hex digits), {@code 1234ABCD#..} extended id (8 hex digits); an
 *       8-digit id with bit 0x20000000 set is an error frame (CAN_ERR_FLAG, no CAN_EFF_FLAG)</li>
 *   <li>{@code 123#R} / {@code 123#R5} remote frame with an optional requested length (0..8), and
 *       {@code 123#R8_D} a raw DLC 9..15</li>
 *   <li>{@code 123##<flags nibble><data>} CAN FD (up to 64 bytes; BRS 1, ESI 2, FDF 4)</li>
 *   <li>{@code 123#<8 data bytes>_<dlc hex 9..F>} classic frame with a raw DLC above 8</li>
 *   <li>data bytes may be separated by {@code .}; hex digits in either case</li>
 * </ul>
 * Interface names are 1..15 bytes. Fields may be separated by several spaces, and a trailing direction mark
 * ({@code R} / {@code T}, from {@code candump -x}) is accepted and ignored. A blank line yields no frame. Anything
 * else throws {@link CandumpFormatException} naming the line, column and what was expected.
 */
public final class CandumpParser {

    /** IFNAMSIZ - 1. */
    public static final int MAX_INTERFACE_LENGTH = 15;
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;
    private static final long[] FRACTION_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000,
        100, 10, 1};

    private final CanFrame frame = new CanFrame();
    private long timestampNanos;
    private int interfaceOffset;
    private int interfaceLength;

    private DirectBuffer line;
    private int lineStart;
    private long lineNumber;
    private long byteOffset;

    /** The frame of the last parsed line. */
    public CanFrame frame() {
        return frame;
    }

    /** The log timestamp, ns since the Unix epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Where the interface name lies in the buffer given to {@link #parse} (valid while that buffer is). */
    public int interfaceOffset() {
        return interfaceOffset;
    }

    public int interfaceLength() {
        return interfaceLength;
    }

    /** True if the last line's interface name equals {@code name} (ASCII). */
    public boolean interfaceEquals(DirectBuffer buffer, byte[] name) {
        if (name.length != interfaceLength) {
            return false;
        }
        for (int i = 0; i < interfaceLength; i++) {
            if (buffer.getByte(interfaceOffset + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param buffer     holds the line, without its {@code \n} (a trailing {@code \r} is allowed)
     * @param lineNumber 1-based, for errors
     * @param byteOffset the line's offset in its file, for errors (-1 when unknown)
     * @return false for a blank line, true when a frame was parsed
     * @throws CandumpFormatException the line is not a candump log line
     */
    public boolean parse(DirectBuffer buffer, int offset, int length, long lineNumber, long byteOffset) {
        this.line = buffer;
        this.lineStart = offset;
        this.lineNumber = lineNumber;
        this.byteOffset = byteOffset;
        int end = offset + length;
        if (end > offset && buffer.getByte(end - 1) == '\r') {
            end--;
        }
        int p = skipBlanks(offset, end);
        if (p == end) {
            return false;
        }
        // (seconds.fraction)
        if (buffer.getByte(p) != '(') {
            throw error(p, "expected '(' opening the timestamp, found " + found(p, end));
        }
        p++;
        long seconds = 0;
        int digits = 0;
        while (p < end && isDigit(buffer.getByte(p))) {
            seconds = seconds * 10 + (buffer.getByte(p) - '0');
            if (seconds > MAX_SECONDS) {
                throw error(p, "timestamp seconds out of range");
            }
            p++;
            digits++;
        }
        if (digits == 0) {
            throw error(p, "expected the timestamp's seconds (decimal digits), found " + found(p, end));
        }
        if (p >= end || buffer.getByte(p) != '.') {
            throw error(p, "expected '.' between the timestamp's seconds and fraction, found " + found(p, end));
        }
        p++;
        long fraction = 0;
        digits = 0;
        while (p < end && isDigit(buffer.getByte(p))) {
            if (++digits > 9) {
                throw error(p, "expected at most 9 fraction digits in the timestamp");
            }
            fraction = fraction * 10 + (buffer.getByte(p) - '0');
            p++;
        }
        if (digits == 0) {
            throw error(p, "expected the timestamp's fraction (decimal digits), found " + found(p, end));
        }
        if (p >= end || buffer.getByte(p) != ')') {
            throw error(p, "expected ')' closing the timestamp, found " + found(p, end));
        }
        p++;
        final long ts = seconds * 1_000_000_000L + fraction * FRACTION_SCALE[digits];
        // interface
        int q = skipBlanks(p, end);
        if (q == p || q == end) {
            throw error(q, "expected a space and then the interface name, found " + found(q, end));
        }
        p = q;
        while (q < end && !isBlank(buffer.getByte(q))) {
            q++;
        }
        if (q - p > MAX_INTERFACE_LENGTH) {
            throw error(p, "interface name of " + (q - p) + " bytes: expected at most " + MAX_INTERFACE_LENGTH);
        }
        final int ifOffset = p;
        final int ifLength = q - p;
        p = skipBlanks(q, end);
        if (p == q || p == end) {
            throw error(p, "expected a space and then the frame (<id>#<data>), found " + found(p, end));
        }
        p = parseFrame(p, end);
        // optional direction mark from candump -x, then the end of the line
        q = skipBlanks(p, end);
        if (q < end && q > p) {
            final byte b = buffer.getByte(q);
            if ((b == 'R' || b == 'T') && skipBlanks(q + 1, end) == end) {
                q = end;
            }
        }
        if (q != end) {
            throw error(p < end && !isBlank(buffer.getByte(p)) ? p : q, "expected the end of the line after the frame, found "
                    + found(p < end && !isBlank(buffer.getByte(p)) ? p : q, end));
        }
        timestampNanos = ts;
        interfaceOffset = ifOffset;
        interfaceLength = ifLength;
        return true;
    }

    /** Parses {@code <id>#...} from p; returns the position after the frame token. */
    private int parseFrame(int p, int end) {
        final DirectBuffer b = line;
        final int idStart = p;
        long id = 0;
        while (p < end && b.getByte(p) != '#') {
            final int nibble = hex(b.getByte(p));
            if (nibble < 0) {
                throw error(p, "expected a hex digit of the CAN id or '#', found " + found(p, end));
            }
            id = (id << 4) | nibble;
            if (p - idStart >= 8) {
                throw error(idStart, "expected a 3-digit (standard) or 8-digit (extended) hex CAN id, found more "
                        + "than 8 digits");
            }
            p++;
        }
        if (p >= end) {
            throw error(p, "expected '#' after the CAN id, found the end of the line");
        }
        final int idDigits = p - idStart;
        int canId;
        if (idDigits == 3) {
            if (id > CanFrame.CAN_SFF_MASK) {
                throw error(idStart, "standard CAN id 0x" + Long.toHexString(id).toUpperCase() + " exceeds 0x7FF");
            }
            canId = (int) id;
        } else if (idDigits == 8) {
            if ((id & CanFrame.CAN_ERR_FLAG) != 0) {
                if ((id & 0xC0000000L) != 0) {
                    throw error(idStart, "error frame id 0x" + Long.toHexString(id).toUpperCase()
                            + " has bits above 0x3FFFFFFF set");
                }
                canId = (int) id; // error frame: class bits + CAN_ERR_FLAG, no EFF flag (as candump writes it)
            } else {
                if (id > CanFrame.CAN_EFF_MASK) {
                    throw error(idStart, "extended CAN id 0x" + Long.toHexString(id).toUpperCase()
                            + " exceeds 0x1FFFFFFF");
                }
                canId = (int) id | CanFrame.CAN_EFF_FLAG;
            }
        } else {
            throw error(idStart, "expected a 3-digit (standard) or 8-digit (extended) hex CAN id before '#', found "
                    + idDigits + " digits");
        }
        p++; // '#'
        final UnsafeBuffer data = frame.data();
        if (p < end && (b.getByte(p) == 'R' || b.getByte(p) == 'r')) {
            p++;
            int len = 0;
            int len8 = 0;
            if (p < end && !isBlank(b.getByte(p))) {
                len = hex(b.getByte(p));
                if (len < 0 || len > CanFrame.CLASSIC_MAX_LEN) {
                    throw error(p, "expected the remote frame's requested length 0..8, found " + found(p, end));
                }
                p++;
                if (len == CanFrame.CLASSIC_MAX_LEN && p < end && b.getByte(p) == '_') {
                    p++;
                    len8 = p < end ? hex(b.getByte(p)) : -1;
                    if (len8 < 9) {
                        throw error(p, "expected a raw DLC 9..F after '_', found " + found(p, end));
                    }
                    p++;
                }
            }
            if (idDigits == 8 && (canId & CanFrame.CAN_ERR_FLAG) != 0) {
                throw error(idStart, "an error frame cannot be a remote frame");
            }
            frame.setUnchecked(canId | CanFrame.CAN_RTR_FLAG, len, 0, len8);
            return p;
        }
        int flags = 0;
        int max = CanFrame.CLASSIC_MAX_LEN;
        if (p < end && b.getByte(p) == '#') {
            p++;
            final int nibble = p < end ? hex(b.getByte(p)) : -1;
            if (nibble < 0) {
                throw error(p, "expected the CAN FD flags nibble (hex) after '##', found " + found(p, end));
            }
            if ((nibble & ~(CanFrame.CANFD_BRS | CanFrame.CANFD_ESI | CanFrame.CANFD_FDF)) != 0) {
                throw error(p, "CAN FD flags nibble " + Integer.toHexString(nibble).toUpperCase()
                        + ": only BRS 1, ESI 2 and FDF 4 are defined");
            }
            flags = nibble | CanFrame.CANFD_FDF;
            max = CanFrame.FD_MAX_LEN;
            p++;
        }
        int len = 0;
        while (p < end && !isBlank(b.getByte(p))) {
            byte c = b.getByte(p);
            if (c == '.') {
                p++;
                continue;
            }
            if (c == '_') {
                break;
            }
            final int hi = hex(c);
            if (hi < 0) {
                throw error(p, "expected a hex digit of the data, found " + found(p, end));
            }
            if (len == max) {
                throw error(p, "more than " + max + " data bytes" + (max == CanFrame.CLASSIC_MAX_LEN
                        ? " for a classic CAN frame (CAN FD frames use '##')" : " for a CAN FD frame"));
            }
            final int lo = p + 1 < end ? hex(b.getByte(p + 1)) : -1;
            if (lo < 0) {
                throw error(p + 1, "expected the second hex digit of data byte " + len + ", found " + found(p + 1, end));
            }
            data.putByte(len++, (byte) ((hi << 4) | lo));
            p += 2;
        }
        int len8 = 0;
        if (p < end && b.getByte(p) == '_') {
            if (flags != 0 || len != CanFrame.CLASSIC_MAX_LEN) {
                throw error(p, "'_<dlc>' is only allowed after exactly 8 data bytes of a classic frame");
            }
            p++;
            len8 = p < end ? hex(b.getByte(p)) : -1;
            if (len8 < 9) {
                throw error(p, "expected a raw DLC 9..F after '_', found " + found(p, end));
            }
            p++;
        }
        frame.setUnchecked(canId, len, flags, len8);
        return p;
    }

    private int skipBlanks(int p, int end) {
        while (p < end && isBlank(line.getByte(p))) {
            p++;
        }
        return p;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    /** Only called on the error path. */
    private String found(int p, int end) {
        if (p >= end) {
            return "the end of the line";
        }
        final int c = line.getByte(p) & 0xFF;
        if (c >= 0x20 && c < 0x7F) {
            return "'" + (char) c + "'";
        }
        return String.format("byte 0x%02X", c);
    }

    private CandumpFormatException error(int p, String detail) {
        return new CandumpFormatException(lineNumber, p - lineStart + 1, byteOffset, detail);
    }
}
