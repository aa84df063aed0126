package dev.edgeagent.agent.config;

import java.net.InetSocketAddress;

/** HOST:PORT as configuration values write it (IPv6 hosts in brackets). */
public final class HostPort {

    private HostPort() {
    }

    /** An unresolved address with a port in 1..65535, or null when {@code text} is not HOST:PORT. */
    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = text.substring(0, colon).replace("[", "").replace("]", "");
            return port < 1 || port > 65535 || host.isEmpty() ? null : InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
