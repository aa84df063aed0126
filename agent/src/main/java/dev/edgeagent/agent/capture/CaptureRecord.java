package dev.edgeagent.agent.capture;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Layout of one record in a capture queue excerpt (little-endian, fixed header then variable parts):
 * <pre>
 *  0  u8   version (1)
 *  1  u8   flags: bit 0 = sensor time present
 *  2  u16  key length K
 *  4  i32  stream fingerprint: CRC32C of the UTF-8 stream id (a record always says whose it is)
 *  8  i64  sequence: 0, 1, 2, ... per stream, no gaps
 * 16  i64  sensor time, ns since the Unix epoch (0 when the flag is clear)
 * 24  i64  receive wall-clock time, ns since the Unix epoch
 * 32  i64  receive monotonic time, ns (System.nanoTime of the capturing process)
 * 40  i32  payload length P
 * 44  K    key bytes (UTF-8: MQTT topic, CAN interface, ...)
 * 44+K P   payload bytes, exactly as received
 * </pre>
 */
public final class CaptureRecord {

    public static final int VERSION = 1;
    public static final int FLAG_SENSOR_TIME = 1;

    public static final int VERSION_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int KEY_LENGTH_OFFSET = 2;
    public static final int FINGERPRINT_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int SENSOR_TIME_OFFSET = 16;
    public static final int RECEIVE_WALL_OFFSET = 24;
    public static final int RECEIVE_MONO_OFFSET = 32;
    public static final int PAYLOAD_LENGTH_OFFSET = 40;
    public static final int HEADER_LENGTH = 44;

    public static final int MAX_KEY_LENGTH = 0xFFFF;

    private CaptureRecord() {
    }

    public static int fingerprint(String streamId) {
        CRC32C crc = new CRC32C();
        crc.update(streamId.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }
}
