package dev.edgeagent.protocols.gnss;

import java.nio.charset.StandardCharsets;

/** The three wire formats a GNSS receiver mixes on one port. {@link #key()} is the record key the sources use. */
public enum GnssFrameType {
    /** NMEA 0183 sentence, {@code $...*HH} and its line end. */
    NMEA("nmea"),
    /** u-blox UBX message, {@code B5 62 class id len(u16 LE) payload CK_A CK_B}. */
    UBX("ubx"),
    /** RTCM 3 message, {@code D3 (6 zero bits, 10-bit length) payload CRC-24Q}. */
    RTCM3("rtcm3");

    private final String key;
    private final byte[] keyBytes;

    GnssFrameType(String key) {
        this.key = key;
        this.keyBytes = key.getBytes(StandardCharsets.US_ASCII);
    }

    public String key() {
        return key;
    }

    /** The key as ASCII bytes; shared, do not modify. */
    public byte[] keyBytes() {
        return keyBytes;
    }
}
