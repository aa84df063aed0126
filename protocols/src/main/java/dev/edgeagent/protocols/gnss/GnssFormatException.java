package dev.edgeagent.protocols.gnss;

/**
 * A GNSS frame that breaks its format at a known place. Unchecked, like the other decoders' exceptions: the caller
 * reports {@link #code()} and {@link #offset()} to its {@code BadInputListener} and goes on with the next frame.
 */
public final class GnssFormatException extends RuntimeException {

    /** What was wrong; {@link #code()} is the stable tag for metrics. */
    public enum Kind {
        /** The NMEA checksum is missing, malformed or does not match the XOR of the sentence. */
        NMEA_CHECKSUM("nmea-checksum"),
        /** An NMEA field that cannot be read as what its sentence defines (a time, a latitude, a number). */
        NMEA_FIELD("nmea-field"),
        /** A UBX message shorter than its class/id defines, or a bad UBX checksum. */
        UBX_LENGTH("ubx-length"),
        /** A UBX field out of its range (a month 13, say). */
        UBX_FIELD("ubx-field");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;
    private final long offset;

    public GnssFormatException(Kind kind, long offset, String detail) {
        super(detail);
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return kind.code();
    }

    /** Byte offset of the field within the frame (0 = the frame's first byte). */
    public long offset() {
        return offset;
    }
}
