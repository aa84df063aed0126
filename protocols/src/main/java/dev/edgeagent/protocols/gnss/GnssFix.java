package dev.edgeagent.protocols.gnss;

/**
 * One epoch's navigation solution, the shape every GNSS decoder fills (NMEA sentences field by field, UBX NAV-PVT /
 * HNR-PVT at once). Mutable and reused: decoders merge into it, {@link #reset()} empties it. Unknown values are
 * {@link Double#NaN}, {@link #UNKNOWN} (ints) or {@link #NO_TIME}.
 *
 * <p>Units: degrees (WGS 84) for latitude, longitude, course; metres for altitudes and accuracies; m/s for speed.
 * Horizontal / vertical accuracy are 1-sigma estimates: UBX {@code hAcc}/{@code vAcc}, or from NMEA GST
 * {@code sqrt(latSd² + lonSd²)} and {@code altSd}.
 */
public final class GnssFix {

    public static final int UNKNOWN = -1;
    public static final long NO_TIME = Long.MIN_VALUE;

    /** {@link #fixType} values. */
    public static final int FIX_NONE = 1;
    public static final int FIX_2D = 2;
    public static final int FIX_3D = 3;
    /** Dead reckoning only (UBX fixType 1). */
    public static final int FIX_DEAD_RECKONING = 4;
    /** GNSS combined with dead reckoning (UBX fixType 4). */
    public static final int FIX_GNSS_DEAD_RECKONING = 5;
    /** Time only (UBX fixType 5). */
    public static final int FIX_TIME_ONLY = 6;

    /** Bits of {@link #sources}: which messages contributed. */
    public static final int SRC_GGA = 1;
    public static final int SRC_RMC = 1 << 1;
    public static final int SRC_VTG = 1 << 2;
    public static final int SRC_GSA = 1 << 3;
    public static final int SRC_GST = 1 << 4;
    public static final int SRC_GLL = 1 << 5;
    public static final int SRC_ZDA = 1 << 6;
    public static final int SRC_NAV_PVT = 1 << 7;
    public static final int SRC_HNR_PVT = 1 << 8;

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    /** UTC time of day, ns since midnight; {@link #NO_TIME} when unknown. */
    public long timeOfDayNs = NO_TIME;
    /** UTC date as days since 1970-01-01; {@link #NO_TIME} when unknown (NMEA gives it only in RMC / ZDA). */
    public long epochDay = NO_TIME;
    public double latitudeDeg = Double.NaN;
    public double longitudeDeg = Double.NaN;
    /** Altitude above mean sea level. */
    public double altitudeMslM = Double.NaN;
    /** Geoid separation: ellipsoid height minus MSL altitude. */
    public double geoidSeparationM = Double.NaN;
    /** Speed over ground. */
    public double speedMps = Double.NaN;
    /** Course over ground, true. */
    public double courseDeg = Double.NaN;
    /** NMEA GGA quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning, ...). */
    public int fixQuality = UNKNOWN;
    /** One of the {@code FIX_} constants; {@link #UNKNOWN} when no message said. */
    public int fixType = UNKNOWN;
    public int satellitesUsed = UNKNOWN;
    public double hdop = Double.NaN;
    public double vdop = Double.NaN;
    public double pdop = Double.NaN;
    public double horizontalAccuracyM = Double.NaN;
    public double verticalAccuracyM = Double.NaN;
    /** {@code SRC_} bits of the messages merged in since the last reset. */
    public int sources;

    /** Empties every field. */
    public void reset() {
        timeOfDayNs = NO_TIME;
        epochDay = NO_TIME;
        latitudeDeg = Double.NaN;
        longitudeDeg = Double.NaN;
        altitudeMslM = Double.NaN;
        geoidSeparationM = Double.NaN;
        speedMps = Double.NaN;
        courseDeg = Double.NaN;
        fixQuality = UNKNOWN;
        fixType = UNKNOWN;
        satellitesUsed = UNKNOWN;
        hdop = Double.NaN;
        vdop = Double.NaN;
        pdop = Double.NaN;
        horizontalAccuracyM = Double.NaN;
        verticalAccuracyM = Double.NaN;
        sources = 0;
    }

    /** UTC time in ns since the Unix epoch, or {@link #NO_TIME} unless both date and time of day are known. */
    public long utcTimeNs() {
        if (timeOfDayNs == NO_TIME || epochDay == NO_TIME) {
            return NO_TIME;
        }
        return epochDay * NANOS_PER_DAY + timeOfDayNs;
    }

    /** Ellipsoid (WGS 84) height: MSL altitude plus geoid separation, NaN unless both are known. */
    public double altitudeEllipsoidM() {
        return altitudeMslM + geoidSeparationM;
    }

    /** Copies every field of {@code other}. */
    public void copyFrom(GnssFix other) {
        timeOfDayNs = other.timeOfDayNs;
        epochDay = other.epochDay;
        latitudeDeg = other.latitudeDeg;
        longitudeDeg = other.longitudeDeg;
        altitudeMslM = other.altitudeMslM;
        geoidSeparationM = other.geoidSeparationM;
        speedMps = other.speedMps;
        courseDeg = other.courseDeg;
        fixQuality = other.fixQuality;
        fixType = other.fixType;
        satellitesUsed = other.satellitesUsed;
        hdop = other.hdop;
        vdop = other.vdop;
        pdop = other.pdop;
        horizontalAccuracyM = other.horizontalAccuracyM;
        verticalAccuracyM = other.verticalAccuracyM;
        sources = other.sources;
    }

    /** Copies the fields {@code other} knows (not NaN / UNKNOWN / NO_TIME) over this fix's; ORs the sources. */
    public void mergeFrom(GnssFix other) {
        if (other.timeOfDayNs != NO_TIME) {
            timeOfDayNs = other.timeOfDayNs;
        }
        if (other.epochDay != NO_TIME) {
            epochDay = other.epochDay;
        }
        latitudeDeg = pick(other.latitudeDeg, latitudeDeg);
        longitudeDeg = pick(other.longitudeDeg, longitudeDeg);
        altitudeMslM = pick(other.altitudeMslM, altitudeMslM);
        geoidSeparationM = pick(other.geoidSeparationM, geoidSeparationM);
        speedMps = pick(other.speedMps, speedMps);
        courseDeg = pick(other.courseDeg, courseDeg);
        fixQuality = other.fixQuality != UNKNOWN ? other.fixQuality : fixQuality;
        fixType = other.fixType != UNKNOWN ? other.fixType : fixType;
        satellitesUsed = other.satellitesUsed != UNKNOWN ? other.satellitesUsed : satellitesUsed;
        hdop = pick(other.hdop, hdop);
        vdop = pick(other.vdop, vdop);
        pdop = pick(other.pdop, pdop);
        horizontalAccuracyM = pick(other.horizontalAccuracyM, horizontalAccuracyM);
        verticalAccuracyM = pick(other.verticalAccuracyM, verticalAccuracyM);
        sources |= other.sources;
    }

    private static double pick(double preferred, double fallback) {
        return Double.isNaN(preferred) ? fallback : preferred;
    }

    @Override
    public String toString() {
        return "GnssFix{utc=" + utcTimeNs() + ", tod=" + timeOfDayNs + ", lat=" + latitudeDeg + ", lon=" + longitudeDeg
                + ", altMsl=" + altitudeMslM + ", geoidSep=" + geoidSeparationM + ", speed=" + speedMps + ", course="
                + courseDeg + ", quality=" + fixQuality + ", type=" + fixType + ", sats=" + satellitesUsed + ", hdop="
                + hdop + ", vdop=" + vdop + ", pdop=" + pdop + ", hAcc=" + horizontalAccuracyM + ", vAcc="
                + verticalAccuracyM + ", sources=0x" + Integer.toHexString(sources) + '}';
    }
}
