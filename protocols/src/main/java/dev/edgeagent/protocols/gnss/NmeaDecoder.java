package dev.edgeagent.protocols.gnss;

import dev.edgeagent.protocols.text.AsciiNumbers;
import org.agrona.DirectBuffer;

/**
 * Decodes NMEA 0183 sentences from bytes into a {@link GnssFix} without allocating: GGA, RMC, VTG, GSA, GST, GLL and
 * ZDA of any two-letter talker (GP, GN, GL, GA, GB, GQ, ...). Other sentences (GSV, TXT, proprietary) are
 * recognised as {@link #OTHER} and leave the fix alone.
 *
 * <p>Two steps, so that an epoch assembler can look at a sentence's time before merging it: {@link #split} checks
 * the checksum and finds the fields, {@link #timeOfDayNs()} reads its UTC time (if it has one), {@link #apply}
 * merges its fields. {@link #decode} does all at once. Empty fields leave the fix's value as it was; RMC with
 * status {@code V} and GGA with quality 0 contribute time (and date) but not position. Malformed input throws
 * {@link GnssFormatException} ({@code nmea-checksum}, {@code nmea-field}) with the byte offset in the sentence.
 * One instance per thread.
 */
public final class NmeaDecoder {

    public static final int OTHER = 0;
    public static final int GGA = 1;
    public static final int RMC = 2;
    public static final int VTG = 3;
    public static final int GSA = 4;
    public static final int GST = 5;
    public static final int GLL = 6;
    public static final int ZDA = 7;

    private static final int MAX_FIELDS = 40;
    private static final double KNOTS_TO_MPS = 1852.0 / 3600.0;

    private final int[] fieldStart = new int[MAX_FIELDS];
    private final int[] fieldEnd = new int[MAX_FIELDS];
    private int fieldCount;
    private int type;
    private DirectBuffer buffer;
    private int sentenceStart;

    /** Splits and merges one sentence; returns its type constant. */
    public int decode(DirectBuffer b, int offset, int length, GnssFix fix) {
        split(b, offset, length);
        apply(fix);
        return type;
    }

    /**
     * Checks one sentence ({@code $} .. {@code *HH}, a line end after it allowed) and finds its fields.
     *
     * @return the sentence type constant ({@link #OTHER} for sentences this decoder does not read)
     */
    public int split(DirectBuffer b, int offset, int length) {
        buffer = b;
        sentenceStart = offset;
        int end = offset + length;
        while (end > offset && (b.getByte(end - 1) == '\n' || b.getByte(end - 1) == '\r')) {
            end--;
        }
        final int star = end - 3;
        if (length < 7 || b.getByte(offset) != '$' || star <= offset || b.getByte(star) != '*') {
            type = OTHER;
            fieldCount = 0;
            throw new GnssFormatException(GnssFormatException.Kind.NMEA_CHECKSUM, Math.max(0, star - offset),
                    "NMEA sentence must start with '$' and end in '*HH'");
        }
        final int given = Character.digit(b.getByte(star + 1), 16) << 4 | Character.digit(b.getByte(star + 2), 16);
        int x = 0;
        int n = 0;
        int fs = offset + 1;
        for (int i = offset + 1; i < star; i++) {
            final byte c = b.getByte(i);
            x ^= c;
            if (c == ',') {
                if (n < MAX_FIELDS) {
                    fieldStart[n] = fs;
                    fieldEnd[n] = i;
                    n++;
                }
                fs = i + 1;
            }
        }
        if (n < MAX_FIELDS) {
            fieldStart[n] = fs;
            fieldEnd[n] = star;
            n++;
        }
        fieldCount = n;
        if (given < 0 || (x & 0xFF) != given) {
            type = OTHER;
            throw new GnssFormatException(GnssFormatException.Kind.NMEA_CHECKSUM, star - offset,
                    "NMEA checksum does not match the XOR of the sentence");
        }
        type = typeOf(b, fieldStart[0], fieldEnd[0]);
        return type;
    }

    private static int typeOf(DirectBuffer b, int s, int e) {
        // talker (2 letters) + 3-letter formatter; proprietary sentences start with 'P'
        if (e - s != 5 || b.getByte(s) == 'P') {
            return OTHER;
        }
        final byte c0 = b.getByte(s + 2);
        final byte c1 = b.getByte(s + 3);
        final byte c2 = b.getByte(s + 4);
        if (c0 == 'G' && c1 == 'G' && c2 == 'A') {
            return GGA;
        }
        if (c0 == 'R' && c1 == 'M' && c2 == 'C') {
            return RMC;
        }
        if (c0 == 'V' && c1 == 'T' && c2 == 'G') {
            return VTG;
        }
        if (c0 == 'G' && c1 == 'S' && c2 == 'A') {
            return GSA;
        }
        if (c0 == 'G' && c1 == 'S' && c2 == 'T') {
            return GST;
        }
        if (c0 == 'G' && c1 == 'L' && c2 == 'L') {
            return GLL;
        }
        if (c0 == 'Z' && c1 == 'D' && c2 == 'A') {
            return ZDA;
        }
        return OTHER;
    }

    /** The type of the sentence last split. */
    public int type() {
        return type;
    }

    /** Number of fields of the sentence last split, the address field included. */
    public int fieldCount() {
        return fieldCount;
    }

    /**
     * The UTC time of day of the sentence last split, ns since midnight, or {@link GnssFix#NO_TIME} if its type
     * carries none (VTG, GSA, OTHER) or the field is empty.
     */
    public long timeOfDayNs() {
        switch (type) {
            case GGA, RMC, GST, ZDA:
                return time(1);
            case GLL:
                return time(5);
            default:
                return GnssFix.NO_TIME;
        }
    }

    /**
     * The UTC date of the sentence last split (RMC, ZDA) as days since 1970-01-01, or {@link GnssFix#NO_TIME}.
     * Two-digit RMC years are taken as 1980..2079.
     */
    public long epochDay() {
        if (type == RMC && fieldCount > 9 && !empty(9)) {
            final int s = fieldStart[9];
            if (fieldEnd[9] - s != 6) {
                throw field(9, "RMC date: expected ddmmyy");
            }
            final int d = AsciiNumbers.digits(buffer, s, 2);
            final int m = AsciiNumbers.digits(buffer, s + 2, 2);
            final int y = AsciiNumbers.digits(buffer, s + 4, 2);
            if (d < 1 || d > 31 || m < 1 || m > 12 || y < 0) {
                throw field(9, "RMC date: expected ddmmyy");
            }
            return AsciiNumbers.epochDay(y < 80 ? 2000 + y : 1900 + y, m, d);
        }
        if (type == ZDA && fieldCount > 4 && !empty(2) && !empty(3) && !empty(4)) {
            final long d = AsciiNumbers.parseLong(buffer, fieldStart[2], fieldEnd[2]);
            final long m = AsciiNumbers.parseLong(buffer, fieldStart[3], fieldEnd[3]);
            final long y = AsciiNumbers.parseLong(buffer, fieldStart[4], fieldEnd[4]);
            if (d < 1 || d > 31 || m < 1 || m > 12 || y < 1900 || y > 9999) {
                throw field(2, "ZDA date: expected day, month, 4-digit year");
            }
            return AsciiNumbers.epochDay((int) y, (int) m, (int) d);
        }
        return GnssFix.NO_TIME;
    }

    /** Merges the sentence last split into {@code fix} (and sets its {@code SRC_} bit). */
    public void apply(GnssFix fix) {
        switch (type) {
            case GGA -> applyGga(fix);
            case RMC -> applyRmc(fix);
            case VTG -> applyVtg(fix);
            case GSA -> applyGsa(fix);
            case GST -> applyGst(fix);
            case GLL -> applyGll(fix);
            case ZDA -> applyZda(fix);
            default -> {
            }
        }
    }

    private void applyTime(GnssFix fix, int index) {
        final long t = time(index);
        if (t != GnssFix.NO_TIME) {
            fix.timeOfDayNs = t;
        }
    }

    private void applyGga(GnssFix fix) {
        fix.sources |= GnssFix.SRC_GGA;
        applyTime(fix, 1);
        final long quality = integer(6);
        if (quality != AsciiNumbers.NO_LONG) {
            fix.fixQuality = (int) quality;
        }
        if (quality != 0) {
            position(fix, 2, 4);
            final double alt = number(9);
            if (!Double.isNaN(alt)) {
                fix.altitudeMslM = alt;
            }
            final double sep = number(11);
            if (!Double.isNaN(sep)) {
                fix.geoidSeparationM = sep;
            }
        }
        final long sats = integer(7);
        if (sats != AsciiNumbers.NO_LONG) {
            fix.satellitesUsed = (int) sats;
        }
        final double hdop = number(8);
        if (!Double.isNaN(hdop)) {
            fix.hdop = hdop;
        }
    }

    private void applyRmc(GnssFix fix) {
        fix.sources |= GnssFix.SRC_RMC;
        applyTime(fix, 1);
        final long day = epochDay();
        if (day != GnssFix.NO_TIME) {
            fix.epochDay = day;
        }
        if (fieldCount > 2 && fieldEnd[2] - fieldStart[2] == 1 && buffer.getByte(fieldStart[2]) == 'A') {
            position(fix, 3, 5);
            final double knots = number(7);
            if (!Double.isNaN(knots)) {
                fix.speedMps = knots * KNOTS_TO_MPS;
            }
            final double course = number(8);
            if (!Double.isNaN(course)) {
                fix.courseDeg = course;
            }
        }
    }

    private void applyVtg(GnssFix fix) {
        fix.sources |= GnssFix.SRC_VTG;
        final double course = number(1);
        if (!Double.isNaN(course)) {
            fix.courseDeg = course;
        }
        final double kmh = number(7);
        if (!Double.isNaN(kmh)) {
            fix.speedMps = kmh / 3.6;
        } else {
            final double knots = number(5);
            if (!Double.isNaN(knots)) {
                fix.speedMps = knots * KNOTS_TO_MPS;
            }
        }
    }

    private void applyGsa(GnssFix fix) {
        fix.sources |= GnssFix.SRC_GSA;
        final long mode = integer(2);
        if (mode >= 1 && mode <= 3) {
            fix.fixType = (int) mode;
        }
        final double pdop = number(15);
        if (!Double.isNaN(pdop)) {
            fix.pdop = pdop;
        }
        final double hdop = number(16);
        if (!Double.isNaN(hdop)) {
            fix.hdop = hdop;
        }
        final double vdop = number(17);
        if (!Double.isNaN(vdop)) {
            fix.vdop = vdop;
        }
    }

    private void applyGst(GnssFix fix) {
        fix.sources |= GnssFix.SRC_GST;
        applyTime(fix, 1);
        final double latSd = number(6);
        final double lonSd = number(7);
        if (!Double.isNaN(latSd) && !Double.isNaN(lonSd)) {
            fix.horizontalAccuracyM = Math.sqrt(latSd * latSd + lonSd * lonSd);
        }
        final double altSd = number(8);
        if (!Double.isNaN(altSd)) {
            fix.verticalAccuracyM = altSd;
        }
    }

    private void applyGll(GnssFix fix) {
        fix.sources |= GnssFix.SRC_GLL;
        applyTime(fix, 5);
        if (fieldCount > 6 && fieldEnd[6] - fieldStart[6] == 1 && buffer.getByte(fieldStart[6]) == 'A') {
            position(fix, 1, 3);
        }
    }

    private void applyZda(GnssFix fix) {
        fix.sources |= GnssFix.SRC_ZDA;
        applyTime(fix, 1);
        final long day = epochDay();
        if (day != GnssFix.NO_TIME) {
            fix.epochDay = day;
        }
    }

    // ---------------------------------------------------------------- fields

    private boolean empty(int i) {
        return i >= fieldCount || fieldEnd[i] == fieldStart[i];
    }

    private double number(int i) {
        if (empty(i)) {
            return Double.NaN;
        }
        final double v = AsciiNumbers.parseDouble(buffer, fieldStart[i], fieldEnd[i]);
        if (Double.isNaN(v)) {
            throw field(i, "expected a decimal number");
        }
        return v;
    }

    private long integer(int i) {
        if (empty(i)) {
            return AsciiNumbers.NO_LONG;
        }
        final long v = AsciiNumbers.parseLong(buffer, fieldStart[i], fieldEnd[i]);
        if (v == AsciiNumbers.NO_LONG) {
            throw field(i, "expected an integer");
        }
        return v;
    }

    /** hhmmss[.s*] at field i, as ns since midnight; NO_TIME if empty. */
    private long time(int i) {
        if (empty(i)) {
            return GnssFix.NO_TIME;
        }
        final int s = fieldStart[i];
        final int e = fieldEnd[i];
        final int hh = e - s >= 6 ? AsciiNumbers.digits(buffer, s, 2) : -1;
        final int mm = hh >= 0 ? AsciiNumbers.digits(buffer, s + 2, 2) : -1;
        final int ss = mm >= 0 ? AsciiNumbers.digits(buffer, s + 4, 2) : -1;
        long fraction = 0;
        if (e - s > 6) {
            fraction = buffer.getByte(s + 6) == '.' ? AsciiNumbers.fractionNanos(buffer, s + 7, e) : -1;
        }
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || fraction < 0) {
            throw field(i, "UTC time: expected hhmmss or hhmmss.ss");
        }
        return (hh * 3600L + mm * 60L + ss) * 1_000_000_000L + fraction;
    }

    /** Latitude at field i (ddmm.mmm) with N/S at i+1, longitude at j (dddmm.mmm) with E/W at j+1. */
    private void position(GnssFix fix, int i, int j) {
        if (empty(i) || empty(j)) {
            return;
        }
        final double lat = degrees(i, 2, 'N', 'S', 90);
        final double lon = degrees(j, 3, 'E', 'W', 180);
        fix.latitudeDeg = lat;
        fix.longitudeDeg = lon;
    }

    private double degrees(int i, int degreeDigits, char positive, char negative, int max) {
        final int s = fieldStart[i];
        final int e = fieldEnd[i];
        int dot = s;
        while (dot < e && buffer.getByte(dot) != '.') {
            dot++;
        }
        if (dot - s < 3) {
            throw field(i, "expected d" + "d".repeat(degreeDigits - 1) + "mm.mmmm");
        }
        final long deg = AsciiNumbers.parseLong(buffer, s, dot - 2);
        final double min = AsciiNumbers.parseDouble(buffer, dot - 2, e);
        if (deg == AsciiNumbers.NO_LONG || deg < 0 || Double.isNaN(min) || min >= 60) {
            throw field(i, "expected degrees and minutes, d" + "d".repeat(degreeDigits - 1) + "mm.mmmm");
        }
        final double v = deg + min / 60.0;
        if (v > max) {
            throw field(i, "angle out of range: at most " + max + " degrees");
        }
        if (empty(i + 1)) {
            throw field(i + 1, "expected hemisphere " + positive + " or " + negative);
        }
        final byte h = buffer.getByte(fieldStart[i + 1]);
        if (fieldEnd[i + 1] - fieldStart[i + 1] != 1 || (h != positive && h != negative)) {
            throw field(i + 1, "expected hemisphere " + positive + " or " + negative);
        }
        return h == negative ? -v : v;
    }

    private GnssFormatException field(int i, String what) {
        return new GnssFormatException(GnssFormatException.Kind.NMEA_FIELD, fieldStart[Math.min(i, fieldCount - 1)]
                - sentenceStart, "NMEA " + sentenceName() + " field " + i + ": " + what);
    }

    private String sentenceName() {
        final StringBuilder sb = new StringBuilder();
        for (int k = fieldStart[0]; k < fieldEnd[0]; k++) {
            sb.append((char) buffer.getByte(k));
        }
        return sb.toString();
    }
}
