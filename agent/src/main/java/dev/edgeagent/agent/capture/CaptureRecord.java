package dev.edgeagent.agent.capture;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Layout of a capture queue excerpt: a block of one or more records of one stream (little-endian). What the
 * records of a block share is said once, in its header; each record carries only what differs, because on
 * small records (CAN, IMU) the bytes written per record are what limits capture.
 * <pre>
 * block header, 32 bytes
 *  0  u8   format version (2)
 *  1  u8   reserved (0)
 *  2  u16  record count N (1..1024)
 *  4  i32  stream fingerprint: CRC32C of the UTF-8 stream id (a block always says whose it is)
 *  8  i64  sequence of the first record (0, 1, 2, ... per stream, no gaps; record i has first + i)
 * 16  i64  receive wall-clock time of the first record, ns since the Unix epoch (the block's base)
 * 24  i64  receive monotonic time of the first record, ns (System.nanoTime of the capturing process)
 * then N records, each
 *  0  u8   flags: 1 = sensor time present, 2 = sensor time equals the receive wall time (no field),
 *          4 = key present, 8 = 32-bit payload length
 *  1  i32  receive wall time - base, ns
 *  5  i32  receive monotonic time - base, ns
 *  9  [i64 sensor time, ns since the Unix epoch]          when flags has 1 and not 2
 *     [u16 key length, key bytes (UTF-8: MQTT topic, CAN interface, ...)]   when flags has 4
 *     u16 payload length (u32 when flags has 8)
 *     payload bytes, exactly as received
 * </pre>
 * A record whose time is more than ±2.1 s from its block's base starts a new block.
 */
public final class CaptureRecord {

    public static final int VERSION = 2;

    public static final int BLOCK_VERSION_OFFSET = 0;
    public static final int BLOCK_COUNT_OFFSET = 2;
    public static final int BLOCK_FINGERPRINT_OFFSET = 4;
    public static final int BLOCK_FIRST_SEQUENCE_OFFSET = 8;
    public static final int BLOCK_BASE_WALL_OFFSET = 16;
    public static final int BLOCK_BASE_MONO_OFFSET = 24;
    public static final int BLOCK_HEADER_LENGTH = 32;

    public static final int FLAG_SENSOR_TIME = 1;
    public static final int FLAG_SENSOR_IS_WALL = 2;
    public static final int FLAG_KEY = 4;
    public static final int FLAG_WIDE_LENGTH = 8;

    /** flags, wall delta, mono delta */
    public static final int RECORD_FIXED_LENGTH = 9;

    public static final int MAX_KEY_LENGTH = 0xFFFF;
    public static final int MAX_RECORDS_PER_BLOCK = 1024;

    private CaptureRecord() {
    }

    public static int fingerprint(String streamId) {
        CRC32C crc = new CRC32C();
        crc.update(streamId.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Bytes one record takes in a block. */
    public static long recordLength(boolean sensorField, int keyLength, int payloadLength) {
        return RECORD_FIXED_LENGTH + (sensorField ? 8 : 0) + (keyLength > 0 ? 2 + keyLength : 0)
                + (payloadLength > 0xFFFF ? 4 : 2) + payloadLength;
    }
}
