package dev.edgeagent.protocols.testing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Publishes test messages with Paho MQTT v5 at QoS 1 and waits for their PUBACKs.
 *
 * <p>Paho v5 throws "Too many publishes in progress" once the broker's receive maximum is reached, so publishes
 * go through a window (a semaphore released on each PUBACK) no larger than what the broker allows. Payloads made by
 * {@link #payload} carry their sequence and a pattern that {@link #check} verifies byte for byte.
 */
public final class MqttTestPublisher implements AutoCloseable {

    public static final int DEFAULT_MAX_INFLIGHT = 1000;
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long WINDOW_WAIT_MS = 30_000;

    private final MqttAsyncClient client;
    private final Semaphore window;
    private final int windowSize;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final MqttActionListener onAck = new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            acked.incrementAndGet();
            window.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            firstFailure.compareAndSet(null, exception);
            failed.incrementAndGet();
            window.release();
        }
    };

    private MqttTestPublisher(MqttAsyncClient client, int windowSize) {
        this.client = client;
        this.windowSize = windowSize;
        this.window = new Semaphore(windowSize);
    }

    /** Connects a publisher with a random client id and a window of {@value #DEFAULT_MAX_INFLIGHT}. */
    public static MqttTestPublisher connect(String brokerUri) {
        return connect(brokerUri, "test-pub-" + UUID.randomUUID(), DEFAULT_MAX_INFLIGHT);
    }

    /**
     * @param maxInflight most unacknowledged publishes; lowered to the broker's receive maximum if that is smaller
     */
    public static MqttTestPublisher connect(String brokerUri, String clientId, int maxInflight) {
        try {
            MqttAsyncClient client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setConnectionTimeout(10);
            options.setKeepAliveInterval(30);
            options.setAutomaticReconnect(false);
            IMqttToken token = client.connect(options);
            token.waitForCompletion(CONNECT_TIMEOUT_MS);
            Integer brokerMax = token.getResponseProperties() == null ? null
                    : token.getResponseProperties().getReceiveMaximum();
            int size = brokerMax == null ? maxInflight : Math.min(maxInflight, brokerMax);
            return new MqttTestPublisher(client, Math.max(1, size));
        } catch (MqttException e) {
            throw new IllegalStateException("test publisher cannot connect to " + brokerUri + ": " + e, e);
        }
    }

    /** The window actually used (the smaller of the asked one and the broker's receive maximum). */
    public int windowSize() {
        return windowSize;
    }

    /** Publishes at QoS 1; blocks only while the window is full. */
    public void publish(String topic, byte[] payload) {
        publish(topic, payload, 1, false);
    }

    public void publish(String topic, byte[] payload, int qos, boolean retained) {
        try {
            if (!window.tryAcquire(WINDOW_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("no PUBACK for " + WINDOW_WAIT_MS + " ms: " + status());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        while (true) {
            try {
                client.publish(topic, payload, qos, retained, null, onAck);
                published.incrementAndGet();
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    window.release();
                    throw new IllegalStateException("publish to '" + topic + "' failed: " + e, e);
                }
                // the broker's window is smaller than ours after all: wait for a PUBACK
                Thread.onSpinWait();
            }
        }
    }

    /** Publishes {@code count} messages {@link #payload}(topic, seq, size) for seq = first, first+1, ... */
    public void publishSequence(String topic, long first, int count, int size) {
        for (int i = 0; i < count; i++) {
            publish(topic, payload(topic, first + i, size));
        }
    }

    /**
     * Publishes {@code perTopic} messages on each topic, interleaved round-robin, sequences 0..perTopic-1 per topic,
     * and waits for every PUBACK.
     */
    public void publishAll(List<String> topics, int perTopic, int size, Duration timeout) {
        for (int seq = 0; seq < perTopic; seq++) {
            for (String topic : topics) {
                publish(topic, payload(topic, seq, size));
            }
        }
        awaitAcked(timeout);
    }

    /** Waits until every publish so far was acknowledged; fails if any failed or the time runs out. */
    public void awaitAcked(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.get() + failed.get() < published.get()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("PUBACKs still missing after " + timeout + ": " + status());
            }
            sleep(2);
        }
        if (failed.get() > 0) {
            throw new AssertionError("publishes failed: " + status(), firstFailure.get());
        }
    }

    public long published() {
        return published.get();
    }

    public long acked() {
        return acked.get();
    }

    private String status() {
        return "published " + published.get() + ", acked " + acked.get() + ", failed " + failed.get()
                + (firstFailure.get() != null ? ", first failure " + firstFailure.get() : "");
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(5000);
            }
        } catch (MqttException e) {
            // broker gone: nothing to do
        }
        try {
            client.close();
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 500, false);
                client.close(true);
            } catch (MqttException ignored) {
                // best effort in tests
            }
        }
    }

    // ---------------------------------------------------------------- payloads the test can check

    /** Bytes 0..7: the sequence (little-endian); then a pattern of topic, sequence and position. {@code size >= 8}. */
    public static byte[] payload(String topic, long sequence, int size) {
        if (size < 8) {
            throw new IllegalArgumentException("size: at least 8 bytes, got " + size);
        }
        byte[] p = new byte[size];
        for (int i = 0; i < 8; i++) {
            p[i] = (byte) (sequence >>> (8 * i));
        }
        int h = topic.hashCode();
        for (int i = 8; i < size; i++) {
            p[i] = patternByte(h, sequence, i);
        }
        return p;
    }

    /** The sequence a {@link #payload} carries. */
    public static long sequence(byte[] payload) {
        long seq = 0;
        for (int i = 7; i >= 0; i--) {
            seq = (seq << 8) | (payload[i] & 0xFF);
        }
        return seq;
    }

    /**
     * Checks every byte of a {@link #payload} for {@code topic} and returns its sequence.
     *
     * @throws AssertionError naming the topic, sequence and first wrong offset
     */
    public static long check(String topic, byte[] payload, int expectedSize) {
        if (payload.length != expectedSize) {
            throw new AssertionError("payload on '" + topic + "': " + payload.length + " bytes, expected " + expectedSize);
        }
        long seq = sequence(payload);
        int h = topic.hashCode();
        for (int i = 8; i < payload.length; i++) {
            if (payload[i] != patternByte(h, seq, i)) {
                throw new AssertionError("payload " + seq + " on '" + topic + "': byte " + i + " is "
                        + (payload[i] & 0xFF) + ", expected " + (patternByte(h, seq, i) & 0xFF));
            }
        }
        return seq;
    }

    private static byte patternByte(int topicHash, long sequence, int index) {
        return (byte) (topicHash + sequence * 131 + index * 7 + (index >>> 8));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
