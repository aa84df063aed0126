/**
 * Live capture from a Linux SocketCAN interface (javacan raw socket) into the {@code CanFrame} record layout, keyed
 * by interface name. <b>Untested on the build machines</b>: they have no vcan or CAN hardware, so only the
 * frame conversion ({@link dev.edgeagent.protocols.source.socketcan.SocketCanFrames}) and the behaviour without an
 * interface are tested; the socket path must be checked on a device (e.g. {@code ip link add dev vcan0 type vcan}
 * and {@code cangen vcan0}).
 */
package dev.edgeagent.protocols.source.socketcan;
