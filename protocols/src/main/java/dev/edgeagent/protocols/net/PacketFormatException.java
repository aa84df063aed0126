package dev.edgeagent.protocols.net;

/**
 * A link-layer frame whose headers cannot be parsed: the offset is the byte position of the bad field within the
 * frame, and {@link #code()} a short stable tag for metrics and {@code BadInputListener}. Thrown only for bad
 * input (rare), so the allocation does not matter.
 */
public final class PacketFormatException extends RuntimeException {

    /** What was wrong. */
    public enum Kind {
        /** The link-layer header (Ethernet, VLAN tag, SLL, loopback family) is cut short or invalid. */
        LINK_HEADER("malformed-link-header"),
        /** The IPv4 / IPv6 header or an IPv6 extension header is invalid. */
        IP_HEADER("malformed-ip-header"),
        /** The UDP header's length does not fit the IP payload. */
        UDP_HEADER("malformed-udp-header"),
        /** A fragment that contradicts its datagram (bad offset, size or total). */
        FRAGMENT("malformed-fragment"),
        /** The frame was captured shorter than its headers say (snap length). */
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
    private final int offset;

    public PacketFormatException(Kind kind, int offset, String detail) {
        super(detail + " (at byte " + offset + " of the frame)");
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** Byte offset of the bad field from the start of the frame. */
    public int offset() {
        return offset;
    }

    public String code() {
        return kind.code();
    }
}
