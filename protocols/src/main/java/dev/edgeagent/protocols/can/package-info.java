/**
 * CAN: the stored record layout ({@link dev.edgeagent.protocols.can.CanFrame}, SocketCAN little-endian, data trimmed
 * to its length) and {@code candump -l} logs ({@link dev.edgeagent.protocols.can.CandumpParser},
 * {@link dev.edgeagent.protocols.can.CandumpReader}).
 */
package dev.edgeagent.protocols.can;
