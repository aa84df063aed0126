package dev.edgeagent.protocols.lidar;

/** What a sweep's {@link SweepInfo#startTimeNs()} and {@link SweepInfo#endTimeNs()} count from. */
public enum TimeBase {
    /** ns since the Unix epoch, UTC (Velodyne: hour and date from the position packets' $GPRMC sentence). */
    UTC,
    /**
     * Velodyne without a usable $GPRMC: ns past the top of the sensor's own hour (its free-running µs counter),
     * extended past each hour roll-over seen, so it never goes backwards within a stream.
     */
    SENSOR_HOUR,
    /** Ouster: the column timestamps exactly as the sensor sends them (its internal clock, PTP or GPS as set up). */
    SENSOR_CLOCK
}
