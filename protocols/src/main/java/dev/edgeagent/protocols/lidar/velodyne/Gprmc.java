package dev.edgeagent.protocols.lidar.velodyne;

import org.agrona.DirectBuffer;

/**
 * Reads the UTC date and time of an NMEA RMC sentence ({@code $GPRMC} or {@code $GNRMC}) in place, without
 * allocating: {@code $GPRMC,hhmmss[.ss],A,lat,N,lon,E,speed,course,ddmmyy,...*CS}. The checksum is checked when
 * present. One instance is reused.
 */
public final class Gprmc {

    /** No sentence: the field starts with a NUL (the sensor has no GPS attached). */
    public static final int ABSENT = 0;
    public static final int OK = 1;
    public static final int BAD = -1;

    private int hour;
    private int minute;
    private int second;
    private long epochDay;
    private boolean statusValid;
    private int badOffset;
    private String badReason;

    /**
     * @param limit bytes available from {@code off}
     * @return {@link #OK}, {@link #ABSENT} or {@link #BAD} (then {@link #badOffset()} and {@link #badReason()})
     */
    public int parse(DirectBuffer b, int off, int limit) {
        if (limit <= 0 || b.getByte(off) == 0) {
            return ABSENT;
        }
        if (limit < 6 || b.getByte(off) != '$' || b.getByte(off + 3) != 'R' || b.getByte(off + 4) != 'M'
                || b.getByte(off + 5) != 'C') {
            return bad(0, "sentence does not start with $--RMC");
        }
        int end = off;
        int star = -1;
        while (end < off + limit) {
            byte c = b.getByte(end);
            if (c == 0 || c == '\r' || c == '\n') {
                break;
            }
            if (c == '*' && star < 0) {
                star = end;
            }
            end++;
        }
        if (star >= 0) {
            if (star + 3 > end) {
                return bad(star - off, "checksum after '*' must be two hex digits");
            }
            int sum = 0;
            for (int i = off + 1; i < star; i++) {
                sum ^= b.getByte(i) & 0xFF;
            }
            int given = (hex(b.getByte(star + 1)) << 4) | hex(b.getByte(star + 2));
            if (given != sum) {
                return bad(star + 1 - off, "checksum does not match the sentence");
            }
        }
        int field = 0;
        int fieldStart = off;
        int timeStart = -1;
        int dateStart = -1;
        int statusStart = -1;
        for (int i = off; i <= end; i++) {
            if (i == end || b.getByte(i) == ',' || b.getByte(i) == '*') {
                if (field == 1) {
                    timeStart = i - fieldStart >= 6 ? fieldStart : -2;
                } else if (field == 2) {
                    statusStart = i > fieldStart ? fieldStart : -1;
                } else if (field == 9) {
                    dateStart = i - fieldStart == 6 ? fieldStart : -2;
                }
                field++;
                fieldStart = i + 1;
                if (i < end && b.getByte(i) == '*') {
                    break;
                }
            }
        }
        if (timeStart < 0) {
            return bad(7, "time field (1) must be hhmmss");
        }
        if (dateStart < 0) {
            return bad(0, "date field (9) must be ddmmyy");
        }
        int hh = twoDigits(b, timeStart);
        int mi = twoDigits(b, timeStart + 2);
        int ss = twoDigits(b, timeStart + 4);
        int dd = twoDigits(b, dateStart);
        int mo = twoDigits(b, dateStart + 2);
        int yy = twoDigits(b, dateStart + 4);
        if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60) {
            return bad(timeStart - off, "time field (1) must be hhmmss with hh < 24, mm < 60, ss <= 60");
        }
        if (dd < 1 || dd > 31 || mo < 1 || mo > 12 || yy < 0) {
            return bad(dateStart - off, "date field (9) must be ddmmyy with a day 1-31 and month 1-12");
        }
        hour = hh;
        minute = mi;
        second = ss;
        epochDay = epochDay(yy >= 80 ? 1900 + yy : 2000 + yy, mo, dd);
        statusValid = statusStart >= 0 && b.getByte(statusStart) == 'A';
        return OK;
    }

    private int bad(int offset, String reason) {
        badOffset = offset;
        badReason = reason;
        return BAD;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return 0x100; // never matches a checksum byte
    }

    private static int twoDigits(DirectBuffer b, int at) {
        int d1 = b.getByte(at) - '0';
        int d2 = b.getByte(at + 1) - '0';
        if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
            return -1;
        }
        return d1 * 10 + d2;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long epochDay(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    public int hour() {
        return hour;
    }

    public int minute() {
        return minute;
    }

    public int second() {
        return second;
    }

    public long epochDay() {
        return epochDay;
    }

    /** Status field 'A' (valid fix) rather than 'V'. */
    public boolean statusValid() {
        return statusValid;
    }

    /** Seconds since the epoch of the top of the sentence's UTC hour. */
    public long hourStartEpochSeconds() {
        return epochDay * 86_400L + hour * 3_600L;
    }

    public int badOffset() {
        return badOffset;
    }

    public String badReason() {
        return badReason;
    }
}
