/**
 * Allocation-free ASCII helpers shared by the text wire formats (NMEA, gpsd JSON, IMU CSV/JSON):
 * {@link dev.edgeagent.protocols.text.AsciiNumbers} parses numbers and UTC dates straight from bytes.
 */
package dev.edgeagent.protocols.text;
