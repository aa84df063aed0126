package dev.edgeagent.protocols.imu;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The stored IMU record: a fixed {@value #LENGTH}-byte little-endian layout, the payload of every IMU source's
 * records.
 *
 * <pre>
 * offset size type  field
 *      0    1 u8    version, {@value #VERSION}
 *      1    1 u8    flags: bit 0 orientation present, bit 1 magnetic field present (other bits 0)
 *      2    2 u16   reserved, 0
 *      4    8 i64   sensor time, ns
 *     12   24 f64×3 angular velocity x, y, z, rad/s
 *     36   24 f64×3 linear acceleration x, y, z, m/s²
 *     60   32 f64×4 orientation quaternion w, x, y, z (0 when absent)
 *     92   24 f64×3 magnetic field x, y, z, µT (0 when absent)
 * </pre>
 * Fixed length keeps readers trivial and costs nothing at IMU rates; doubles keep the source's precision (EuRoC
 * writes 17 significant digits).
 */
public final class ImuRecord {

    public static final int LENGTH = 116;
    public static final int VERSION = 1;
    public static final int FLAG_ORIENTATION = 1;
    public static final int FLAG_MAGNETIC_FIELD = 2;

    public static final int OFFSET_FLAGS = 1;
    public static final int OFFSET_TIME = 4;
    public static final int OFFSET_GYRO = 12;
    public static final int OFFSET_ACCEL = 36;
    public static final int OFFSET_QUAT = 60;
    public static final int OFFSET_MAG = 92;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private ImuRecord() {
    }

    /** Writes {@code s} at {@code offset}; returns {@link #LENGTH}. */
    public static int encode(ImuSample s, MutableDirectBuffer b, int offset) {
        b.putByte(offset, (byte) VERSION);
        b.putByte(offset + OFFSET_FLAGS, (byte) ((s.hasOrientation ? FLAG_ORIENTATION : 0)
                | (s.hasMagneticField ? FLAG_MAGNETIC_FIELD : 0)));
        b.putShort(offset + 2, (short) 0, LE);
        b.putLong(offset + OFFSET_TIME, s.timeNs, LE);
        b.putDouble(offset + OFFSET_GYRO, s.gyroX, LE);
        b.putDouble(offset + OFFSET_GYRO + 8, s.gyroY, LE);
        b.putDouble(offset + OFFSET_GYRO + 16, s.gyroZ, LE);
        b.putDouble(offset + OFFSET_ACCEL, s.accelX, LE);
        b.putDouble(offset + OFFSET_ACCEL + 8, s.accelY, LE);
        b.putDouble(offset + OFFSET_ACCEL + 16, s.accelZ, LE);
        final boolean q = s.hasOrientation;
        b.putDouble(offset + OFFSET_QUAT, q ? s.quatW : 0, LE);
        b.putDouble(offset + OFFSET_QUAT + 8, q ? s.quatX : 0, LE);
        b.putDouble(offset + OFFSET_QUAT + 16, q ? s.quatY : 0, LE);
        b.putDouble(offset + OFFSET_QUAT + 24, q ? s.quatZ : 0, LE);
        final boolean m = s.hasMagneticField;
        b.putDouble(offset + OFFSET_MAG, m ? s.magX : 0, LE);
        b.putDouble(offset + OFFSET_MAG + 8, m ? s.magY : 0, LE);
        b.putDouble(offset + OFFSET_MAG + 16, m ? s.magZ : 0, LE);
        return LENGTH;
    }

    /** True if {@code length} bytes at {@code offset} look like a record (length and version). */
    public static boolean matches(DirectBuffer b, int offset, int length) {
        return length == LENGTH && b.getByte(offset) == VERSION;
    }

    /**
     * Reads a record into {@code s}.
     *
     * @throws ImuFormatException {@code imu-bad-record}: wrong length, version or flag bits
     */
    public static void decode(DirectBuffer b, int offset, int length, ImuSample s) {
        if (length != LENGTH) {
            throw new ImuFormatException("imu-bad-record", 0, "IMU record of " + length + " bytes, expected " + LENGTH);
        }
        if (b.getByte(offset) != VERSION) {
            throw new ImuFormatException("imu-bad-record", 0, "IMU record version " + (b.getByte(offset) & 0xFF)
                    + ", expected " + VERSION);
        }
        final int flags = b.getByte(offset + OFFSET_FLAGS) & 0xFF;
        if ((flags & ~(FLAG_ORIENTATION | FLAG_MAGNETIC_FIELD)) != 0) {
            throw new ImuFormatException("imu-bad-record", OFFSET_FLAGS, "IMU record flags 0x"
                    + Integer.toHexString(flags) + " set unknown bits");
        }
        s.timeNs = b.getLong(offset + OFFSET_TIME, LE);
        s.gyroX = b.getDouble(offset + OFFSET_GYRO, LE);
        s.gyroY = b.getDouble(offset + OFFSET_GYRO + 8, LE);
        s.gyroZ = b.getDouble(offset + OFFSET_GYRO + 16, LE);
        s.accelX = b.getDouble(offset + OFFSET_ACCEL, LE);
        s.accelY = b.getDouble(offset + OFFSET_ACCEL + 8, LE);
        s.accelZ = b.getDouble(offset + OFFSET_ACCEL + 16, LE);
        s.hasOrientation = (flags & FLAG_ORIENTATION) != 0;
        s.quatW = b.getDouble(offset + OFFSET_QUAT, LE);
        s.quatX = b.getDouble(offset + OFFSET_QUAT + 8, LE);
        s.quatY = b.getDouble(offset + OFFSET_QUAT + 16, LE);
        s.quatZ = b.getDouble(offset + OFFSET_QUAT + 24, LE);
        s.hasMagneticField = (flags & FLAG_MAGNETIC_FIELD) != 0;
        s.magX = b.getDouble(offset + OFFSET_MAG, LE);
        s.magY = b.getDouble(offset + OFFSET_MAG + 8, LE);
        s.magZ = b.getDouble(offset + OFFSET_MAG + 16, LE);
    }
}
