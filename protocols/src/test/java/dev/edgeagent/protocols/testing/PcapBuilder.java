package dev.edgeagent.protocols.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds small capture files and frames byte by byte for tests (no production code involved). */
public final class PcapBuilder {

    private PcapBuilder() {
    }

    /** A classic pcap file header. */
    public static byte[] classicHeader(ByteOrder order, boolean nanos, int snapLen, int linkType) {
        ByteBuffer b = ByteBuffer.allocate(24).order(order);
        b.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snapLen).putInt(linkType);
        return b.array();
    }

    /** A classic pcap packet record. */
    public static byte[] classicRecord(ByteOrder order, long seconds, long fraction, byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(16 + frame.length).order(order);
        b.putInt((int) seconds).putInt((int) fraction).putInt(frame.length).putInt(frame.length).put(frame);
        return b.array();
    }

    /** A pcapng block: type, total length, body (padded to 4), total length. */
    public static byte[] block(ByteOrder order, int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + padded).order(order);
        b.putInt(type).putInt(12 + padded).put(body);
        b.position(8 + padded);
        b.putInt(12 + padded);
        return b.array();
    }

    public static byte[] sectionHeader(ByteOrder order) {
        ByteBuffer body = ByteBuffer.allocate(16).order(order);
        body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(order, 0x0A0D0D0A, body.array());
    }

    /**
     * An interface description block.
     *
     * @param tsresol if_tsresol byte, or -1 for none
     * @param tsoffsetSeconds if_tsoffset, or 0 for none
     */
    public static byte[] interfaceBlock(ByteOrder order, int linkType, int snapLen, int tsresol, long tsoffsetSeconds) {
        ByteBuffer body = ByteBuffer.allocate(64).order(order);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLen);
        // an unrelated option first (if_name, 5 bytes + padding), to exercise option walking
        body.putShort((short) 2).putShort((short) 5).put("eth0\0".getBytes()).put(new byte[3]);
        if (tsresol >= 0) {
            body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
        }
        if (tsoffsetSeconds != 0) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsoffsetSeconds);
        }
        body.putShort((short) 0).putShort((short) 0);
        byte[] out = new byte[body.position()];
        body.flip().get(out);
        return block(order, 1, out);
    }

    public static byte[] enhancedPacket(ByteOrder order, int interfaceId, long timestampUnits, byte[] frame) {
        int padded = (frame.length + 3) & ~3;
        ByteBuffer body = ByteBuffer.allocate(20 + padded).order(order);
        body.putInt(interfaceId).putInt((int) (timestampUnits >>> 32)).putInt((int) timestampUnits)
                .putInt(frame.length).putInt(frame.length).put(frame);
        return block(order, 6, body.array());
    }

    public static byte[] simplePacket(ByteOrder order, byte[] frame) {
        int padded = (frame.length + 3) & ~3;
        ByteBuffer body = ByteBuffer.allocate(4 + padded).order(order);
        body.putInt(frame.length).put(frame);
        return block(order, 3, body.array());
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- frames

    /** Ethernet II + IPv4 (no options) + UDP, not fragmented. */
    public static byte[] ethernetUdp(int srcPort, int dstPort, byte[] payload) {
        return concat(ethernetHeader(0x0800), ipv4(17, 0x1234, false, 0, udp(srcPort, dstPort, payload)));
    }

    public static byte[] ethernetHeader(int etherType) {
        ByteBuffer b = ByteBuffer.allocate(14);
        b.put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        b.put(new byte[] {0x60, 0x76, (byte) 0x88, 0x00, 0x00, 0x01});
        b.putShort((short) etherType);
        return b.array();
    }

    public static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        return b.array();
    }

    /** An IPv4 packet (header without options) carrying {@code data} at fragment offset {@code fragmentOffset}. */
    public static byte[] ipv4(int protocol, int id, boolean moreFragments, int fragmentOffset, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + data.length)).putShort((short) id)
                .putShort((short) ((moreFragments ? 0x2000 : 0) | (fragmentOffset / 8)))
                .put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {(byte) 192, (byte) 168, 1, (byte) 201}).put(new byte[] {(byte) 192, (byte) 168, 1, 100})
                .put(data);
        return b.array();
    }

    /** Splits an IP payload into IPv4 fragments of at most {@code mtu} bytes each (header included). */
    public static byte[][] ipv4Fragments(int protocol, int id, byte[] ipPayload, int mtu) {
        int per = ((mtu - 20) / 8) * 8;
        int n = (ipPayload.length + per - 1) / per;
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * per;
            int len = Math.min(per, ipPayload.length - from);
            byte[] part = new byte[len];
            System.arraycopy(ipPayload, from, part, 0, len);
            out[i] = ipv4(protocol, id, i < n - 1, from, part);
        }
        return out;
    }

    /** Bytes 0..n-1 following a simple deterministic pattern. */
    public static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        }
        return b;
    }
}
