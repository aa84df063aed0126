package dev.edgeagent.protocols.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately simple, independent reading of a little-endian classic pcap with Ethernet / IPv4 / UDP frames
 * (no VLAN tags, no fragments): the tests' second opinion on what the production reader and extractor must find.
 * Shares no code with them.
 */
public final class SimplePcap {

    /** One packet record as the file holds it. */
    public record Packet(long fileOffset, long timestampNanos, int originalLength, byte[] frame) {

        /** EtherType 0x0800, IP protocol 17: the UDP destination port, or -1. */
        public int udpDestinationPort() {
            if (frame.length < 42 || (frame[12] & 0xFF) != 0x08 || frame[13] != 0x00 || frame[23] != 17) {
                return -1;
            }
            int ihl = (frame[14] & 0x0F) * 4;
            return ((frame[14 + ihl + 2] & 0xFF) << 8) | (frame[14 + ihl + 3] & 0xFF);
        }

        /** The UDP payload, by the UDP length field. */
        public byte[] udpPayload() {
            int ihl = (frame[14] & 0x0F) * 4;
            int udp = 14 + ihl;
            int len = ((frame[udp + 4] & 0xFF) << 8) | (frame[udp + 5] & 0xFF);
            byte[] out = new byte[len - 8];
            System.arraycopy(frame, udp + 8, out, 0, out.length);
            return out;
        }
    }

    private SimplePcap() {
    }

    public static List<Packet> read(Path file) throws IOException {
        List<Packet> packets = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             DataInputStream data = new DataInputStream(in)) {
            byte[] header = new byte[24];
            data.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int magic = h.getInt(0);
            if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
                throw new IOException("test helper reads little-endian pcap only");
            }
            boolean nanos = magic == 0xA1B23C4D;
            long offset = 24;
            byte[] rec = new byte[16];
            while (true) {
                try {
                    data.readFully(rec);
                } catch (EOFException end) {
                    break;
                }
                ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
                long sec = Integer.toUnsignedLong(r.getInt(0));
                long frac = Integer.toUnsignedLong(r.getInt(4));
                int incl = r.getInt(8);
                int orig = r.getInt(12);
                byte[] frame = new byte[incl];
                data.readFully(frame);
                packets.add(new Packet(offset, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), orig, frame));
                offset += 16 + incl;
            }
        }
        return packets;
    }

    /** The UDP payloads to {@code port}, in file order, with their packets. */
    public static List<Packet> toPort(List<Packet> all, int port) {
        List<Packet> out = new ArrayList<>();
        for (Packet p : all) {
            if (p.udpDestinationPort() == port) {
                out.add(p);
            }
        }
        return out;
    }
}
