package dev.edgeagent.protocols.source.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;

/**
 * Settings of one {@link MqttSubscriberSource}. Every field is validated here, so a bad configuration fails at
 * start-up with an {@link IllegalArgumentException} naming the field, never later on the network thread.
 *
 * <p>The source always uses a persistent session (MQTT 5 clean start = false with a session expiry), so what is
 * published while the agent is down or disconnected waits in the broker. The broker must be configured to keep it:
 * Mosquitto's {@code max_queued_messages} (default 1000) silently drops QoS 1 messages beyond it.
 *
 * @param brokerUri           {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId            MQTT client identifier; must be stable across restarts, as it names the broker session
 * @param topicFilters        one or more topic filters, wildcards allowed ({@code fleet/+/gnss}, {@code cam/#})
 * @param qos                 requested QoS, 0 or 1 (1 by default). Only QoS 1 messages are sent again after a
 *                            refusal or a lost connection; a refused QoS 0 message is lost (and counted)
 * @param username            user name, or null for none
 * @param password            password, or null for none
 * @param sessionExpiry       how long the broker keeps the session (and queues messages) while disconnected
 * @param keepAlive           MQTT keep-alive interval (whole seconds, 0 turns it off)
 * @param connectTimeout      TCP connect timeout; also bounds the wait for CONNACK
 * @param reconnectBackoffMin first delay before a reconnect attempt
 * @param reconnectBackoffMax longest delay between attempts (the delay doubles up to it, with jitter)
 * @param receiveMaximum      MQTT 5 receive maximum: how many QoS 1 messages the broker may have in flight,
 *                            unacknowledged, towards this client (1..65535). It is also the most that is sent again
 *                            after a refusal
 */
public record MqttSourceSettings(
        String brokerUri,
        String clientId,
        List<String> topicFilters,
        int qos,
        String username,
        String password,
        Duration sessionExpiry,
        Duration keepAlive,
        Duration connectTimeout,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        int receiveMaximum) {

    public static final int DEFAULT_QOS = 1;
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RECONNECT_BACKOFF_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECONNECT_BACKOFF_MAX = Duration.ofSeconds(30);
    public static final int DEFAULT_RECEIVE_MAXIMUM = 1024;

    /** MQTT 5 session expiry is a four-byte count of seconds. */
    private static final long MAX_SESSION_EXPIRY_S = 0xFFFF_FFFFL;

    public MqttSourceSettings {
        Objects.requireNonNull(brokerUri, "brokerUri");
        checkBrokerUri(brokerUri);
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId: must be a non-blank, stable identifier (it names the broker session)");
        }
        if (topicFilters == null || topicFilters.isEmpty()) {
            throw new IllegalArgumentException("topicFilters: at least one topic filter is required");
        }
        topicFilters = List.copyOf(topicFilters);
        for (int i = 0; i < topicFilters.size(); i++) {
            String filter = topicFilters.get(i);
            try {
                MqttTopicValidator.validate(filter, true, true);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("topicFilters[" + i + "] '" + filter + "': not a valid MQTT topic filter ("
                        + e.getMessage() + ")", e);
            }
        }
        if (qos < 0 || qos > 1) {
            // QoS 2: Paho sends PUBREC on arrival, so a refused message would have to survive in a client-side
            // store across reconnects; QoS 1 (at least once) is what the capture queue needs.
            throw new IllegalArgumentException("qos: must be 0 or 1 (QoS 2 is not supported), got " + qos);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("password: given without a username");
        }
        requirePositiveOrZero("sessionExpiry", sessionExpiry);
        if (sessionExpiry.toSeconds() > MAX_SESSION_EXPIRY_S) {
            throw new IllegalArgumentException("sessionExpiry: at most " + MAX_SESSION_EXPIRY_S + " s, got " + sessionExpiry);
        }
        requirePositiveOrZero("keepAlive", keepAlive);
        if (keepAlive.toSeconds() > 65_535) {
            throw new IllegalArgumentException("keepAlive: at most 65535 s, got " + keepAlive);
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("reconnectBackoffMin", reconnectBackoffMin);
        requirePositive("reconnectBackoffMax", reconnectBackoffMax);
        if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoffMax: " + reconnectBackoffMax
                    + " is shorter than reconnectBackoffMin " + reconnectBackoffMin);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("receiveMaximum: must be 1..65535, got " + receiveMaximum);
        }
    }

    /** Settings with every default: QoS 1, one-day session, 30 s keep-alive, 0.5–30 s backoff, receive maximum 1024. */
    public static MqttSourceSettings of(String brokerUri, String clientId, String... topicFilters) {
        return new MqttSourceSettings(brokerUri, clientId, List.of(topicFilters), DEFAULT_QOS, null, null,
                DEFAULT_SESSION_EXPIRY, DEFAULT_KEEP_ALIVE, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_RECONNECT_BACKOFF_MIN, DEFAULT_RECONNECT_BACKOFF_MAX, DEFAULT_RECEIVE_MAXIMUM);
    }

    public MqttSourceSettings withTopicFilters(List<String> filters) {
        return new MqttSourceSettings(brokerUri, clientId, filters, qos, username, password, sessionExpiry, keepAlive,
                connectTimeout, reconnectBackoffMin, reconnectBackoffMax, receiveMaximum);
    }

    public MqttSourceSettings withQos(int newQos) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, newQos, username, password, sessionExpiry,
                keepAlive, connectTimeout, reconnectBackoffMin, reconnectBackoffMax, receiveMaximum);
    }

    public MqttSourceSettings withCredentials(String newUsername, String newPassword) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, qos, newUsername, newPassword, sessionExpiry,
                keepAlive, connectTimeout, reconnectBackoffMin, reconnectBackoffMax, receiveMaximum);
    }

    public MqttSourceSettings withSessionExpiry(Duration expiry) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, qos, username, password, expiry, keepAlive,
                connectTimeout, reconnectBackoffMin, reconnectBackoffMax, receiveMaximum);
    }

    public MqttSourceSettings withKeepAlive(Duration interval) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, qos, username, password, sessionExpiry,
                interval, connectTimeout, reconnectBackoffMin, reconnectBackoffMax, receiveMaximum);
    }

    public MqttSourceSettings withConnectTimeout(Duration timeout) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, qos, username, password, sessionExpiry,
                keepAlive, timeout, reconnectBackoffMin, reconnectBackoffMax, receiveMaximum);
    }

    public MqttSourceSettings withReconnectBackoff(Duration min, Duration max) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, qos, username, password, sessionExpiry,
                keepAlive, connectTimeout, min, max, receiveMaximum);
    }

    public MqttSourceSettings withReceiveMaximum(int max) {
        return new MqttSourceSettings(brokerUri, clientId, topicFilters, qos, username, password, sessionExpiry,
                keepAlive, connectTimeout, reconnectBackoffMin, reconnectBackoffMax, max);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "MqttSourceSettings[brokerUri=" + brokerUri + ", clientId=" + clientId + ", topicFilters=" + topicFilters
                + ", qos=" + qos + ", username=" + username + ", password=" + (password == null ? "none" : "****")
                + ", sessionExpiry=" + sessionExpiry + ", keepAlive=" + keepAlive + ", connectTimeout=" + connectTimeout
                + ", reconnectBackoff=" + reconnectBackoffMin + ".." + reconnectBackoffMax
                + ", receiveMaximum=" + receiveMaximum + "]";
    }

    private static void checkBrokerUri(String brokerUri) {
        URI uri;
        try {
            uri = new URI(brokerUri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("brokerUri '" + brokerUri + "': not a URI (" + e.getMessage() + ")", e);
        }
        String scheme = uri.getScheme();
        if (!"tcp".equals(scheme) && !"ssl".equals(scheme)) {
            throw new IllegalArgumentException("brokerUri '" + brokerUri + "': scheme must be tcp or ssl");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("brokerUri '" + brokerUri + "': no host (expected tcp://host:port)");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty()) {
            throw new IllegalArgumentException("brokerUri '" + brokerUri + "': must not have a path");
        }
    }

    private static void requirePositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": must be positive, got " + d);
        }
    }

    private static void requirePositiveOrZero(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + ": must not be negative, got " + d);
        }
    }
}
