package dev.edgeagent.protocols.net;

import java.nio.ByteOrder;

import dev.edgeagent.protocols.net.PacketFormatException.Kind;
import dev.edgeagent.protocols.source.BadInputListener;
import org.agrona.DirectBuffer;

/**
 * Finds the UDP payload in a captured link-layer frame: Ethernet (with 802.1Q / 802.1ad / QinQ tags), Linux
 * cooked captures v1 and v2, raw IP ({@link LinkTypes}), BSD loopback; IPv4 (with options) and IPv6 (with
 * extension headers). Fragmented datagrams are reassembled ({@link FragmentReassembler}) — a real Ouster packet of
 * 8 KiB and more crosses a 1500-byte MTU link in six fragments.
 *
 * <p>{@link #extract} says what the frame was: a {@link Result#DATAGRAM} (then {@link #payload()},
 * {@link #payloadOffset()}, {@link #payloadLength()}, the ports and addresses describe it until the next call),
 * or something skipped silently — not UDP, a destination port outside the filter, a fragment held for
 * reassembly. Malformed headers throw {@link PacketFormatException} with the offset of the bad field. UDP
 * checksums are not checked: captures taken on the sending host carry offloaded (unfinished) checksums.
 *
 * <p>Single-threaded; no allocation per packet once the reassembly slots in use exist.
 */
public final class UdpExtractor {

    /** What a frame turned out to be. */
    public enum Result {
        /** A complete UDP datagram whose destination port passes the filter. */
        DATAGRAM,
        /** A UDP datagram to a port outside the filter. */
        FILTERED,
        /** Not UDP over IP (ARP, TCP, ICMP, an 802.3 LLC frame, ESP, ...). */
        NOT_UDP,
        /** An IP fragment, kept until its datagram is complete. */
        FRAGMENT_HELD,
        /** A link type this extractor does not know ({@link LinkTypes#supported}). */
        UNSUPPORTED_LINK_TYPE
    }

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;
    private static final int MAX_VLAN_TAGS = 4;
    private static final int PROTO_UDP = 17;
    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_AUTH = 51;
    private static final int IPV6_DEST_OPTS = 60;
    private static final int IPV6_MOBILITY = 135;
    private static final int IPV6_HIP = 139;
    private static final int IPV6_SHIM6 = 140;

    private final long[] portFilter;
    private final FragmentReassembler reassembler;

    private int sourcePort;
    private int destinationPort;
    private DirectBuffer payload;
    private int payloadOffset;
    private int payloadLength;
    private int ipVersion;
    private boolean reassembled;
    private long sourceAddress;
    private boolean ipLengthClamped;
    private long ipLengthMismatches;
    private long destinationAddress;

    /** Every destination port, default reassembly limits, incomplete datagrams not reported. */
    public UdpExtractor() {
        this(new int[0], new FragmentReassembler());
    }

    /**
     * @param destinationPorts ports to keep (1..65535); empty = every UDP datagram
     * @param reassembler      fragment reassembly (its limits and where it reports datagrams given up)
     */
    public UdpExtractor(int[] destinationPorts, FragmentReassembler reassembler) {
        this.reassembler = reassembler;
        if (destinationPorts == null || destinationPorts.length == 0) {
            portFilter = null;
        } else {
            portFilter = new long[1024];
            for (int p : destinationPorts) {
                if (p < 0 || p > 65535) {
                    throw new IllegalArgumentException("destination port " + p + " is outside 0..65535");
                }
                portFilter[p >>> 6] |= 1L << p;
            }
        }
    }

    /** Convenience: a port filter, reassembly with default limits, incomplete datagrams reported to listener. */
    public static UdpExtractor forPorts(int[] destinationPorts, BadInputListener listener) {
        return new UdpExtractor(destinationPorts, new FragmentReassembler(FragmentReassembler.DEFAULT_MAX_DATAGRAMS,
                FragmentReassembler.DEFAULT_TIMEOUT_NANOS, listener));
    }

    public FragmentReassembler reassembler() {
        return reassembler;
    }

    public boolean accepts(int destinationPort) {
        return portFilter == null || (portFilter[destinationPort >>> 6] & (1L << destinationPort)) != 0;
    }

    // ---------------------------------------------------------------- the last datagram

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** The buffer holding the UDP payload: the frame's own buffer, or the reassembly slot. */
    public DirectBuffer payload() {
        return payload;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    /**
     * Unfragmented IPv4 UDP packets whose total length claimed more bytes than the frame holds and whose UDP
     * length fitted the frame (a known sensor firmware quirk): delivered, and counted here.
     */
    public long ipLengthMismatches() {
        return ipLengthMismatches;
    }

    /** True when the datagram was put together from fragments. */
    public boolean reassembled() {
        return reassembled;
    }

    /** IPv4 source address as an unsigned 32-bit value (0 for IPv6). */
    public long ipv4Source() {
        return ipVersion == 4 ? sourceAddress : 0;
    }

    /** IPv4 destination address as an unsigned 32-bit value (0 for IPv6). */
    public long ipv4Destination() {
        return ipVersion == 4 ? destinationAddress : 0;
    }

    // ---------------------------------------------------------------- parsing

    /**
     * @param linkType       the capture's LINKTYPE_ value
     * @param frame          the captured bytes
     * @param timestampNanos capture time (drives the reassembly timeout), or {@code Long.MIN_VALUE} when unknown
     * @param inputOffset    where the frame came from (its file offset), quoted when a datagram is given up
     * @throws PacketFormatException a header is malformed or cut short
     */
    public Result extract(int linkType, DirectBuffer frame, int offset, int length, long timestampNanos,
                          long inputOffset) {
        reassembled = false;
        final int end = offset + length;
        switch (linkType) {
            case LinkTypes.ETHERNET:
                return ethernet(frame, offset, end, timestampNanos, inputOffset);
            case LinkTypes.LINUX_SLL: {
                need(frame, offset, end, 16, Kind.LINK_HEADER, "Linux cooked (SLL) header");
                return byEtherType(frame.getShort(offset + 14, BE) & 0xFFFF, frame, offset, offset + 16, end,
                        timestampNanos, inputOffset);
            }
            case LinkTypes.LINUX_SLL2: {
                need(frame, offset, end, 20, Kind.LINK_HEADER, "Linux cooked v2 (SLL2) header");
                return byEtherType(frame.getShort(offset, BE) & 0xFFFF, frame, offset, offset + 20, end,
                        timestampNanos, inputOffset);
            }
            case LinkTypes.RAW_12: case LinkTypes.RAW_14: case LinkTypes.RAW: case LinkTypes.IPV4:
            case LinkTypes.IPV6:
                return byVersion(frame, offset, offset, end, timestampNanos, inputOffset);
            case LinkTypes.NULL: case LinkTypes.LOOP: {
                need(frame, offset, end, 4, Kind.LINK_HEADER, "loopback address family");
                // NULL is in the capturing host's byte order, LOOP in network order: the IP version decides
                final int family = frame.getInt(offset, BE);
                final int swapped = Integer.reverseBytes(family);
                final int af = (family & 0xFFFF0000) != 0 ? swapped : family;
                if (af != 2 && af != 10 && af != 23 && af != 24 && af != 28 && af != 30) {
                    return Result.NOT_UDP; // AF_INET, or one of the platforms' AF_INET6 values
                }
                return byVersion(frame, offset, offset + 4, end, timestampNanos, inputOffset);
            }
            default:
                return Result.UNSUPPORTED_LINK_TYPE;
        }
    }

    private Result ethernet(DirectBuffer frame, int base, int end, long ts, long inputOffset) {
        need(frame, base, end, 14, Kind.LINK_HEADER, "Ethernet header");
        int p = base + 12;
        int type = frame.getShort(p, BE) & 0xFFFF;
        p += 2;
        int tags = 0;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            if (++tags > MAX_VLAN_TAGS) {
                throw new PacketFormatException(Kind.LINK_HEADER, p - 2 - base, "more than " + MAX_VLAN_TAGS
                        + " VLAN tags");
            }
            if (p + 4 > end) {
                throw new PacketFormatException(Kind.LINK_HEADER, p - base, "frame ends inside a VLAN tag ("
                        + (end - p) + " of 4 bytes)");
            }
            type = frame.getShort(p + 2, BE) & 0xFFFF;
            p += 4;
        }
        return byEtherType(type, frame, base, p, end, ts, inputOffset);
    }

    private Result byEtherType(int type, DirectBuffer frame, int base, int p, int end, long ts, long inputOffset) {
        if (type == ETHERTYPE_IPV4) {
            return ipv4(frame, base, p, end, ts, inputOffset);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(frame, base, p, end, ts, inputOffset);
        }
        return Result.NOT_UDP;
    }

    private Result byVersion(DirectBuffer frame, int base, int p, int end, long ts, long inputOffset) {
        if (p >= end) {
            throw new PacketFormatException(Kind.IP_HEADER, p - base, "frame ends before the IP header");
        }
        final int version = (frame.getByte(p) & 0xF0) >>> 4;
        if (version == 4) {
            return ipv4(frame, base, p, end, ts, inputOffset);
        }
        if (version == 6) {
            return ipv6(frame, base, p, end, ts, inputOffset);
        }
        throw new PacketFormatException(Kind.IP_HEADER, p - base, "IP version " + version + ", expected 4 or 6");
    }

    private Result ipv4(DirectBuffer frame, int base, int p, int end, long ts, long inputOffset) {
        if (end - p < 20) {
            throw new PacketFormatException(Kind.TRUNCATED, p - base, "IPv4 header cut short: " + (end - p)
                    + " of 20 bytes");
        }
        final int vihl = frame.getByte(p) & 0xFF;
        if (vihl >>> 4 != 4) {
            throw new PacketFormatException(Kind.IP_HEADER, p - base, "IPv4 header has version " + (vihl >>> 4));
        }
        final int headerLength = (vihl & 0x0F) * 4;
        if (headerLength < 20) {
            throw new PacketFormatException(Kind.IP_HEADER, p - base, "IPv4 header length " + headerLength
                    + " is below 20");
        }
        if (p + headerLength > end) {
            throw new PacketFormatException(Kind.TRUNCATED, p - base, "IPv4 header with options is " + headerLength
                    + " bytes, frame has " + (end - p));
        }
        int totalLength = frame.getShort(p + 2, BE) & 0xFFFF;
        if (totalLength == 0) {
            totalLength = end - p; // segmentation offload on the capturing host leaves it 0
        }
        if (totalLength < headerLength) {
            throw new PacketFormatException(Kind.IP_HEADER, p + 2 - base, "IPv4 total length " + totalLength
                    + " is below its header length " + headerLength);
        }
        final int protocol = frame.getByte(p + 9) & 0xFF;
        final int flagsFragment = frame.getShort(p + 6, BE) & 0xFFFF;
        final boolean more = (flagsFragment & 0x2000) != 0;
        final int fragmentOffset = (flagsFragment & 0x1FFF) << 3;
        ipLengthClamped = false;
        if (p + totalLength > end) {
            if (more || fragmentOffset != 0 || protocol != PROTO_UDP) {
                throw new PacketFormatException(Kind.TRUNCATED, p + 2 - base, "IPv4 total length " + totalLength
                        + " but only " + (end - p) + " bytes were captured");
            }
            // Early VLP-16 firmware sends position packets whose IP total length is that of a data packet
            // (1234 for 540): trust the frame and let the UDP length decide, which still catches a real cut.
            totalLength = end - p;
            ipLengthClamped = true;
            ipLengthMismatches++;
        }
        final long src = frame.getInt(p + 12, BE) & 0xFFFFFFFFL;
        final long dst = frame.getInt(p + 16, BE) & 0xFFFFFFFFL;
        final int dataStart = p + headerLength;
        final int dataEnd = p + totalLength;
        if (protocol != PROTO_UDP) {
            return Result.NOT_UDP;
        }
        ipVersion = 4;
        sourceAddress = src;
        destinationAddress = dst;
        if (more || fragmentOffset != 0) {
            final long id = frame.getShort(p + 4, BE) & 0xFFFF;
            final int whole = reassembler.add(4, (src << 32) | dst, 0, 0, 0, id, protocol, fragmentOffset, more,
                    frame, dataStart, dataEnd - dataStart, ts, inputOffset, dataStart - base);
            if (whole < 0) {
                return Result.FRAGMENT_HELD;
            }
            reassembled = true;
            return udp(reassembler.buffer(), 0, 0, whole, dataStart - base);
        }
        return udp(frame, base, dataStart, dataEnd, dataStart - base);
    }

    private Result ipv6(DirectBuffer frame, int base, int p, int end, long ts, long inputOffset) {
        if (end - p < 40) {
            throw new PacketFormatException(Kind.TRUNCATED, p - base, "IPv6 header cut short: " + (end - p)
                    + " of 40 bytes");
        }
        final int version = (frame.getByte(p) & 0xF0) >>> 4;
        if (version != 6) {
            throw new PacketFormatException(Kind.IP_HEADER, p - base, "IPv6 header has version " + version);
        }
        final int payloadLen = frame.getShort(p + 4, BE) & 0xFFFF;
        if (payloadLen == 0) {
            return Result.NOT_UDP; // a jumbogram (hop-by-hop option) — no UDP sensor sends those
        }
        if (p + 40 + payloadLen > end) {
            throw new PacketFormatException(Kind.TRUNCATED, p + 4 - base, "IPv6 payload length " + payloadLen
                    + " but only " + (end - p - 40) + " bytes were captured");
        }
        final long s0 = frame.getLong(p + 8, BE);
        final long s1 = frame.getLong(p + 16, BE);
        final long d0 = frame.getLong(p + 24, BE);
        final long d1 = frame.getLong(p + 32, BE);
        int next = frame.getByte(p + 6) & 0xFF;
        int q = p + 40;
        final int dataEnd = p + 40 + payloadLen;
        ipVersion = 6;
        sourceAddress = 0;
        destinationAddress = 0;
        while (true) {
            if (next == PROTO_UDP) {
                return udp(frame, base, q, dataEnd, q - base);
            }
            if (next == IPV6_FRAGMENT) {
                if (q + 8 > dataEnd) {
                    throw new PacketFormatException(Kind.IP_HEADER, q - base, "IPv6 fragment header cut short");
                }
                final int inner = frame.getByte(q) & 0xFF;
                final int offsetFlags = frame.getShort(q + 2, BE) & 0xFFFF;
                final long id = frame.getInt(q + 4, BE) & 0xFFFFFFFFL;
                final int fragmentOffset = offsetFlags & 0xFFF8;
                final boolean more = (offsetFlags & 1) != 0;
                final int dataStart = q + 8;
                if (!more && fragmentOffset == 0) { // an atomic fragment: nothing to put together
                    next = inner;
                    q = dataStart;
                    continue;
                }
                final int whole = reassembler.add(6, s0, s1, d0, d1, id, inner, fragmentOffset, more, frame,
                        dataStart, dataEnd - dataStart, ts, inputOffset, dataStart - base);
                if (whole < 0) {
                    return Result.FRAGMENT_HELD;
                }
                reassembled = true;
                return afterIpv6Fragment(inner, reassembler.buffer(), whole, dataStart - base);
            }
            if (isSkippableExtension(next)) {
                if (q + 8 > dataEnd) {
                    throw new PacketFormatException(Kind.IP_HEADER, q - base, "IPv6 extension header " + next
                            + " cut short");
                }
                final int len = next == IPV6_AUTH ? ((frame.getByte(q + 1) & 0xFF) + 2) * 4
                        : ((frame.getByte(q + 1) & 0xFF) + 1) * 8;
                if (q + len > dataEnd) {
                    throw new PacketFormatException(Kind.IP_HEADER, q + 1 - base, "IPv6 extension header " + next
                            + " of " + len + " bytes runs past the payload");
                }
                next = frame.getByte(q) & 0xFF;
                q += len;
                continue;
            }
            return Result.NOT_UDP; // TCP, ICMPv6, ESP, no-next-header, ...
        }
    }

    /** The reassembled fragmentable part of an IPv6 datagram may still start with extension headers. */
    private Result afterIpv6Fragment(int next, DirectBuffer data, int length, int frameOffset) {
        int q = 0;
        while (next != PROTO_UDP) {
            if (!isSkippableExtension(next) || q + 8 > length) {
                return Result.NOT_UDP;
            }
            final int len = next == IPV6_AUTH ? ((data.getByte(q + 1) & 0xFF) + 2) * 4
                    : ((data.getByte(q + 1) & 0xFF) + 1) * 8;
            next = data.getByte(q) & 0xFF;
            q += len;
            if (q > length) {
                throw new PacketFormatException(Kind.IP_HEADER, frameOffset, "IPv6 extension header in a reassembled "
                        + "datagram runs past its end");
            }
        }
        return udp(data, 0, q, length, frameOffset);
    }

    private static boolean isSkippableExtension(int next) {
        return next == IPV6_HOP_BY_HOP || next == IPV6_ROUTING || next == IPV6_DEST_OPTS || next == IPV6_AUTH
                || next == IPV6_MOBILITY || next == IPV6_HIP || next == IPV6_SHIM6;
    }

    /**
     * @param base        what offsets in errors count from (the frame start, or 0 for a reassembly slot)
     * @param frameOffset the UDP header's position in the frame, for error messages about reassembled data
     */
    private Result udp(DirectBuffer data, int base, int p, int end, int frameOffset) {
        if (end - p < 8) {
            throw new PacketFormatException(Kind.UDP_HEADER, frameOffset, "UDP header cut short: " + (end - p)
                    + " of 8 bytes");
        }
        final int src = data.getShort(p, BE) & 0xFFFF;
        final int dst = data.getShort(p + 2, BE) & 0xFFFF;
        int udpLength = data.getShort(p + 4, BE) & 0xFFFF;
        if (udpLength == 0 && ipVersion == 6) {
            udpLength = end - p; // IPv6 jumbo form
        }
        if (udpLength < 8 || udpLength > end - p) {
            if (ipLengthClamped && udpLength >= 8) {
                throw new PacketFormatException(Kind.TRUNCATED, frameOffset + 4, "UDP length " + udpLength
                        + " but only " + (end - p) + " bytes were captured (the IPv4 total length also exceeds them)");
            }
            throw new PacketFormatException(Kind.UDP_HEADER, frameOffset + 4, "UDP length " + udpLength
                    + " does not fit the " + (end - p) + " bytes of IP payload");
        }
        sourcePort = src;
        destinationPort = dst;
        if (!accepts(dst)) {
            return Result.FILTERED;
        }
        payload = data;
        payloadOffset = p + 8;
        payloadLength = udpLength - 8;
        return Result.DATAGRAM;
    }

    private static void need(DirectBuffer frame, int base, int end, int bytes, Kind kind, String what) {
        if (end - base < bytes) {
            throw new PacketFormatException(kind, 0, what + " cut short: " + (end - base) + " of " + bytes + " bytes");
        }
    }
}
