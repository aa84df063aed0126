package dev.edgeagent.protocols.lidar.ouster;

/**
 * One Ouster IMU packet (48 B, LEGACY IMU profile): sys_ts u64 @0, accel_ts u64 @8, gyro_ts u64 @16 (ns),
 * acceleration x, y, z f32 @24/28/32 (g), angular velocity x, y, z f32 @36/40/44 (°/s).
 */
@FunctionalInterface
public interface OusterImuListener {

    void onImu(long sysTimeNs, long accelTimeNs, long gyroTimeNs, float accelX, float accelY, float accelZ,
               float gyroX, float gyroY, float gyroZ);

    OusterImuListener IGNORE = (s, a, g, ax, ay, az, gx, gy, gz) -> { };
}
