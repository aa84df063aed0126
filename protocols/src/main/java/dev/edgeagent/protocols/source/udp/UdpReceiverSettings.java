package dev.edgeagent.protocols.source.udp;

import java.util.Objects;

/**
 * Settings of a {@link UdpReceiverSource}; validated on construction ({@link IllegalArgumentException} naming the
 * field).
 *
 * @param bindAddress         local address to bind ("0.0.0.0" for all interfaces, "127.0.0.1", or a multicast-free
 *                            unicast address of one interface)
 * @param port                local UDP port (0 = any free port, for tests)
 * @param receiveBufferBytes  SO_RCVBUF asked for: the kernel's queue that absorbs bursts while the source is not
 *                            reading. Linux caps it at {@code net.core.rmem_max} (and doubles it for bookkeeping);
 *                            the source reports what it got. A 10 Hz Ouster OS-1-128 sends ~20 MB/s: 8 MiB is
 *                            about 0.4 s of it
 * @param maxDatagramBytes    largest datagram kept whole; longer ones are counted as oversized and skipped
 * @param maxDatagramsPerWork most datagrams one {@code doWork()} takes in
 */
public record UdpReceiverSettings(String bindAddress, int port, int receiveBufferBytes, int maxDatagramBytes,
                                  int maxDatagramsPerWork) {

    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 8 << 20;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_UDP_PAYLOAD = 65_507;
    public static final int DEFAULT_MAX_DATAGRAMS_PER_WORK = 256;

    public UdpReceiverSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress: must not be blank (use 0.0.0.0 for all interfaces)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is outside 0..65535");
        }
        if (receiveBufferBytes < 1) {
            throw new IllegalArgumentException("receiveBufferBytes: must be positive, got " + receiveBufferBytes);
        }
        if (maxDatagramBytes < 1 || maxDatagramBytes > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("maxDatagramBytes: must be 1.." + MAX_UDP_PAYLOAD + ", got "
                    + maxDatagramBytes);
        }
        if (maxDatagramsPerWork < 1) {
            throw new IllegalArgumentException("maxDatagramsPerWork: must be at least 1, got " + maxDatagramsPerWork);
        }
    }

    /** All interfaces, the given port, 8 MiB receive buffer, datagrams up to 65507 B, 256 per duty cycle. */
    public static UdpReceiverSettings of(int port) {
        return new UdpReceiverSettings("0.0.0.0", port, DEFAULT_RECEIVE_BUFFER_BYTES, MAX_UDP_PAYLOAD,
                DEFAULT_MAX_DATAGRAMS_PER_WORK);
    }

    public UdpReceiverSettings withBindAddress(String address) {
        return new UdpReceiverSettings(address, port, receiveBufferBytes, maxDatagramBytes, maxDatagramsPerWork);
    }

    public UdpReceiverSettings withReceiveBufferBytes(int bytes) {
        return new UdpReceiverSettings(bindAddress, port, bytes, maxDatagramBytes, maxDatagramsPerWork);
    }

    public UdpReceiverSettings withMaxDatagramBytes(int bytes) {
        return new UdpReceiverSettings(bindAddress, port, receiveBufferBytes, bytes, maxDatagramsPerWork);
    }

    public UdpReceiverSettings withMaxDatagramsPerWork(int n) {
        return new UdpReceiverSettings(bindAddress, port, receiveBufferBytes, maxDatagramBytes, n);
    }
}
