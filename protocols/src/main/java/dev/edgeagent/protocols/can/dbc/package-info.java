/**
 * DBC (Vector CAN database) files and signal decoding: {@link dev.edgeagent.protocols.can.dbc.DbcDatabase#load}
 * parses a file (strictly, or reporting and skipping bad statements), and a
 * {@link dev.edgeagent.protocols.can.dbc.DbcDecoder} per thread turns frames (or stored
 * {@link dev.edgeagent.protocols.can.CanFrame} records) into signal values for a
 * {@link dev.edgeagent.protocols.can.dbc.SignalVisitor}, without allocating per frame. Unknown ids, short frames
 * and out-of-range values are counted and reported, never hidden.
 */
package dev.edgeagent.protocols.can.dbc;
