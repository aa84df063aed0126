package dev.edgeagent.protocols.lidar.ouster;

/**
 * Lidar packet layouts ({@code udp_profile_lidar}) as the Ouster sensor documentation gives them. All fields
 * little-endian.
 *
 * <pre>
 * LEGACY: no packet header; each column: timestamp u64 | measurement_id u16 | frame_id u16 | encoder u32,
 *         then per pixel 12 B: range u32 (bits 0-19, mm) | reflectivity u16 | signal u16 | NIR u16 | unused u16,
 *         then column status u32 (0xFFFFFFFF = valid)
 * others: packet header 32 B: packet_type u16 (1) | frame_id u16 | init_id u24 | serial u40 | ...;
 *         each column: timestamp u64 | measurement_id u16 | status u16 (bit 0 = valid), then pixels;
 *         packet footer 32 B
 *   RNG19_RFL8_SIG16_NIR16 (12 B): range u32 (bits 0-18, mm) | reflectivity u8 @4 | signal u16 @6 | NIR u16 @8
 *   RNG15_RFL8_NIR8 (4 B): range u16 (bits 0-14, units of 8 mm) | reflectivity u8 @2 | NIR u8 @3 (x16)
 *   RNG19_RFL8_SIG16_NIR16_DUAL (16 B): range u32 (bits 0-18) with reflectivity u8 @3 | range2 u32 @4 (bits 0-18)
 *         with reflectivity2 u8 @7 | signal u16 @8 | signal2 u16 @10 | NIR u16 @12
 * </pre>
 */
public enum OusterProfile {
    LEGACY(12, 0, 16, 4, 0, 1),
    RNG19_RFL8_SIG16_NIR16(12, 32, 12, 0, 32, 1),
    RNG15_RFL8_NIR8(4, 32, 12, 0, 32, 1),
    RNG19_RFL8_SIG16_NIR16_DUAL(16, 32, 12, 0, 32, 2);

    private final int pixelBytes;
    private final int packetHeaderBytes;
    private final int columnHeaderBytes;
    private final int columnFooterBytes;
    private final int packetFooterBytes;
    private final int returns;

    OusterProfile(int pixelBytes, int packetHeaderBytes, int columnHeaderBytes, int columnFooterBytes,
                  int packetFooterBytes, int returns) {
        this.pixelBytes = pixelBytes;
        this.packetHeaderBytes = packetHeaderBytes;
        this.columnHeaderBytes = columnHeaderBytes;
        this.columnFooterBytes = columnFooterBytes;
        this.packetFooterBytes = packetFooterBytes;
        this.returns = returns;
    }

    public int pixelBytes() {
        return pixelBytes;
    }

    public int packetHeaderBytes() {
        return packetHeaderBytes;
    }

    public int columnHeaderBytes() {
        return columnHeaderBytes;
    }

    public int columnFooterBytes() {
        return columnFooterBytes;
    }

    public int packetFooterBytes() {
        return packetFooterBytes;
    }

    /** Returns per pixel: 2 for the dual-return profile. */
    public int returns() {
        return returns;
    }

    public int columnBytes(int pixelsPerColumn) {
        return columnHeaderBytes + pixelsPerColumn * pixelBytes + columnFooterBytes;
    }

    public int packetBytes(int columnsPerPacket, int pixelsPerColumn) {
        return packetHeaderBytes + columnsPerPacket * columnBytes(pixelsPerColumn) + packetFooterBytes;
    }

    /** The profile of a {@code udp_profile_lidar} name; null if not one of these four. */
    public static OusterProfile of(String name) {
        for (OusterProfile p : values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
