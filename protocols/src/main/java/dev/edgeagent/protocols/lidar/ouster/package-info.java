/**
 * Ouster OS-0/1/2 lidar packets (profiles LEGACY, RNG19_RFL8_SIG16_NIR16, RNG15_RFL8_NIR8,
 * RNG19_RFL8_SIG16_NIR16_DUAL) and IMU packets, read with the sensor's metadata JSON
 * ({@link dev.edgeagent.protocols.lidar.ouster.OusterMetadata}) and assembled into one sweep per frame_id by
 * {@link dev.edgeagent.protocols.lidar.ouster.OusterSweepAssembler}.
 */
package dev.edgeagent.protocols.lidar.ouster;
