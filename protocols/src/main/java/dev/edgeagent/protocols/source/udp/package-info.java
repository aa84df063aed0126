/**
 * Live UDP capture: {@link dev.edgeagent.protocols.source.udp.UdpReceiverSource} records every datagram that
 * arrives on a bound port (a LiDAR's packets, say) as it is, for decoding later.
 */
package dev.edgeagent.protocols.source.udp;
