package dev.edgeagent.protocols.lidar;

/**
 * Why a packet (or part of one) was skipped. {@link #code()} is the short stable tag passed to
 * {@link dev.edgeagent.protocols.source.BadInputListener#onBadInput}; the offset given with it is the byte offset of
 * the bad field inside the UDP payload.
 */
public enum LidarError {
    /** Shorter than the packet type needs. */
    TRUNCATED("truncated-packet"),
    /** Longer than the packet type allows (the format is fixed-size). */
    OVERSIZED("oversized-packet"),
    /** A length that belongs to no packet this decoder knows, on a port it does not know either. */
    UNKNOWN_PACKET("unknown-packet"),
    /** Velodyne: a data block that does not start with the 0xFF 0xEE flag. */
    BAD_BLOCK_FLAG("bad-block-flag"),
    /** Velodyne: an azimuth of 36000 (360.00°) or more. */
    BAD_AZIMUTH("bad-azimuth"),
    /** Velodyne: a timestamp of an hour or more (it counts µs past the top of the hour). */
    BAD_TIMESTAMP("bad-timestamp"),
    /** Velodyne: a return-mode byte other than 0x37, 0x38, 0x39. */
    BAD_RETURN_MODE("bad-return-mode"),
    /** Velodyne: the model cannot be told from the data nor from the factory byte. */
    UNKNOWN_MODEL("unknown-model"),
    /** Velodyne: a position packet whose $GPRMC sentence cannot be read (time base stays as it was). */
    BAD_NMEA("bad-nmea"),
    /** Ouster: a packet type other than 1 (lidar). */
    BAD_PACKET_TYPE("bad-packet-type"),
    /** Ouster: a measurement id at or past the columns per frame. */
    BAD_MEASUREMENT_ID("bad-measurement-id"),
    /** A packet older than the one before it within the same sweep (duplicated or reordered): skipped. */
    OUT_OF_ORDER("out-of-order-packet");

    private final String code;

    LidarError(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
