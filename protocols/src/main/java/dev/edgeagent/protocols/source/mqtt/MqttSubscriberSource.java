package dev.edgeagent.protocols.source.mqtt;

import java.lang.System.Logger.Level;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.Source;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;

/**
 * Subscribes to an MQTT 5 broker (Eclipse Paho {@link MqttAsyncClient}) and appends every message to a
 * {@link RecordSink}: key = topic (UTF-8), payload byte for byte, no sensor time, receive times taken on arrival.
 *
 * <h2>Acknowledgement</h2>
 * Paho runs with manual acknowledgements: the PUBACK of a QoS 1 message goes back only after
 * {@code sink.append} returned true, i.e. once the record is durable in its queue. When the sink refuses a record,
 * nothing from then on is acknowledged on that connection (MQTT requires acknowledgements in arrival order), the
 * session is closed with a normal DISCONNECT and opened again after a backoff: an MQTT 5 broker sends unacknowledged
 * messages of a persistent session again only on a new connection, so this is how the refused message comes back.
 * Delivery is at least once: a message whose acknowledgement was lost in a disconnect arrives again.
 *
 * <h2>Threads</h2>
 * {@link #doWork()} (the agent thread) only manages the connection and never blocks or throws. Messages are
 * appended on Paho's callback thread, which is the sink's single writer. Every connection gets its own Paho client,
 * and a new one is started only after the old one's callback thread has left the sink ({@link Link#gate}), so two
 * Paho threads never write to the sink at once and a stale callback can never acknowledge on a new connection.
 * Status and counters are readable from any thread without locks.
 *
 * <h2>What the broker must be set to (Mosquitto 2.0)</h2>
 * <ul>
 *   <li>{@code max_queued_messages}: large and finite (the default 1000 silently drops QoS 1 messages for a
 *       subscriber that falls behind or is offline; 0, "unlimited", is broken in 2.0.11).</li>
 *   <li>{@code persistence true}: otherwise a broker restart loses the session and what it held.</li>
 *   <li>{@code max_inflight_messages}: the broker-side window (default 20); the client's
 *       {@link MqttSourceSettings#receiveMaximum()} caps it further.</li>
 *   <li>{@code persistent_client_expiration} (if set) longer than the longest time the agent may be down.</li>
 * </ul>
 * The harness in the protocols test-jar ({@code dev.edgeagent.protocols.testing.MosquittoBroker}) uses such a config.
 */
public final class MqttSubscriberSource implements Source {

    private static final System.Logger LOG = System.getLogger(MqttSubscriberSource.class.getName());

    /** Repeated failures of one kind are logged at most this often. */
    static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(60);
    /** A teardown that Paho does not finish within this is abandoned (the old client is retired anyway). */
    private static final long TEARDOWN_GIVE_UP_NS = TimeUnit.SECONDS.toNanos(10);
    /** Slack on top of the connect timeout before a CONNECT/SUBSCRIBE without answer is given up. */
    private static final long ANSWER_SLACK_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long CLOSE_WAIT_MS = 3_000;

    private enum State { WAITING, CONNECTING, SUBSCRIBING, CONNECTED, TEARING_DOWN, CLOSED }

    private final MqttSourceSettings settings;
    private final RecordSink sink;
    private final EpochNanoClock wallClock;
    private final MqttConnectionOptions connectionOptions;
    private final String roleName;
    /** Runs the blocking parts of a teardown; its one thread exists only while there is such work. */
    private final ThreadPoolExecutor helper;

    // Written by the Paho callback thread (one at a time, see Link.gate); reused for every message.
    private byte[] keyBytes = new byte[128];
    private final UnsafeBuffer keyBuffer = new UnsafeBuffer(keyBytes);
    private final UnsafeBuffer payloadBuffer = new UnsafeBuffer(new byte[0]);

    // Counters: each has one writer at a time; lazySet keeps the hot path free of full fences.
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong payloadBytes = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();

    private volatile boolean connected;
    private volatile boolean sessionPresent;
    private volatile String lastError;

    // Agent-thread state.
    private State state = State.WAITING;
    private long stateSinceNs;
    private long nextAttemptNs;
    private Link link;
    private boolean everConnected;
    private boolean announceConnect;
    private int failedAttempts;
    private int refusalCycles;
    private long lastFailureReportNs;
    private long failuresSinceReport;
    private long lastRefusalReportNs;
    private long refusalsSinceReport;
    private long refusedAtLastReport;
    private long teardownSinceNs;

    /**
     * @param settings  broker, session and subscription settings
     * @param sink      where records go; written only from Paho's callback thread
     * @param wallClock wall clock for the receive time ({@code new OffsetEpochNanoClock()} in production)
     */
    public MqttSubscriberSource(MqttSourceSettings settings, RecordSink sink, EpochNanoClock wallClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.connectionOptions = connectionOptions(settings);
        this.roleName = "mqtt-source:" + settings.clientId();
        this.nextAttemptNs = System.nanoTime();
        this.helper = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "mqtt-teardown:" + settings.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String roleName() {
        return roleName;
    }

    public MqttSourceSettings settings() {
        return settings;
    }

    /** True while a session is open and subscribed. */
    public boolean connected() {
        return connected;
    }

    /** Whether the broker still had this client's session at the last connect. */
    public boolean sessionPresent() {
        return sessionPresent;
    }

    /**
     * The last problem, as one readable sentence naming the broker, e.g. "MQTT broker tcp://127.0.0.1:1 unreachable:
     * Connection refused"; null if there never was one. It is kept after the problem is solved: see
     * {@link #connected()} for the current state.
     */
    public String lastError() {
        return lastError;
    }

    /** Messages handed over by Paho, including ones sent again by the broker. */
    public long messagesReceived() {
        return received.get();
    }

    /** Messages the sink accepted (and that were then acknowledged). */
    public long messagesAppended() {
        return appended.get();
    }

    /** Appends the sink refused; each refused message is left unacknowledged and comes again later. */
    public long messagesRefused() {
        return refused.get();
    }

    /**
     * Messages that arrived after a refusal on the same connection and were left unacknowledged without being
     * offered to the sink (to keep order); the broker sends them again after the reconnect.
     */
    public long messagesDeferred() {
        return deferred.get();
    }

    /** Payload bytes of the appended messages. */
    public long payloadBytesAppended() {
        return payloadBytes.get();
    }

    /** Successful connections after the first one (after a lost connection or a refusal). */
    public long reconnects() {
        return reconnects.get();
    }

    /** Connection attempts that failed (broker unreachable, CONNECT refused, no answer). */
    public long connectFailures() {
        return connectFailures.get();
    }

    @Override
    public int doWork() {
        try {
            final long now = System.nanoTime();
            switch (state) {
                case WAITING:
                    return now - nextAttemptNs >= 0 ? startConnect(now) : 0;
                case CONNECTING:
                    return pollConnect(now);
                case SUBSCRIBING:
                    return pollSubscribe(now);
                case CONNECTED:
                    return pollConnected(now);
                case TEARING_DOWN:
                    return pollTeardown(now);
                default:
                    return 0;
            }
        } catch (RuntimeException e) {
            // Paho bugs or misuse must not stop the agent: start over with a fresh client.
            recordError("MQTT source for " + settings.brokerUri() + " failed unexpectedly: " + describe(e));
            LOG.log(Level.ERROR, lastError, e);
            connected = false;
            long now = System.nanoTime();
            if (state == State.CLOSED) {
                return 0;
            }
            if (link == null) {
                state = State.WAITING;
                nextAttemptNs = now + backoffNs(failedAttempts++);
            } else if (state != State.TEARING_DOWN) {
                beginTeardown(now, backoffNs(failedAttempts++));
            } else {
                link = null; // teardown itself failed: abandon the old client (it is retired)
                state = State.WAITING;
            }
            return 1;
        }
    }

    @Override
    public void onClose() {
        state = State.CLOSED;
        connected = false;
        Link l = link;
        link = null;
        if (l == null) {
            return;
        }
        l.retiring = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (!l.tryRetire() && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
            sleepQuietly(1);
        }
        l.shutDown();
        helper.shutdown();
    }

    // ---------------------------------------------------------------- connection state machine (agent thread)

    private int startConnect(long now) {
        final Link l;
        try {
            PahoLogger.install();
            l = new Link(new MqttAsyncClient(settings.brokerUri(), settings.clientId(), new MemoryPersistence()));
        } catch (MqttException | RuntimeException e) {
            // Settings were validated, so this is unexpected; keep trying at the slow pace.
            failAttempt(now, e);
            return 1;
        }
        link = l;
        state = State.CONNECTING;
        stateSinceNs = now;
        try {
            l.client.setCallback(l);
            l.client.setManualAcks(true);
            l.client.connect(connectionOptions, null, l.connectOutcome);
        } catch (MqttException | RuntimeException e) {
            failAttempt(now, e);
        }
        return 1;
    }

    private int pollConnect(long now) {
        Link l = link;
        Outcome connect = l.connectOutcome;
        int outcome = connect.state;
        if (outcome == Outcome.FAILED) {
            failAttempt(now, connect.failure);
            return 1;
        }
        if (outcome == Outcome.SUCCEEDED) {
            sessionPresent = connect.token.getSessionPresent();
            try {
                // Always subscribe: this restores subscriptions a broker forgot, and picks up changed filters.
                // Retain handling 1: retained messages only when the subscription is new, not on every reconnect.
                List<String> filters = settings.topicFilters();
                MqttSubscription[] subscriptions = new MqttSubscription[filters.size()];
                for (int i = 0; i < subscriptions.length; i++) {
                    subscriptions[i] = new MqttSubscription(filters.get(i), settings.qos());
                    subscriptions[i].setRetainHandling(1);
                }
                l.client.subscribe(subscriptions, null, l.subscribeOutcome, new MqttProperties());
            } catch (MqttException | RuntimeException ex) {
                failAttempt(now, ex);
                return 1;
            }
            state = State.SUBSCRIBING;
            stateSinceNs = now;
            return 1;
        }
        if (l.lost) {
            failAttempt(now, l.lostCause());
            return 1;
        }
        if (now - stateSinceNs > answerTimeoutNs()) {
            failAttempt(now, new TimeoutException("no CONNACK within " + formatDelay(answerTimeoutNs())));
            return 1;
        }
        return 0;
    }

    private int pollSubscribe(long now) {
        Link l = link;
        Outcome subscribe = l.subscribeOutcome;
        int outcome = subscribe.state;
        if (outcome == Outcome.FAILED) {
            failAttempt(now, subscribe.failure);
            return 1;
        }
        if (outcome == Outcome.SUCCEEDED) {
            checkGrants(subscribe.token.getReasonCodes());
            onConnected(now);
            return 1;
        }
        if (l.lost) {
            failAttempt(now, l.lostCause());
            return 1;
        }
        if (now - stateSinceNs > answerTimeoutNs()) {
            failAttempt(now, new TimeoutException("no SUBACK within " + formatDelay(answerTimeoutNs())));
            return 1;
        }
        return 0;
    }

    private void onConnected(long now) {
        state = State.CONNECTED;
        stateSinceNs = now;
        connected = true;
        if (everConnected) {
            reconnects.lazySet(reconnects.get() + 1);
        }
        if (failedAttempts > 0 || !everConnected || announceConnect) {
            LOG.log(Level.INFO, "MQTT broker {0} connected as {1} (session present: {2}{3}), subscribed to {4}",
                    settings.brokerUri(), settings.clientId(), sessionPresent,
                    failedAttempts > 0 ? ", after " + failedAttempts + " failed attempts" : "",
                    settings.topicFilters());
        }
        announceConnect = false;
        everConnected = true;
        failedAttempts = 0;
        failuresSinceReport = 0;
    }

    private int pollConnected(long now) {
        Link l = link;
        if (l.lost) {
            connected = false;
            long delay = backoffNs(0);
            recordError("MQTT connection to " + settings.brokerUri() + " lost: " + describe(l.lostCause()));
            LOG.log(Level.WARNING, lastError + "; reconnecting in " + formatDelay(delay));
            announceConnect = true;
            beginTeardown(now, delay);
            return 1;
        }
        if (l.refusing) {
            connected = false;
            if (l.appendedAny) {
                refusalCycles = 0; // the sink took records before refusing: start the backoff over
            }
            long delay = backoffNs(refusalCycles++);
            reportRefusal(now, l.refusedTopic, delay);
            beginTeardown(now, delay);
            return 1;
        }
        if (l.appendedAny) {
            refusalCycles = 0;
        }
        return 0;
    }

    private void beginTeardown(long now, long delayNs) {
        Link l = link;
        l.retiring = true; // from here on the callback leaves messages unacknowledged; the broker sends them again
        state = State.TEARING_DOWN;
        teardownSinceNs = now;
        nextAttemptNs = now + delayNs;
    }

    private int pollTeardown(long now) {
        Link l = link;
        boolean givingUp = now - teardownSinceNs > TEARDOWN_GIVE_UP_NS;
        if (!l.tryRetire()) {
            if (!givingUp) {
                return 0; // the callback thread is still inside sink.append
            }
            if (!l.stuckReported) {
                l.stuckReported = true;
                LOG.log(Level.WARNING, "MQTT callback for {0} has been inside RecordSink.append for more than {1};"
                        + " waiting for it before reconnecting", settings.brokerUri(), formatDelay(TEARDOWN_GIVE_UP_NS));
            }
            return 0; // never let two threads write to the sink
        }
        if (!l.shutdownSubmitted) {
            // Paho's disconnect sleeps 100 ms in the caller and its close may wait for threads: not on this thread.
            l.shutdownSubmitted = true;
            l.shutdownSinceNs = now;
            try {
                helper.execute(l::shutDown);
            } catch (RuntimeException e) {
                l.shutDown(); // helper refused (cannot happen before close): do it here rather than leak
            }
        }
        if (!l.shutDown && now - l.shutdownSinceNs < TEARDOWN_GIVE_UP_NS) {
            return 0;
        }
        link = null;
        state = State.WAITING;
        stateSinceNs = now;
        return 1;
    }

    private void failAttempt(long now, Throwable cause) {
        connected = false;
        connectFailures.lazySet(connectFailures.get() + 1);
        long delay = backoffNs(failedAttempts++);
        String reason = describe(cause);
        recordError("MQTT broker " + settings.brokerUri()
                + (isRejection(cause) ? " refused the connection: " : " unreachable: ") + reason);
        if (failuresSinceReport == 0 || now - lastFailureReportNs >= REPORT_INTERVAL_NS) {
            String earlier = failuresSinceReport > 1
                    ? " (" + (failuresSinceReport - 1) + " more failed attempts since the last report)" : "";
            LOG.log(Level.WARNING, lastError + "; retrying in " + formatDelay(delay) + earlier);
            lastFailureReportNs = now;
            failuresSinceReport = 1;
        } else {
            failuresSinceReport++;
        }
        if (link != null) {
            beginTeardown(now, delay);
        } else {
            state = State.WAITING;
            nextAttemptNs = now + delay;
        }
    }

    private void reportRefusal(long now, String topic, long delay) {
        long total = refused.get();
        recordError("MQTT sink refused a message on topic '" + topic + "' from " + settings.brokerUri()
                + ": left unacknowledged");
        if (refusalsSinceReport == 0 || now - lastRefusalReportNs >= REPORT_INTERVAL_NS) {
            LOG.log(Level.WARNING, lastError + "; reconnecting in " + formatDelay(delay)
                    + " so that the broker sends it again (" + (total - refusedAtLastReport)
                    + " refusals since the last report)");
            lastRefusalReportNs = now;
            refusedAtLastReport = total;
            refusalsSinceReport = 1;
        } else {
            refusalsSinceReport++;
        }
    }

    private void checkGrants(int[] reasonCodes) {
        List<String> filters = settings.topicFilters();
        for (int i = 0; reasonCodes != null && i < reasonCodes.length && i < filters.size(); i++) {
            int code = reasonCodes[i];
            if (code >= 0x80) {
                recordError("MQTT broker " + settings.brokerUri() + " refused the subscription to '" + filters.get(i)
                        + "': reason code 0x" + Integer.toHexString(code));
                LOG.log(Level.ERROR, lastError);
            } else if (code < settings.qos()) {
                LOG.log(Level.WARNING, "MQTT broker {0} granted QoS {1} instead of {2} for ''{3}'': messages on it are"
                        + " not sent again if lost", settings.brokerUri(), code, settings.qos(), filters.get(i));
            }
        }
    }

    private void recordError(String message) {
        lastError = message;
    }

    private long answerTimeoutNs() {
        return settings.connectTimeout().toNanos() + ANSWER_SLACK_NS;
    }

    /** Exponential backoff with jitter: a delay drawn from [d/2, d], d = min · 2^attempt capped at max. */
    private long backoffNs(int attempt) {
        long min = settings.reconnectBackoffMin().toNanos();
        long max = settings.reconnectBackoffMax().toNanos();
        long d = min;
        for (int i = 0; i < attempt && d < max; i++) {
            d = d > max / 2 ? max : d * 2;
        }
        d = Math.min(d, max);
        long half = d / 2;
        return half + ThreadLocalRandom.current().nextLong(d - half + 1);
    }

    // ---------------------------------------------------------------- one connection

    /** Gate states: the callback takes ACTIVE to BUSY around each message; teardown takes ACTIVE to RETIRED. */
    private static final int ACTIVE = 0;
    private static final int BUSY = 1;
    private static final int RETIRED = 2;

    /** One Paho client and its callback; used for exactly one connection attempt. */
    private final class Link implements MqttCallback {
        final MqttAsyncClient client;
        final AtomicInteger gate = new AtomicInteger(ACTIVE);
        final Outcome connectOutcome = new Outcome();
        final Outcome subscribeOutcome = new Outcome();
        boolean shutdownSubmitted;
        long shutdownSinceNs;
        boolean stuckReported;
        volatile boolean shutDown;

        volatile boolean retiring;
        volatile boolean lost;
        volatile Throwable lostCause;
        volatile String lostReason;
        volatile boolean refusing;
        volatile String refusedTopic;
        volatile boolean appendedAny;

        Link(MqttAsyncClient client) {
            this.client = client;
        }

        /** Sends DISCONNECT (the session stays: its expiry was set at connect) and closes the client. Blocks. */
        void shutDown() {
            try {
                if (client.isConnected()) {
                    client.disconnect(0, null, null, MqttReturnCode.RETURN_CODE_SUCCESS, new MqttProperties())
                            .waitForCompletion(CLOSE_WAIT_MS);
                }
            } catch (MqttException | RuntimeException e) {
                // already going down; close below
            }
            try {
                client.close();
            } catch (MqttException | RuntimeException e) {
                try {
                    client.disconnectForcibly(0, 500, false);
                    client.close(true);
                } catch (MqttException | RuntimeException e2) {
                    LOG.log(Level.DEBUG, "MQTT client for {0} did not close: {1}", settings.brokerUri(), describe(e2));
                }
            }
            shutDown = true;
        }

        boolean tryRetire() {
            return gate.get() == RETIRED || gate.compareAndSet(ACTIVE, RETIRED);
        }

        Throwable lostCause() {
            Throwable cause = lostCause;
            if (cause != null) {
                return cause;
            }
            String reason = lostReason;
            return new IllegalStateException(reason == null ? "connection lost" : reason);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (retiring || !gate.compareAndSet(ACTIVE, BUSY)) {
                return; // not acknowledged: the broker sends it again on the next connection
            }
            try {
                received.lazySet(received.get() + 1);
                if (refusing) {
                    deferred.lazySet(deferred.get() + 1);
                    return;
                }
                final long wallNs = wallClock.nanoTime();
                final long monoNs = System.nanoTime();
                final int keyLength = encodeTopic(topic);
                final byte[] payload = message.getPayload();
                payloadBuffer.wrap(payload);
                boolean accepted;
                try {
                    // durable (flushed) before the PUBACK below, never after
                    accepted = sink.append(RecordSink.NO_SENSOR_TIME, wallNs, monoNs,
                            keyBuffer, 0, keyLength, payloadBuffer, 0, payload.length) && sink.flush();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "RecordSink.append threw for MQTT topic '" + topic + "'; treated as a refusal", e);
                    accepted = false;
                }
                if (!accepted) {
                    refused.lazySet(refused.get() + 1);
                    refusedTopic = topic;
                    refusing = true; // doWork reconnects so that the broker sends it again
                    return;
                }
                appended.lazySet(appended.get() + 1);
                payloadBytes.lazySet(payloadBytes.get() + payload.length);
                if (!appendedAny) {
                    appendedAny = true;
                }
                if (message.getQos() > 0) {
                    try {
                        client.messageArrivedComplete(message.getId(), message.getQos());
                    } catch (MqttException | RuntimeException e) {
                        // connection going down: the broker sends it again, the record is then a duplicate
                    }
                }
            } finally {
                gate.lazySet(ACTIVE);
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (response != null) {
                lostCause = response.getException();
                if (response.getException() == null) {
                    lostReason = "broker sent DISCONNECT, reason code 0x" + Integer.toHexString(response.getReturnCode())
                            + (response.getReasonString() != null ? " (" + response.getReasonString() + ")" : "");
                }
            }
            lost = true;
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.log(Level.WARNING, "MQTT error from " + settings.brokerUri() + ": " + describe(exception));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // this source never publishes
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // tracked through the connect token in doWork
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }

    /**
     * The result of an asynchronous Paho action, read by doWork. Paho's tokens are not enough: on a refused TCP
     * connect (Paho 1.2.5) the connect token gets its exception but never reports {@code isComplete()}, while the
     * listener is called at once.
     */
    private static final class Outcome implements MqttActionListener {
        static final int PENDING = 0;
        static final int SUCCEEDED = 1;
        static final int FAILED = 2;

        volatile IMqttToken token;
        volatile Throwable failure;
        volatile int state = PENDING;

        @Override
        public void onSuccess(IMqttToken asyncActionToken) {
            token = asyncActionToken;
            state = SUCCEEDED;
        }

        @Override
        public void onFailure(IMqttToken asyncActionToken, Throwable exception) {
            token = asyncActionToken;
            failure = exception != null ? exception : asyncActionToken.getException();
            state = FAILED;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** UTF-8 encodes the topic into the reused key buffer, growing it only for a longer topic than ever seen. */
    private int encodeTopic(String topic) {
        int worst = topic.length() * 3;
        if (keyBytes.length < worst) {
            keyBytes = new byte[Math.max(worst, keyBytes.length * 2)];
            keyBuffer.wrap(keyBytes);
        }
        return encodeUtf8(topic, keyBytes);
    }

    /**
     * Encodes like {@code s.getBytes(UTF_8)} (a lone surrogate becomes '?') without allocating.
     * {@code dst} must hold {@code 3 * s.length()} bytes.
     */
    static int encodeUtf8(String s, byte[] dst) {
        int p = 0;
        final int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | (c >> 6));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    dst[p++] = (byte) (0xF0 | (cp >> 18));
                    dst[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    dst[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    dst[p++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    dst[p++] = '?';
                }
            } else {
                dst[p++] = (byte) (0xE0 | (c >> 12));
                dst[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    private static MqttConnectionOptions connectionOptions(MqttSourceSettings s) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false); // persistent session: the broker keeps what we have not acknowledged
        o.setSessionExpiryInterval(s.sessionExpiry().toSeconds());
        o.setKeepAliveInterval((int) s.keepAlive().toSeconds());
        o.setConnectionTimeout((int) Math.max(1, (s.connectTimeout().toMillis() + 999) / 1000));
        // Reconnects are ours: Paho's only start after a first successful connect, and each connection needs a
        // fresh client so that a late callback of an old one can never acknowledge on the new one.
        o.setAutomaticReconnect(false);
        o.setReceiveMaximum(s.receiveMaximum());
        if (s.username() != null) {
            o.setUserName(s.username());
        }
        if (s.password() != null) {
            o.setPassword(s.password().getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    /** The innermost cause as a short sentence: "Connection refused", "Not authorized (reason code 135)". */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        } else if (root instanceof UnknownHostException) {
            message = "unknown host " + message;
        }
        if (root instanceof MqttException me) {
            message = message + " (reason code " + me.getReasonCode() + ")";
        }
        return message;
    }

    /** True when the broker answered and said no (CONNACK with an error code), as opposed to not answering. */
    private static boolean isRejection(Throwable t) {
        return t instanceof MqttException me && me.getCause() == null && me.getReasonCode() >= 0x80
                && me.getReasonCode() <= 0xFF;
    }

    /** "250 ms", "2 s", "1.5 s". */
    static String formatDelay(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (ms < 1000) {
            return ms + " ms";
        }
        long tenths = (ms + 50) / 100;
        return tenths % 10 == 0 ? (tenths / 10) + " s" : (tenths / 10) + "." + (tenths % 10) + " s";
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
