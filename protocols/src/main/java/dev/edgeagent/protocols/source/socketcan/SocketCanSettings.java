package dev.edgeagent.protocols.source.socketcan;

import java.util.Objects;

/**
 * @param interfaceName     the SocketCAN interface, e.g. {@code can0}; also the records' key
 * @param fdFrames          enable CAN_RAW_FD_FRAMES (receive CAN FD frames as well as classic ones)
 * @param errorFrames       receive error frames (CAN_RAW_ERR_FILTER = all error classes)
 * @param maxFramesPerWork  frames moved per duty cycle at most
 * @param reopenDelayNs     wait between attempts to open the interface (absent, down, or failed)
 */
public record SocketCanSettings(String interfaceName, boolean fdFrames, boolean errorFrames, int maxFramesPerWork,
                                long reopenDelayNs) {

    public SocketCanSettings {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.isEmpty() || interfaceName.length() > 15) {
            throw new IllegalArgumentException("interfaceName '" + interfaceName + "': expected 1..15 characters");
        }
        if (maxFramesPerWork < 1) {
            throw new IllegalArgumentException("maxFramesPerWork " + maxFramesPerWork + ": expected >= 1");
        }
        if (reopenDelayNs < 0) {
            throw new IllegalArgumentException("reopenDelayNs " + reopenDelayNs + ": expected >= 0");
        }
    }

    /** FD and error frames on, 256 frames per cycle, reopen every second. */
    public static SocketCanSettings of(String interfaceName) {
        return new SocketCanSettings(interfaceName, true, true, 256, 1_000_000_000L);
    }
}
