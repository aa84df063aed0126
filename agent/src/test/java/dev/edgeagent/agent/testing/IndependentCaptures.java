package dev.edgeagent.agent.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bundled captures hold, read by the simplest code that can (classic little-endian pcap over
 * Ethernet/IPv4/UDP; a regex over candump lines) and shares nothing with the agent's parsers: the
 * expected side of the end-to-end tests.
 */
public final class IndependentCaptures {

    private IndependentCaptures() {
    }

    public static Path sample(String relative) {
        return AgentProcess.repoRoot().resolve("samples").resolve(relative);
    }

    /** UDP payloads sent to {@code port}, in file order. */
    public static List<byte[]> udpPayloads(Path pcap, int port) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4 || b.getInt(20) != 1) {
            throw new IllegalArgumentException(pcap + ": this reader only knows LE µs pcap over Ethernet");
        }
        List<byte[]> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            int incl = b.getInt(pos + 8);
            int frame = pos + 16;
            pos = frame + incl;
            ByteBuffer be = ByteBuffer.wrap(b.array(), frame, incl).slice().order(ByteOrder.BIG_ENDIAN);
            if ((be.getShort(12) & 0xffff) != 0x0800) {
                continue;
            }
            int ihl = (be.get(14) & 0x0f) * 4;
            if (be.get(14 + 9) != 17) {
                continue;
            }
            if ((be.getShort(14 + 6) & 0x3fff) != 0) {
                throw new IllegalStateException("fragmented IPv4 in " + pcap + ": this reader does not reassemble");
            }
            int udp = 14 + ihl;
            int dst = be.getShort(udp + 2) & 0xffff;
            int len = (be.getShort(udp + 4) & 0xffff) - 8;
            if (dst == port) {
                out.add(Arrays.copyOfRange(b.array(), frame + udp + 8, frame + udp + 8 + len));
            }
        }
        return out;
    }

    public record CanLine(String iface, long id, boolean extended, byte[] data) {
    }

    private static final Pattern LINE = Pattern.compile("^\\((\\d+)\\.(\\d+)\\) (\\S+) ([0-9A-Fa-f]{3}|[0-9A-Fa-f]{8})#([0-9A-Fa-f]*)$");

    /** Classic data frames of a candump -l log. */
    public static List<CanLine> candump(Path log) throws IOException {
        List<CanLine> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new IllegalStateException("unexpected candump line: " + line);
            }
            String hex = m.group(5);
            byte[] data = new byte[hex.length() / 2];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            out.add(new CanLine(m.group(3), Long.parseLong(m.group(4), 16), m.group(4).length() == 8, data));
        }
        return out;
    }

    /** The SocketCAN layout the agent stores a frame in: u32 LE id|flags, len, flags, 2 reserved, data. */
    public static byte[] socketCan(CanLine f) {
        ByteBuffer b = ByteBuffer.allocate(8 + f.data().length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (f.id() | (f.extended() ? 0x80000000L : 0)));
        b.put((byte) f.data().length).put((byte) 0).put((byte) 0).put((byte) 0);
        b.put(f.data());
        return b.array();
    }
}
