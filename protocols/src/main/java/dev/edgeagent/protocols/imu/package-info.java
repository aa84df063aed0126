/**
 * IMU samples: one fixed little-endian record layout ({@link dev.edgeagent.protocols.imu.ImuRecord}, decoded into the
 * reusable {@link dev.edgeagent.protocols.imu.ImuSample}), CSV replay with column mappings
 * ({@link dev.edgeagent.protocols.imu.ImuCsvReplaySource}, presets for x-io and EuRoC), JSON payloads
 * ({@link dev.edgeagent.protocols.imu.ImuJson}, for MQTT and UDP) and a UDP source
 * ({@link dev.edgeagent.protocols.imu.ImuUdpSource}).
 */
package dev.edgeagent.protocols.imu;
