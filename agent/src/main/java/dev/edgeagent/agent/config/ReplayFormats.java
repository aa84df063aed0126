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

    /** pcap and pcapng announce themselves by magic number; candump logs by name. */
    public static Optional<AgentConfig.ReplayFormat> detect(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(4);
            if (b.length == 4) {
                int le = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
                if (le == 0xa1b2c3d4 || le == 0xd4c3b2a1 || le == 0xa1b23c4d || le == 0x4d3cb2a1 || le == 0x0a0d0d0a) {
                    return Optional.of(AgentConfig.ReplayFormat.pcap);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".log") || name.endsWith(".candump")) {
            return Optional.of(AgentConfig.ReplayFormat.candump);
        }
        return Optional.empty();
    }

    /** The configured format, else the detected one, else pcap (the validator has rejected undetectable files). */
    public static AgentConfig.ReplayFormat of(AgentConfig.SourceConfig s) {
        return s.format().or(() -> s.file().flatMap(ReplayFormats::detect)).orElse(AgentConfig.ReplayFormat.pcap);
    }
}
