package dev.edgeagent.protocols.text;

import org.agrona.DirectBuffer;

/**
 * Parses decimal numbers from ASCII bytes without allocating (the JDK parsers need a String). Ranges are
 * {@code [start, end)} in the buffer. Malformed or empty input gives {@link Double#NaN} / {@link #NO_LONG}, so that a
 * caller on the hot path can test and report without an exception being built.
 */
public final class AsciiNumbers {

    /** Returned by the integer parsers for empty or malformed input. */
    public static final long NO_LONG = Long.MIN_VALUE;

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private AsciiNumbers() {
    }

    /**
     * A decimal number with optional sign, fraction and exponent ({@code -12.5}, {@code 5.40E-05}, {@code .5}).
     * Exact (correctly rounded) for up to 15 significant digits and exponents within ±22, which covers sensor
     * output; longer mantissas are rounded to 18 digits first.
     *
     * @return the value, or NaN if the range is empty or not a number
     */
    public static double parseDouble(DirectBuffer b, int start, int end) {
        int i = start;
        if (i >= end) {
            return Double.NaN;
        }
        boolean negative = false;
        byte c = b.getByte(i);
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int exp10 = 0;
        boolean any = false;
        while (i < end && (c = b.getByte(i)) >= '0' && c <= '9') {
            any = true;
            if (digits < 18) {
                mantissa = mantissa * 10 + (c - '0');
                if (mantissa != 0) {
                    digits++;
                }
            } else {
                exp10++; // digits beyond 18 only scale
            }
            i++;
        }
        if (i < end && b.getByte(i) == '.') {
            i++;
            while (i < end && (c = b.getByte(i)) >= '0' && c <= '9') {
                any = true;
                if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                    exp10--;
                }
                i++;
            }
        }
        if (!any) {
            return Double.NaN;
        }
        if (i < end && ((c = b.getByte(i)) == 'e' || c == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < end && ((c = b.getByte(i)) == '-' || c == '+')) {
                expNegative = c == '-';
                i++;
            }
            int e = 0;
            boolean expDigits = false;
            while (i < end && (c = b.getByte(i)) >= '0' && c <= '9') {
                expDigits = true;
                if (e < 10_000) {
                    e = e * 10 + (c - '0');
                }
                i++;
            }
            if (!expDigits) {
                return Double.NaN;
            }
            exp10 += expNegative ? -e : e;
        }
        if (i != end) {
            return Double.NaN;
        }
        double v = scale(mantissa, exp10);
        return negative ? -v : v;
    }

    private static double scale(long mantissa, int exp10) {
        if (mantissa == 0) {
            return 0.0;
        }
        double m = mantissa;
        if (exp10 == 0) {
            return m;
        }
        if (exp10 > 0) {
            while (exp10 > 22) {
                m *= 1e22;
                exp10 -= 22;
            }
            return m * POW10[exp10];
        }
        exp10 = -exp10;
        while (exp10 > 22) {
            m /= 1e22;
            exp10 -= 22;
        }
        return m / POW10[exp10];
    }

    /** A decimal integer with optional sign; {@link #NO_LONG} if empty, malformed or out of range. */
    public static long parseLong(DirectBuffer b, int start, int end) {
        int i = start;
        if (i >= end) {
            return NO_LONG;
        }
        boolean negative = false;
        byte c = b.getByte(i);
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
            if (i >= end) {
                return NO_LONG;
            }
        }
        long v = 0;
        for (; i < end; i++) {
            c = b.getByte(i);
            if (c < '0' || c > '9' || v > (Long.MAX_VALUE - 9) / 10) {
                return NO_LONG;
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    /** {@code count} decimal digits at {@code start} as an int; -1 if any is not a digit. */
    public static int digits(DirectBuffer b, int start, int count) {
        int v = 0;
        for (int i = 0; i < count; i++) {
            byte c = b.getByte(start + i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * An unsigned decimal fraction's digits (the part after the point) as nanoseconds: {@code "5"} = 500 000 000,
     * {@code "123456789123"} = 123 456 789 (digits beyond the ninth are cut). -1 if a byte is not a digit.
     */
    public static long fractionNanos(DirectBuffer b, int start, int end) {
        long v = 0;
        int n = 0;
        for (int i = start; i < end; i++) {
            byte c = b.getByte(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (n < 9) {
                v = v * 10 + (c - '0');
                n++;
            }
        }
        for (; n < 9; n++) {
            v *= 10;
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); no validation. */
    public static long epochDay(int year, int month, int day) {
        final int y = month <= 2 ? year - 1 : year;
        final int era = Math.floorDiv(y, 400);
        final int yoe = y - era * 400;
        final int mp = (month + 9) % 12;
        final int doy = (153 * mp + 2) / 5 + day - 1;
        final int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return (long) era * 146_097 + doe - 719_468;
    }

    /**
     * An ISO 8601 UTC timestamp as gpsd writes it, {@code 2020-07-11T22:37:45.000Z} (any number of fraction digits,
     * none allowed; the {@code Z} is required), as ns since the Unix epoch.
     *
     * @return the time, or {@link #NO_LONG} if the text is not of that form
     */
    public static long parseIsoUtcNanos(DirectBuffer b, int start, int end) {
        if (end - start < 20 || b.getByte(end - 1) != 'Z' || b.getByte(start + 4) != '-'
                || b.getByte(start + 7) != '-' || b.getByte(start + 10) != 'T' || b.getByte(start + 13) != ':'
                || b.getByte(start + 16) != ':') {
            return NO_LONG;
        }
        final int year = digits(b, start, 4);
        final int month = digits(b, start + 5, 2);
        final int day = digits(b, start + 8, 2);
        final int hour = digits(b, start + 11, 2);
        final int minute = digits(b, start + 14, 2);
        final int second = digits(b, start + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 60) {
            return NO_LONG;
        }
        long fraction = 0;
        final int afterSeconds = start + 19;
        if (afterSeconds < end - 1) {
            if (b.getByte(afterSeconds) != '.') {
                return NO_LONG;
            }
            fraction = fractionNanos(b, afterSeconds + 1, end - 1);
            if (fraction < 0) {
                return NO_LONG;
            }
        }
        return epochDay(year, month, day) * NANOS_PER_DAY
                + ((hour * 3600L + minute * 60L + second) * 1_000_000_000L) + fraction;
    }
}
