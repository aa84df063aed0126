package dev.edgeagent.protocols.imu;

import java.util.Objects;

import dev.edgeagent.protocols.text.AsciiNumbers;
import org.agrona.DirectBuffer;

/**
 * Parses one CSV row into an {@link ImuSample} by an {@link ImuCsvMapping}, converting to SI units, without
 * allocating (except for the exception of a bad row). Fields are plain (no quoting); spaces around a number are
 * allowed.
 */
public final class ImuCsvParser {

    private static final int MAX_COLUMNS = 256;

    private final ImuCsvMapping mapping;
    private final int[] start = new int[MAX_COLUMNS];
    private final int[] end = new int[MAX_COLUMNS];
    private final int needed;
    private DirectBuffer buffer;
    private int columns;

    public ImuCsvParser(ImuCsvMapping mapping) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.needed = mapping.columnsNeeded();
    }

    public ImuCsvMapping mapping() {
        return mapping;
    }

    /**
     * @param b the row, without its line end
     * @throws ImuFormatException {@code bad-row}, offset = the 1-based column
     */
    public void parse(DirectBuffer b, int offset, int length, ImuSample s) {
        buffer = b;
        final byte d = (byte) mapping.delimiter();
        int n = 0;
        int fs = offset;
        final int e = offset + length;
        for (int i = offset; i < e && n < MAX_COLUMNS - 1; i++) {
            if (b.getByte(i) == d) {
                start[n] = fs;
                end[n] = i;
                n++;
                fs = i + 1;
            }
        }
        start[n] = fs;
        end[n] = e;
        n++;
        columns = n;
        if (n < needed) {
            throw new ImuFormatException("bad-row", n + 1, "row has " + n + " columns, the mapping needs " + needed);
        }
        s.timeNs = time(mapping.timeColumn()) + mapping.timeOffsetNs();
        final double g = mapping.gyroUnit().factor();
        final int[] gc = mapping.gyroColumns();
        s.gyroX = number(gc[0], "gyro x") * g;
        s.gyroY = number(gc[1], "gyro y") * g;
        s.gyroZ = number(gc[2], "gyro z") * g;
        final double a = mapping.accelUnit().factor();
        final int[] ac = mapping.accelColumns();
        s.accelX = number(ac[0], "accel x") * a;
        s.accelY = number(ac[1], "accel y") * a;
        s.accelZ = number(ac[2], "accel z") * a;
        final int[] qc = mapping.quatColumns();
        s.hasOrientation = qc != null;
        if (qc != null) {
            s.quatW = number(qc[0], "quaternion w");
            s.quatX = number(qc[1], "quaternion x");
            s.quatY = number(qc[2], "quaternion y");
            s.quatZ = number(qc[3], "quaternion z");
        }
        final int[] mc = mapping.magColumns();
        s.hasMagneticField = mc != null;
        if (mc != null) {
            final double m = mapping.magUnit().factor();
            s.magX = number(mc[0], "magnetic x") * m;
            s.magY = number(mc[1], "magnetic y") * m;
            s.magZ = number(mc[2], "magnetic z") * m;
        }
    }

    private int trimStart(int c) {
        int i = start[c];
        while (i < end[c] && buffer.getByte(i) == ' ') {
            i++;
        }
        return i;
    }

    private int trimEnd(int c, int from) {
        int i = end[c];
        while (i > from && (buffer.getByte(i - 1) == ' ' || buffer.getByte(i - 1) == '\r')) {
            i--;
        }
        return i;
    }

    private double number(int c, String what) {
        final int s = trimStart(c);
        final int e = trimEnd(c, s);
        final double v = AsciiNumbers.parseDouble(buffer, s, e);
        if (Double.isNaN(v)) {
            throw new ImuFormatException("bad-row", c + 1, "column " + (c + 1) + " (" + what
                    + "): expected a decimal number, got '" + text(s, e) + "'");
        }
        return v;
    }

    /** The time column in ns: integer and fraction read separately so that 0.010078907 s is exactly 10078907 ns. */
    private long time(int c) {
        final int s = trimStart(c);
        final int e = trimEnd(c, s);
        final long unit = mapping.timeUnit().nanos();
        int dot = -1;
        boolean exponent = false;
        for (int i = s; i < e; i++) {
            final byte ch = buffer.getByte(i);
            if (ch == '.') {
                dot = i;
            } else if (ch == 'e' || ch == 'E') {
                exponent = true;
            }
        }
        if (exponent) {
            final double v = AsciiNumbers.parseDouble(buffer, s, e);
            if (!Double.isNaN(v)) {
                return Math.round(v * unit);
            }
        } else {
            final int intEnd = dot < 0 ? e : dot;
            final long whole = intEnd == s ? 0 : AsciiNumbers.parseLong(buffer, s, intEnd);
            final long fraction = dot < 0 ? 0 : AsciiNumbers.fractionNanos(buffer, dot + 1, e);
            final boolean negative = s < e && buffer.getByte(s) == '-';
            if (whole != AsciiNumbers.NO_LONG && fraction >= 0 && e > s && (dot < 0 || e > dot + 1 || intEnd > s)
                    && Math.abs(whole) <= Long.MAX_VALUE / unit - 1) {
                final long frac = fraction * unit / 1_000_000_000L;
                return whole * unit + (negative ? -frac : frac);
            }
        }
        throw new ImuFormatException("bad-row", c + 1, "column " + (c + 1) + " (time, " + mapping.timeUnit()
                + "): expected a number, got '" + text(s, e) + "'");
    }

    private String text(int s, int e) {
        final StringBuilder sb = new StringBuilder();
        for (int i = s; i < e && i < s + 40; i++) {
            sb.append((char) (buffer.getByte(i) & 0xFF));
        }
        return sb.toString();
    }

    /** Columns of the last row. */
    public int columns() {
        return columns;
    }
}
