/**
 * Velodyne VLP-16, VLP-32C and HDL-32E: 1206-byte data packets (UDP 2368) and 512-byte position packets
 * (UDP 8308) decoded into sweeps by {@link dev.edgeagent.protocols.lidar.velodyne.VelodyneSweepAssembler}. Laser
 * tables and firing timing are those of the public user manuals ({@link dev.edgeagent.protocols.lidar.velodyne.VelodyneModel}).
 * The model is told from the data (block duration implied by azimuth advance over sensor time), because the
 * factory byte is not reliable on early firmware.
 */
package dev.edgeagent.protocols.lidar.velodyne;
