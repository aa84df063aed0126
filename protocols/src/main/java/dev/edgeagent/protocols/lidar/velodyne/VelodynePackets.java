package dev.edgeagent.protocols.lidar.velodyne;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * Field offsets and readers of the Velodyne packets (all little-endian), as in the user manuals.
 *
 * <pre>
 * data packet, 1206 B (UDP 2368):
 *   12 blocks of 100 B at 100*b: flag 0xFF 0xEE | azimuth u16 (0.01°) | 32 x (distance u16, reflectivity u8)
 *   1200: timestamp u32, µs past the top of the hour
 *   1204: return mode (0x37 strongest, 0x38 last, 0x39 dual)    1205: product id ("factory byte")
 * position packet, 512 B (UDP 8308):
 *   198: timestamp u32, µs past the hour     202: PPS status     206: NMEA sentence ($GPRMC), ASCII, NUL padded
 * </pre>
 */
public final class VelodynePackets {

    public static final int DATA_PACKET_BYTES = 1206;
    public static final int POSITION_PACKET_BYTES = 512;
    public static final int DEFAULT_DATA_PORT = 2368;
    public static final int DEFAULT_POSITION_PORT = 8308;

    public static final int BLOCKS = 12;
    public static final int BLOCK_BYTES = 100;
    public static final int CHANNELS = 32;
    public static final int TIMESTAMP_OFFSET = 1200;
    public static final int RETURN_MODE_OFFSET = 1204;
    public static final int FACTORY_OFFSET = 1205;
    public static final int POSITION_TIMESTAMP_OFFSET = 198;
    public static final int NMEA_OFFSET = 206;
    public static final int NMEA_MAX_BYTES = POSITION_PACKET_BYTES - NMEA_OFFSET;

    public static final int RETURN_STRONGEST = 0x37;
    public static final int RETURN_LAST = 0x38;
    public static final int RETURN_DUAL = 0x39;

    /** µs in an hour: timestamps must be below it. */
    public static final long HOUR_US = 3_600_000_000L;

    private VelodynePackets() {
    }

    /** The block's two flag bytes as a little-endian u16: 0xEEFF for a good block. */
    public static int blockFlag(DirectBuffer p, int off, int block) {
        return p.getShort(off + block * BLOCK_BYTES, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** Azimuth of a block, 0.01° units. */
    public static int azimuth(DirectBuffer p, int off, int block) {
        return p.getShort(off + block * BLOCK_BYTES + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** Raw distance of channel {@code ch} (0..31) of a block, in the model's distance unit. */
    public static int distance(DirectBuffer p, int off, int block, int ch) {
        return p.getShort(off + block * BLOCK_BYTES + 4 + ch * 3, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public static int reflectivity(DirectBuffer p, int off, int block, int ch) {
        return p.getByte(off + block * BLOCK_BYTES + 6 + ch * 3) & 0xFF;
    }

    /** µs past the top of the hour (data packet). */
    public static long timestampUs(DirectBuffer p, int off) {
        return p.getInt(off + TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    public static int returnMode(DirectBuffer p, int off) {
        return p.getByte(off + RETURN_MODE_OFFSET) & 0xFF;
    }

    public static int factoryByte(DirectBuffer p, int off) {
        return p.getByte(off + FACTORY_OFFSET) & 0xFF;
    }

    /** µs past the top of the hour (position packet). */
    public static long positionTimestampUs(DirectBuffer p, int off) {
        return p.getInt(off + POSITION_TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }
}
