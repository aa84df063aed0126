/**
 * Link-layer frames to UDP payloads: {@link dev.edgeagent.protocols.net.UdpExtractor} (Ethernet/VLAN, Linux SLL,
 * raw IP, loopback; IPv4/IPv6) with bounded-memory fragment reassembly
 * ({@link dev.edgeagent.protocols.net.FragmentReassembler}).
 */
package dev.edgeagent.protocols.net;
