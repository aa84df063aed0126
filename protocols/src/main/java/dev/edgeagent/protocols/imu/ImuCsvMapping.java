package dev.edgeagent.protocols.imu;

import java.util.Objects;

/**
 * Which CSV column holds what, and in which unit. Columns are 0-based; -1 = absent (orientation and magnetic field
 * are optional, as a group). Validated on construction ({@link IllegalArgumentException} naming the field).
 *
 * @param headerLines  lines skipped at the top of the file (column titles)
 * @param delimiter    field separator, usually {@code ','}
 * @param timeColumn   sensor time column
 * @param timeUnit     unit of the time column; decimals are read exactly (no floating point) unless in E notation
 * @param timeOffsetNs added to every time (e.g. the UTC start of a capture whose clock starts at 0)
 * @param gyroColumns  x, y, z angular velocity columns
 * @param gyroUnit     their unit
 * @param accelColumns x, y, z acceleration columns
 * @param accelUnit    their unit
 * @param quatColumns  w, x, y, z orientation columns, or null
 * @param magColumns   x, y, z magnetic field columns, or null
 * @param magUnit      their unit
 */
public record ImuCsvMapping(int headerLines, char delimiter, int timeColumn, ImuUnits.Time timeUnit, long timeOffsetNs,
                            int[] gyroColumns, ImuUnits.AngularVelocity gyroUnit, int[] accelColumns,
                            ImuUnits.Acceleration accelUnit, int[] quatColumns, int[] magColumns,
                            ImuUnits.MagneticField magUnit) {

    /**
     * x-io Technologies (Fusion example data): {@code Time (s), Gyroscope X/Y/Z (deg/s), Accelerometer X/Y/Z (g),
     * Magnetometer X/Y/Z (uT)}, one header line. Time is the sensor's own clock (starts at 0).
     */
    public static final ImuCsvMapping XIO = new ImuCsvMapping(1, ',', 0, ImuUnits.Time.S, 0,
            new int[] {1, 2, 3}, ImuUnits.AngularVelocity.DEG_S, new int[] {4, 5, 6}, ImuUnits.Acceleration.G,
            null, new int[] {7, 8, 9}, ImuUnits.MagneticField.UT);

    /**
     * EuRoC MAV / ASL format {@code imu0/data.csv}: {@code #timestamp [ns], w_RS_S_x/y/z [rad s^-1],
     * a_RS_S_x/y/z [m s^-2]}, one header line.
     */
    public static final ImuCsvMapping EUROC = new ImuCsvMapping(1, ',', 0, ImuUnits.Time.NS, 0,
            new int[] {1, 2, 3}, ImuUnits.AngularVelocity.RAD_S, new int[] {4, 5, 6}, ImuUnits.Acceleration.M_S2,
            null, null, ImuUnits.MagneticField.UT);

    public ImuCsvMapping {
        if (headerLines < 0) {
            throw new IllegalArgumentException("headerLines: must be >= 0, got " + headerLines);
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter > 0x7F) {
            throw new IllegalArgumentException("delimiter: must be one ASCII character other than a quote or line end");
        }
        Objects.requireNonNull(timeUnit, "timeUnit");
        Objects.requireNonNull(gyroUnit, "gyroUnit");
        Objects.requireNonNull(accelUnit, "accelUnit");
        Objects.requireNonNull(magUnit, "magUnit");
        column("timeColumn", timeColumn);
        gyroColumns = columns("gyroColumns", gyroColumns, 3, false);
        accelColumns = columns("accelColumns", accelColumns, 3, false);
        quatColumns = columns("quatColumns", quatColumns, 4, true);
        magColumns = columns("magColumns", magColumns, 3, true);
    }

    private static void column(String name, int c) {
        if (c < 0 || c > 255) {
            throw new IllegalArgumentException(name + ": must be a 0-based column 0..255, got " + c);
        }
    }

    private static int[] columns(String name, int[] cols, int n, boolean optional) {
        if (cols == null) {
            if (optional) {
                return null;
            }
            throw new IllegalArgumentException(name + ": required, " + n + " columns");
        }
        if (cols.length != n) {
            throw new IllegalArgumentException(name + ": expected " + n + " columns, got " + cols.length);
        }
        for (int c : cols) {
            column(name, c);
        }
        return cols.clone();
    }

    /** The highest column index used, +1. */
    public int columnsNeeded() {
        int max = timeColumn;
        for (int c : gyroColumns) {
            max = Math.max(max, c);
        }
        for (int c : accelColumns) {
            max = Math.max(max, c);
        }
        if (quatColumns != null) {
            for (int c : quatColumns) {
                max = Math.max(max, c);
            }
        }
        if (magColumns != null) {
            for (int c : magColumns) {
                max = Math.max(max, c);
            }
        }
        return max + 1;
    }

    public ImuCsvMapping withTimeOffsetNs(long offsetNs) {
        return new ImuCsvMapping(headerLines, delimiter, timeColumn, timeUnit, offsetNs, gyroColumns, gyroUnit,
                accelColumns, accelUnit, quatColumns, magColumns, magUnit);
    }
}
