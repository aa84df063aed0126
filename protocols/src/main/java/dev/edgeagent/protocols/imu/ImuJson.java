package dev.edgeagent.protocols.imu;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.text.AsciiNumbers;
import org.agrona.DirectBuffer;

/**
 * Converts one JSON IMU object (an MQTT payload, a UDP datagram) into an {@link ImuSample} without allocating.
 *
 * <p>Accepted fields (others are skipped, whatever their value):
 * <ul>
 *   <li>time, optional: {@code "t"} or {@code "time"} seconds (decimal, read exactly to the ns), or {@code "t_ns"} or
 *       {@code "timestamp_ns"} integer ns; absent = {@link RecordSink#NO_SENSOR_TIME}</li>
 *   <li>angular velocity, required: {@code "gyro"} [x,y,z] rad/s, or {@code "gyro_dps"} [x,y,z] deg/s</li>
 *   <li>acceleration, required: {@code "accel"} [x,y,z] m/s², or {@code "accel_g"} [x,y,z] in g (9.80665 m/s²)</li>
 *   <li>orientation, optional: {@code "quat"} or {@code "orientation"} [w,x,y,z]</li>
 *   <li>magnetic field, optional: {@code "mag"} [x,y,z] µT</li>
 * </ul>
 * Example: {@code {"t":1700000000.125,"gyro":[0.01,0,-0.02],"accel":[0,0,9.81],"mag":[15.3,0.4,-41]}}.
 * Malformed input throws {@link ImuFormatException} {@code imu-bad-json} with the byte offset in the object.
 */
public final class ImuJson {

    private static final byte[][] KEYS = {
        bytes("t"), bytes("time"), bytes("t_ns"), bytes("timestamp_ns"), bytes("gyro"), bytes("gyro_dps"),
        bytes("accel"), bytes("accel_g"), bytes("quat"), bytes("orientation"), bytes("mag")};
    private static final int T = 0;
    private static final int TIME = 1;
    private static final int T_NS = 2;
    private static final int TIMESTAMP_NS = 3;
    private static final int GYRO = 4;
    private static final int GYRO_DPS = 5;
    private static final int ACCEL = 6;
    private static final int ACCEL_G = 7;
    private static final int QUAT = 8;
    private static final int ORIENTATION = 9;
    private static final int MAG = 10;

    private final double[] values = new double[4];
    private DirectBuffer b;
    private int base;
    private int end;
    private int pos;

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Parses {@code [offset, offset + length)} into {@code s}. One instance per thread. */
    public void parse(DirectBuffer buffer, int offset, int length, ImuSample s) {
        b = buffer;
        base = offset;
        end = offset + length;
        pos = offset;
        s.clear();
        s.timeNs = RecordSink.NO_SENSOR_TIME;
        boolean gyro = false;
        boolean accel = false;
        ws();
        expect('{');
        ws();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                ws();
                expect('"');
                final int ks = pos;
                while (pos < end && b.getByte(pos) != '"') {
                    if (b.getByte(pos) == '\\') {
                        pos++;
                    }
                    pos++;
                }
                final int ke = pos;
                expect('"');
                ws();
                expect(':');
                ws();
                final int key = key(ks, ke);
                switch (key) {
                    case T, TIME -> s.timeNs = seconds();
                    case T_NS, TIMESTAMP_NS -> s.timeNs = integer();
                    case GYRO, GYRO_DPS -> {
                        array(3);
                        final double f = key == GYRO ? 1.0 : Math.PI / 180.0;
                        s.gyroX = values[0] * f;
                        s.gyroY = values[1] * f;
                        s.gyroZ = values[2] * f;
                        gyro = true;
                    }
                    case ACCEL, ACCEL_G -> {
                        array(3);
                        final double f = key == ACCEL ? 1.0 : ImuUnits.STANDARD_GRAVITY;
                        s.accelX = values[0] * f;
                        s.accelY = values[1] * f;
                        s.accelZ = values[2] * f;
                        accel = true;
                    }
                    case QUAT, ORIENTATION -> {
                        array(4);
                        s.quatW = values[0];
                        s.quatX = values[1];
                        s.quatY = values[2];
                        s.quatZ = values[3];
                        s.hasOrientation = true;
                    }
                    case MAG -> {
                        array(3);
                        s.magX = values[0];
                        s.magY = values[1];
                        s.magZ = values[2];
                        s.hasMagneticField = true;
                    }
                    default -> skipValue(0);
                }
                ws();
                final byte c = peek();
                pos++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw bad(pos - 1, "expected ',' or '}' after a field");
                }
            }
        }
        ws();
        if (pos != end) {
            throw bad(pos, "unexpected bytes after the object");
        }
        if (!gyro || !accel) {
            throw bad(0, "IMU JSON needs \"gyro\" (or \"gyro_dps\") and \"accel\" (or \"accel_g\") arrays");
        }
    }

    private int key(int ks, int ke) {
        outer:
        for (int k = 0; k < KEYS.length; k++) {
            final byte[] name = KEYS[k];
            if (name.length != ke - ks) {
                continue;
            }
            for (int i = 0; i < name.length; i++) {
                if (b.getByte(ks + i) != name[i]) {
                    continue outer;
                }
            }
            return k;
        }
        return -1;
    }

    private void array(int n) {
        expect('[');
        for (int i = 0; i < n; i++) {
            ws();
            values[i] = number();
            ws();
            if (i < n - 1) {
                expect(',');
            }
        }
        expect(']');
    }

    private int numberEnd() {
        int i = pos;
        while (i < end) {
            final byte c = b.getByte(i);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private double number() {
        final int e = numberEnd();
        final double v = AsciiNumbers.parseDouble(b, pos, e);
        if (Double.isNaN(v)) {
            throw bad(pos, "expected a number");
        }
        pos = e;
        return v;
    }

    private long integer() {
        final int e = numberEnd();
        final long v = AsciiNumbers.parseLong(b, pos, e);
        if (v == AsciiNumbers.NO_LONG) {
            throw bad(pos, "expected an integer count of ns");
        }
        pos = e;
        return v;
    }

    /** Seconds, integer and fraction read separately (exact to the ns). */
    private long seconds() {
        final int s = pos;
        final int e = numberEnd();
        int dot = -1;
        for (int i = s; i < e; i++) {
            final byte c = b.getByte(i);
            if (c == 'e' || c == 'E') {
                final double v = AsciiNumbers.parseDouble(b, s, e);
                if (Double.isNaN(v)) {
                    throw bad(s, "expected a time in seconds");
                }
                pos = e;
                return Math.round(v * 1e9);
            }
            if (c == '.') {
                dot = i;
            }
        }
        final long whole = AsciiNumbers.parseLong(b, s, dot < 0 ? e : dot);
        final long frac = dot < 0 ? 0 : AsciiNumbers.fractionNanos(b, dot + 1, e);
        if (whole == AsciiNumbers.NO_LONG || frac < 0 || whole > 9_000_000_000L || whole < -9_000_000_000L) {
            throw bad(s, "expected a time in seconds");
        }
        pos = e;
        return whole * 1_000_000_000L + (b.getByte(s) == '-' ? -frac : frac);
    }

    private void skipValue(int depth) {
        if (depth > 32) {
            throw bad(pos, "nesting deeper than 32");
        }
        final byte c = peek();
        if (c == '"') {
            pos++;
            while (pos < end && b.getByte(pos) != '"') {
                if (b.getByte(pos) == '\\') {
                    pos++;
                }
                pos++;
            }
            expect('"');
        } else if (c == '{' || c == '[') {
            final byte close = c == '{' ? (byte) '}' : (byte) ']';
            pos++;
            ws();
            if (peek() == close) {
                pos++;
                return;
            }
            while (true) {
                ws();
                if (c == '{') {
                    skipValue(depth + 1); // the key (a string)
                    ws();
                    expect(':');
                    ws();
                }
                skipValue(depth + 1);
                ws();
                final byte n = peek();
                pos++;
                if (n == close) {
                    return;
                }
                if (n != ',') {
                    throw bad(pos - 1, "expected ',' or '" + (char) close + "'");
                }
            }
        } else {
            final int s = pos;
            while (pos < end) {
                final byte x = b.getByte(pos);
                if (x == ',' || x == '}' || x == ']' || x == ' ' || x == '\n' || x == '\r' || x == '\t') {
                    break;
                }
                pos++;
            }
            if (pos == s) {
                throw bad(s, "expected a value");
            }
        }
    }

    private void ws() {
        while (pos < end) {
            final byte c = b.getByte(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private byte peek() {
        if (pos >= end) {
            throw bad(pos, "the object ends early");
        }
        return b.getByte(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw bad(pos, "expected '" + c + "'");
        }
        pos++;
    }

    private ImuFormatException bad(int at, String what) {
        return new ImuFormatException("imu-bad-json", Math.max(0, at - base), "IMU JSON at byte " + (at - base) + ": "
                + what);
    }

    /**
     * Converts a JSON payload straight into an {@link ImuRecord} at {@code out[outOffset]} (for the agent's MQTT path).
     *
     * @param fallbackTimeNs the time to record when the JSON has none (e.g. the receive wall time)
     * @return the sensor time written into the record
     */
    public long toRecord(DirectBuffer json, int offset, int length, long fallbackTimeNs, ImuSample scratch,
                         org.agrona.MutableDirectBuffer out, int outOffset) {
        parse(json, offset, length, scratch);
        if (scratch.timeNs == RecordSink.NO_SENSOR_TIME) {
            scratch.timeNs = fallbackTimeNs;
        }
        ImuRecord.encode(scratch, out, outOffset);
        return scratch.timeNs;
    }
}
