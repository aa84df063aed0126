package dev.edgeagent.protocols.gnss;

import java.nio.ByteOrder;

import dev.edgeagent.protocols.text.AsciiNumbers;
import org.agrona.DirectBuffer;

/**
 * Decodes u-blox UBX NAV-PVT (class 0x01 id 0x07, 92-byte payload) and HNR-PVT (0x28 0x00, 72 bytes) into a
 * {@link GnssFix}, from a whole frame as the {@link GnssFrameSplitter} hands it over ({@code B5 62} .. checksum; the
 * checksum is not checked again here). Stateless and allocation-free; other messages are {@link #OTHER}.
 *
 * <p>Both messages reset the fix and fill it completely: UTC date and time (time of day includes the signed
 * {@code nano} correction), position, MSL altitude, geoid separation ({@code height - hMSL}), ground speed, course
 * ({@code headMot}), fix type mapped to the {@code GnssFix.FIX_} constants, hAcc/vAcc; NAV-PVT also numSV and
 * pDOP, and a fix quality like GGA's (0 no fix, 1 GNSS, 2 differential, 5 RTK float, 4 RTK fixed). The UTC fields
 * count only when the message marks date and time valid ({@code valid} bits 0 and 1); position only when
 * {@code gnssFixOK}.
 */
public final class UbxDecoder {

    public static final int OTHER = 0;
    public static final int NAV_PVT = 1;
    public static final int HNR_PVT = 2;

    public static final int NAV_PVT_LENGTH = 92;
    public static final int HNR_PVT_LENGTH = 72;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private UbxDecoder() {
    }

    /** The message class of a frame at {@code offset}. */
    public static int messageClass(DirectBuffer b, int offset) {
        return b.getByte(offset + 2) & 0xFF;
    }

    public static int messageId(DirectBuffer b, int offset) {
        return b.getByte(offset + 3) & 0xFF;
    }

    public static int payloadLength(DirectBuffer b, int offset) {
        return b.getShort(offset + 4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** NAV_PVT, HNR_PVT or OTHER for the frame at {@code offset}, from its class and id only. */
    public static int messageType(DirectBuffer b, int offset) {
        final int cls = messageClass(b, offset);
        final int id = messageId(b, offset);
        if (cls == 0x01 && id == 0x07) {
            return NAV_PVT;
        }
        if (cls == 0x28 && id == 0x00) {
            return HNR_PVT;
        }
        return OTHER;
    }

    /**
     * Decodes the frame at {@code offset} if it is NAV-PVT or HNR-PVT.
     *
     * @return the message type; the fix is changed only for NAV_PVT and HNR_PVT
     * @throws GnssFormatException {@code ubx-length} if the frame is shorter than its message needs,
     *                             {@code ubx-field} if a date or time field is out of range
     */
    public static int decode(DirectBuffer b, int offset, int length, GnssFix fix) {
        final int type = messageType(b, offset);
        if (type == OTHER) {
            return OTHER;
        }
        final int need = type == NAV_PVT ? NAV_PVT_LENGTH : HNR_PVT_LENGTH;
        final int payload = length >= 6 ? payloadLength(b, offset) : -1;
        if (payload < need || length < 8 + need) {
            throw new GnssFormatException(GnssFormatException.Kind.UBX_LENGTH, 4, (type == NAV_PVT ? "NAV-PVT"
                    : "HNR-PVT") + ": payload of " + payload + " bytes, expected at least " + need);
        }
        final int p = offset + 6;
        fix.reset();
        if (type == NAV_PVT) {
            fix.sources = GnssFix.SRC_NAV_PVT;
            time(b, p, p + 16, fix);
            fixType(b.getByte(p + 20) & 0xFF, b.getByte(p + 21) & 0xFF, true, fix);
            fix.satellitesUsed = b.getByte(p + 23) & 0xFF;
            if ((b.getByte(p + 21) & 0x01) != 0) {
                position(b, p + 24, fix);
            }
            fix.horizontalAccuracyM = u32(b, p + 40) / 1000.0;
            fix.verticalAccuracyM = u32(b, p + 44) / 1000.0;
            fix.speedMps = i32(b, p + 60) / 1000.0;
            fix.courseDeg = i32(b, p + 64) * 1e-5;
            fix.pdop = (b.getShort(p + 76, ByteOrder.LITTLE_ENDIAN) & 0xFFFF) * 0.01;
        } else {
            fix.sources = GnssFix.SRC_HNR_PVT;
            time(b, p, p + 12, fix);
            fixType(b.getByte(p + 16) & 0xFF, b.getByte(p + 17) & 0xFF, false, fix);
            if ((b.getByte(p + 17) & 0x01) != 0) {
                position(b, p + 20, fix);
            }
            fix.speedMps = i32(b, p + 36) / 1000.0;
            fix.courseDeg = i32(b, p + 44) * 1e-5;
            fix.horizontalAccuracyM = u32(b, p + 52) / 1000.0;
            fix.verticalAccuracyM = u32(b, p + 56) / 1000.0;
        }
        return type;
    }

    /** year at p+4 .. sec at p+10, valid at p+11, signed nano at {@code nanoAt}. */
    private static void time(DirectBuffer b, int p, int nanoAt, GnssFix fix) {
        final int valid = b.getByte(p + 11) & 0xFF;
        if ((valid & 0x03) != 0x03) {
            return; // date or time not yet valid: leave unknown
        }
        final int year = b.getShort(p + 4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int month = b.getByte(p + 6) & 0xFF;
        final int day = b.getByte(p + 7) & 0xFF;
        final int hour = b.getByte(p + 8) & 0xFF;
        final int min = b.getByte(p + 9) & 0xFF;
        final int sec = b.getByte(p + 10) & 0xFF;
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
            throw new GnssFormatException(GnssFormatException.Kind.UBX_FIELD, 10,
                    "UBX PVT date/time out of range: " + year + "-" + month + "-" + day + " " + hour + ":" + min + ":"
                            + sec);
        }
        final long nano = b.getInt(nanoAt, ByteOrder.LITTLE_ENDIAN);
        // nano may be negative (the rounded second is ahead): carry it through the day
        long utc = AsciiNumbers.epochDay(year, month, day) * NANOS_PER_DAY
                + (hour * 3600L + min * 60L + sec) * 1_000_000_000L + nano;
        fix.epochDay = Math.floorDiv(utc, NANOS_PER_DAY);
        fix.timeOfDayNs = Math.floorMod(utc, NANOS_PER_DAY);
    }

    private static void fixType(int ubxFixType, int flags, boolean nav, GnssFix fix) {
        fix.fixType = switch (ubxFixType) {
            case 0 -> GnssFix.FIX_NONE;
            case 1 -> GnssFix.FIX_DEAD_RECKONING;
            case 2 -> GnssFix.FIX_2D;
            case 3 -> GnssFix.FIX_3D;
            case 4 -> GnssFix.FIX_GNSS_DEAD_RECKONING;
            case 5 -> GnssFix.FIX_TIME_ONLY;
            default -> GnssFix.UNKNOWN;
        };
        if ((flags & 0x01) == 0) {
            fix.fixQuality = 0;
        } else if (nav && (flags >>> 6 & 0x03) == 2) {
            fix.fixQuality = 4;
        } else if (nav && (flags >>> 6 & 0x03) == 1) {
            fix.fixQuality = 5;
        } else if ((flags & 0x02) != 0) {
            fix.fixQuality = 2;
        } else {
            fix.fixQuality = ubxFixType == 1 ? 6 : 1;
        }
    }

    /** lon, lat (1e-7 deg), height, hMSL (mm) from {@code q}. */
    private static void position(DirectBuffer b, int q, GnssFix fix) {
        fix.longitudeDeg = i32(b, q) * 1e-7;
        fix.latitudeDeg = i32(b, q + 4) * 1e-7;
        final int height = i32(b, q + 8);
        final int hMsl = i32(b, q + 12);
        fix.altitudeMslM = hMsl / 1000.0;
        fix.geoidSeparationM = (height - hMsl) / 1000.0;
    }

    private static int i32(DirectBuffer b, int at) {
        return b.getInt(at, ByteOrder.LITTLE_ENDIAN);
    }

    private static long u32(DirectBuffer b, int at) {
        return b.getInt(at, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }
}
