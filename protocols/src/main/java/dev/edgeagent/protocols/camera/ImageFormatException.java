package dev.edgeagent.protocols.camera;

/**
 * An image, stream or container that breaks its format at a known place. Unchecked, like the other format
 * exceptions of this project: parsers throw it, sources catch it, report {@link #code()} and {@link #offset()} to
 * their {@code BadInputListener} and skip the frame.
 */
public final class ImageFormatException extends RuntimeException {

    /** What was wrong; {@link #code()} is a short stable tag for metrics and {@code BadInputListener}. */
    public enum Kind {
        /** Neither a JPEG SOI marker nor the PNG signature at the start (or fewer than 2 bytes). */
        NOT_AN_IMAGE("not-an-image"),
        /** The bytes end inside a marker, segment or chunk that the header parser needs. */
        TRUNCATED("truncated-image"),
        /** A JPEG marker or segment that cannot be (no 0xFF where a marker must be, a length under 2, ...). */
        BAD_JPEG_SEGMENT("bad-jpeg-segment"),
        /** A JPEG whose scan starts (SOS) or image ends (EOI) before any frame header (SOFn). */
        NO_FRAME_HEADER("no-frame-header"),
        /** A PNG whose first chunk is not a valid IHDR (wrong length, zero size, bad CRC, unknown colour type). */
        BAD_PNG_HEADER("bad-png-header"),
        /** An H.264 access unit / MP4 sample that cannot be converted (NAL length past the end, ...). */
        BAD_H264("bad-h264"),
        /** A file that is not an ISO BMFF / MP4 file isoparser can read (no moov box, garbage). */
        NOT_MP4("not-mp4"),
        /** An MP4 without a usable H.264 video track (other codecs, fragmented MP4, no avcC, empty tables). */
        UNSUPPORTED_MP4("unsupported-mp4");

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

    public ImageFormatException(Kind kind, long offset, String detail) {
        super(detail + " (at byte offset " + offset + ")");
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** The kind's stable code, e.g. {@code "truncated-image"}. */
    public String code() {
        return kind.code();
    }

    /** Byte offset, relative to the start of the image (or sample), where the bad structure starts. */
    public long offset() {
        return offset;
    }
}
