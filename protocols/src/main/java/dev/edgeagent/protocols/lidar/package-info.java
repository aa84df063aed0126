/**
 * LiDAR packet decoding and sweep assembly, shared by the Velodyne ({@code velodyne/}) and Ouster ({@code ouster/})
 * decoders: a {@link dev.edgeagent.protocols.lidar.SweepAssembler} takes UDP payloads one at a time
 * ({@code accept(packet, off, len, captureTimeNs, udpDstPort)}), decodes them into points in a reusable
 * structure-of-arrays {@link dev.edgeagent.protocols.lidar.PointBuffer} and hands every full rotation to a
 * {@link dev.edgeagent.protocols.lidar.SweepListener} with its {@link dev.edgeagent.protocols.lidar.SweepInfo}.
 * Nothing is allocated per packet or per point once the buffers have grown to a sweep's size; bad packets are
 * counted and reported by kind ({@link dev.edgeagent.protocols.lidar.LidarError}) and skipped.
 */
package dev.edgeagent.protocols.lidar;
