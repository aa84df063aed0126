package dev.edgeagent.protocols.imu;

/**
 * IMU input that breaks its format at a known place: {@link #code()} is the stable tag for {@code BadInputListener},
 * {@link #offset()} a byte offset (binary, JSON) or column number (CSV; the caller adds the line number).
 */
public final class ImuFormatException extends RuntimeException {

    private final String code;
    private final long offset;

    public ImuFormatException(String code, long offset, String detail) {
        super(detail);
        this.code = code;
        this.offset = offset;
    }

    public String code() {
        return code;
    }

    public long offset() {
        return offset;
    }
}
