/**
 * GNSS wire formats and sources: {@link dev.edgeagent.protocols.gnss.GnssFrameSplitter} splits a byte stream mixing
 * NMEA 0183, u-blox UBX and RTCM 3; {@link dev.edgeagent.protocols.gnss.NmeaDecoder} and
 * {@link dev.edgeagent.protocols.gnss.UbxDecoder} decode into one reusable {@link dev.edgeagent.protocols.gnss.GnssFix};
 * {@link dev.edgeagent.protocols.gnss.GnssEpochAssembler} emits one fix per receiver epoch. Sources:
 * {@link dev.edgeagent.protocols.gnss.GpsdClientSource} (gpsd JSON over TCP) and
 * {@link dev.edgeagent.protocols.gnss.GnssStreamReplaySource} (raw receiver bytes from a file, e.g. a gpsd
 * regression log).
 */
package dev.edgeagent.protocols.gnss;
