package dev.edgeagent.protocols.pcap;

/**
 * A capture file that breaks the pcap / pcapng format at a known place. Unchecked: the reader throws it from
 * {@link PcapReader#open} (not a capture file) or {@link PcapReader#next()} (one bad record), and the caller counts
 * it and, for a bad record, simply calls {@code next()} again: the reader resynchronises past it or ends.
 */
public final class PcapFormatException extends RuntimeException {

    /** What was wrong; {@link #code()} is a short stable tag for metrics and {@code BadInputListener}. */
    public enum Kind {
        /** The file does not start with a pcap or pcapng magic number (or is empty). */
        NOT_PCAP("not-pcap"),
        /** A file or section header that cannot be used (unknown byte-order magic, unsupported version). */
        BAD_HEADER("bad-header"),
        /** A record or block length that is impossible (too small, too large, misaligned, or the two copies differ). */
        BAD_BLOCK_LENGTH("bad-block-length"),
        /** A block that refers to something that does not exist (an interface id with no interface block). */
        BAD_BLOCK("bad-block"),
        /** The file ends inside a record: everything before it was delivered, reading stops. */
        TRUNCATED("truncated-packet");

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

    public PcapFormatException(Kind kind, long offset, String detail) {
        super(detail + " (at byte offset " + offset + ")");
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** Byte offset in the file where the bad record, block or header starts. */
    public long offset() {
        return offset;
    }

    /** The message without the offset suffix is not kept; this is the full sentence. */
    public String detail() {
        return getMessage();
    }
}
