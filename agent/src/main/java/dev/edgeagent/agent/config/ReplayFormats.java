package dev.edgeagent.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Tells a replay file's format when the configuration does not say it. */
public final class ReplayFormats {

    private ReplayFormats() {
    }

    /**
     * pcap/pcapng and MP4 announce themselves by magic number; candump logs, NMEA/UBX receiver logs and IMU CSV
     * by their first lines ({@code (1.5) can0 123#...}, {@code $GPGGA...} / UBX sync bytes / gpsd's {@code #}
     * header lines, a CSV header); then by name (*.candump, *.nmea, *.ubx, *.csv).
     */
    public static Optional<AgentConfig.ReplayFormat> detect(Path file) {
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes(4096);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (b.length >= 4) {
            int le = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
            if (le == 0xa1b2c3d4 || le == 0xd4c3b2a1 || le == 0xa1b23c4d || le == 0x4d3cb2a1 || le == 0x0a0d0d0a) {
                return Optional.of(AgentConfig.ReplayFormat.pcap);
            }
        }
        if (b.length >= 8 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return Optional.of(AgentConfig.ReplayFormat.mp4);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xB5 && (b[1] & 0xff) == 0x62) {
            return Optional.of(AgentConfig.ReplayFormat.gnss);
        }
        if (file.getFileName().toString().endsWith(".csv")) {
            return Optional.of(AgentConfig.ReplayFormat.csv);   // before the line sniffing: EuRoC headers start with #
        }
        String head = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String line : head.split("\n", 8)) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (CANDUMP_LINE.matcher(t).lookingAt()) {
                return Optional.of(AgentConfig.ReplayFormat.candump);
            }
            if (t.startsWith("$G") || t.startsWith("$B") || t.startsWith("#")) {
                return Optional.of(AgentConfig.ReplayFormat.gnss);   // NMEA, or a gpsd regression log's header
            }
            break;
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".log") || name.endsWith(".candump")) {
            return Optional.of(AgentConfig.ReplayFormat.candump);
        }
        if (name.endsWith(".nmea") || name.endsWith(".ubx")) {
            return Optional.of(AgentConfig.ReplayFormat.gnss);
        }
        if (name.endsWith(".mp4")) {
            return Optional.of(AgentConfig.ReplayFormat.mp4);
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern CANDUMP_LINE =
            java.util.regex.Pattern.compile("\\(\\d+\\.\\d+\\)\\s+\\S+\\s+[0-9A-Fa-f]+#");

    /** The configured format, else the detected one, else pcap (the validator has rejected undetectable files). */
    public static AgentConfig.ReplayFormat of(AgentConfig.SourceConfig s) {
        return s.format().or(() -> s.file().flatMap(ReplayFormats::detect)).orElse(AgentConfig.ReplayFormat.pcap);
    }
}
