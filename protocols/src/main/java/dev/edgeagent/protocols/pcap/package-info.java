/**
 * Capture files: {@link dev.edgeagent.protocols.pcap.PcapReader} reads classic pcap and pcapng through one reused
 * buffer; damage is reported as {@link dev.edgeagent.protocols.pcap.PcapFormatException} with the file offset and
 * reading goes on where it can.
 */
package dev.edgeagent.protocols.pcap;
