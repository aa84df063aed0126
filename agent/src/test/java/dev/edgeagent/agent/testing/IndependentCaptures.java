package dev.edgeagent.agent.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.edgeagent.protocols.testing.SimplePcap;
import dev.edgeagent.protocols.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bundled captures hold, read by the simplest code that can (protocols' SimplePcap test reader; a
 * regex over candump lines), sharing nothing with the agent's parsers: the expected side of the
 * end-to-end tests.
 */
public final class IndependentCaptures {

    private IndependentCaptures() {
    }

    public static Path sample(String relative) {
        return TestData.sample(relative);
    }

    /** UDP payloads sent to {@code port}, in file order (protocols' independent test reader). */
    public static List<byte[]> udpPayloads(Path pcap, int port) throws IOException {
        return SimplePcap.toPort(SimplePcap.read(pcap), port).stream().map(SimplePcap.Packet::udpPayload).toList();
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
