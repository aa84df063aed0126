package dev.edgeagent.protocols.source.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.CollectingSink.Captured;
import dev.edgeagent.protocols.testing.MosquittoBroker;
import dev.edgeagent.protocols.testing.MqttTestPublisher;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Against a real Mosquitto 2.0 broker (see {@link MosquittoBroker}). */
class MqttSubscriberSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration FAST_MIN = Duration.ofMillis(50);
    private static final Duration FAST_MAX = Duration.ofMillis(400);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MosquittoBroker broker;
    private String testName;

    @BeforeEach
    void setUp(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void tenThousandMessagesOnThreeTopicsArriveByteForByteInOrderWithTopicKeys() {
        broker = track(MosquittoBroker.started());
        List<String> topics = List.of("fleet/v1/gnss", "fleet/v1/imu", "fleet/v2/can");
        CollectingSink sink = new CollectingSink();
        Running running = start(settings(topics.toArray(String[]::new)), sink);
        awaitConnected(running.source);

        int total = 10_000;
        int size = 120;
        long startWall = System.currentTimeMillis() * 1_000_000L;
        int[] perTopic = new int[topics.size()];
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            for (int i = 0; i < total; i++) {
                int t = i % topics.size();
                publisher.publish(topics.get(t), MqttTestPublisher.payload(topics.get(t), perTopic[t]++, size));
            }
            publisher.awaitAcked(WAIT);
        }

        List<Captured> got = sink.awaitSize(total, WAIT);
        running.close();
        assertEquals(total, got.size(), "exactly the published messages, no duplicates");
        Map<String, Long> nextSeq = new HashMap<>();
        long lastMono = Long.MIN_VALUE;
        for (Captured c : got) {
            String topic = c.keyString();
            assertTrue(topics.contains(topic), () -> "unexpected key " + topic);
            long seq = MqttTestPublisher.check(topic, c.payload(), size);
            long expected = nextSeq.getOrDefault(topic, 0L);
            assertEquals(expected, seq, "in order on " + topic);
            nextSeq.put(topic, expected + 1);
            assertEquals(RecordSink.NO_SENSOR_TIME, c.sensorTimeNs());
            assertTrue(c.receiveWallNs() >= startWall - 1_000_000_000L, "receive wall time is epoch ns");
            assertTrue(c.receiveMonoNs() >= lastMono, "monotonic receive time never goes back");
            lastMono = c.receiveMonoNs();
        }
        for (int t = 0; t < topics.size(); t++) {
            assertEquals(perTopic[t], nextSeq.get(topics.get(t)));
        }
        MqttSubscriberSource s = running.source;
        assertEquals(total, s.messagesReceived());
        assertEquals(total, s.messagesAppended());
        assertEquals(0, s.messagesRefused());
        assertEquals((long) total * size, s.payloadBytesAppended());
        assertFalse(sink.sawConcurrentWriters());
    }

    @Test
    void refusedMessagesAreNotAcknowledgedAndArriveOnceTheSinkAcceptsAgain() {
        broker = track(MosquittoBroker.started());
        CollectingSink sink = new CollectingSink();
        sink.refuse(true);
        Running running = start(settings("plant/line1/#"), sink);
        awaitConnected(running.source);
        MqttSubscriberSource s = running.source;

        int n = 300;
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            publisher.publishSequence("plant/line1/press", 0, n, 64);
            publisher.awaitAcked(WAIT);
        }
        // Each refusal closes the session and opens it again; three refusals mean the broker sent the first
        // message again at least twice, i.e. it was never acknowledged.
        await(() -> s.messagesRefused() >= 3 && s.reconnects() >= 2,
                () -> "refused " + s.messagesRefused() + ", reconnects " + s.reconnects());
        assertEquals(0, sink.size(), "nothing accepted while refusing");
        assertEquals(0, s.messagesAppended());
        assertTrue(s.messagesDeferred() > 0, "messages after a refusal are held back, not offered");
        assertTrue(s.messagesReceived() >= 3, "the refused message came again");
        assertNotNull(s.lastError());
        assertTrue(s.lastError().contains("refused"), s.lastError());

        sink.refuse(false);
        List<Captured> got = sink.awaitSize(n, WAIT);
        running.close();
        assertEquals(n, got.size(), "each message exactly once");
        for (int i = 0; i < n; i++) {
            assertEquals(i, MqttTestPublisher.check("plant/line1/press", got.get(i).payload(), 64), "in order");
        }
        assertEquals(n, s.messagesAppended());
    }

    @Test
    void refusedMessagesSurviveARestartOfTheSourceWithTheSameClientId() {
        broker = track(MosquittoBroker.started());
        CollectingSink refusing = new CollectingSink();
        refusing.refuse(true);
        MqttSourceSettings settings = settings("cam/front");
        Running first = start(settings, refusing);
        awaitConnected(first.source);
        int n = 200;
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            publisher.publishSequence("cam/front", 0, n, 1000);
            publisher.awaitAcked(WAIT);
        }
        await(() -> first.source.messagesReceived() >= n, () -> "received " + first.source.messagesReceived());
        first.close();
        assertEquals(0, refusing.size());

        // A new process with the same client id: the broker kept every unacknowledged message in the session.
        CollectingSink sink = new CollectingSink();
        Running second = start(settings, sink);
        List<Captured> got = sink.awaitSize(n, WAIT);
        second.close();
        assertEquals(n, got.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, MqttTestPublisher.check("cam/front", got.get(i).payload(), 1000));
        }
        assertTrue(second.source.sessionPresent(), "the broker still had the session");
    }

    @Test
    void brokerRestartMidStreamReconnectsByItselfAndLosesNothing() throws Exception {
        broker = track(MosquittoBroker.started());
        List<String> topics = List.of("v/1/a", "v/1/b", "v/1/c");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CollectingSink sink = new CollectingSink();
        sink.hook(call -> {
            if (call == 1000) { // a slow disk, while the broker goes down
                blocked.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        });
        Running running = start(settings("v/1/+"), sink);
        MqttSubscriberSource s = running.source;
        awaitConnected(s);

        int perTopic = 1000;
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            for (int seq = 0; seq < perTopic; seq++) {
                for (String topic : topics) {
                    publisher.publish(topic, MqttTestPublisher.payload(topic, seq, 200));
                }
            }
            publisher.awaitAcked(WAIT);
        }
        assertTrue(blocked.await(60, TimeUnit.SECONDS), "sink reached the blocking append");
        broker.restart();
        // Paho's receiver thread cannot see the closed socket while the callback is stuck in the sink (its
        // hand-over queue is full), so let the sink go on; the source then notices and reconnects by itself.
        release.countDown();
        await(() -> s.reconnects() >= 1 && s.connected(),
                () -> "reconnected; last error " + s.lastError() + "\nbroker log:\n" + broker.log());
        assertTrue(s.sessionPresent(), "the restarted broker restored the session from its database");

        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            for (int seq = perTopic; seq < 2 * perTopic; seq++) {
                for (String topic : topics) {
                    publisher.publish(topic, MqttTestPublisher.payload(topic, seq, 200));
                }
            }
            publisher.awaitAcked(WAIT);
        }

        int expected = topics.size() * 2 * perTopic;
        await(() -> distinct(sink.records()) >= expected,
                () -> "distinct " + distinct(sink.records()) + " of " + expected + "; broker log:\n" + broker.log());
        List<Captured> got = sink.records();
        running.close();
        // At least once: a message appended but not yet acknowledged when the broker went down comes again.
        Map<String, Long> next = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (Captured c : got) {
            String topic = c.keyString();
            long seq = MqttTestPublisher.check(topic, c.payload(), 200);
            if (!seen.add(topic + "#" + seq)) {
                duplicates++;
                continue;
            }
            long want = next.getOrDefault(topic, 0L);
            assertEquals(want, seq, "first deliveries in order on " + topic);
            next.put(topic, want + 1);
        }
        for (String topic : topics) {
            assertEquals(2L * perTopic, next.get(topic), "nothing lost on " + topic);
        }
        assertTrue(duplicates <= MqttSourceSettings.DEFAULT_RECEIVE_MAXIMUM, "duplicates " + duplicates);
        assertFalse(sink.sawConcurrentWriters(), "old and new connection never wrote to the sink at once");
    }

    @Test
    void unreachableBrokerNeverThrowsAndSaysWhyInOneLogLine() {
        CapturingHandler logs = CapturingHandler.install();
        try {
            MqttSourceSettings settings = MqttSourceSettings.of("tcp://127.0.0.1:1", "src-" + testName, "a/b")
                    .withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
            Running running = start(settings, new CollectingSink());
            MqttSubscriberSource s = running.source;
            await(() -> s.connectFailures() >= 5, () -> "failures " + s.connectFailures());
            running.close();

            assertFalse(s.connected());
            assertNotNull(s.lastError());
            assertTrue(s.lastError().startsWith("MQTT broker tcp://127.0.0.1:1 unreachable: "), s.lastError());
            assertTrue(s.lastError().contains("Connection refused"), s.lastError());
            List<String> warnings = logs.messages(Level.WARNING, "unreachable");
            assertEquals(1, warnings.size(), "repeated failures are logged at a slow rate: " + warnings);
            assertTrue(warnings.get(0).matches(
                    "MQTT broker tcp://127\\.0\\.0\\.1:1 unreachable: Connection refused; retrying in \\d+ ms"),
                    warnings.get(0));
        } finally {
            logs.uninstall();
        }
    }

    @Test
    void connectsByItselfWhenTheBrokerComesUpLater() {
        broker = track(new MosquittoBroker()); // port chosen, not started
        CollectingSink sink = new CollectingSink();
        Running running = start(settings("late/+"), sink);
        MqttSubscriberSource s = running.source;
        await(() -> s.connectFailures() >= 2, () -> "failures " + s.connectFailures());
        assertFalse(s.connected());
        assertTrue(s.lastError().contains(broker.uri()), s.lastError());

        broker.start();
        awaitConnected(s);
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            publisher.publishSequence("late/x", 0, 10, 32);
            publisher.awaitAcked(WAIT);
        }
        List<Captured> got = sink.awaitSize(10, WAIT);
        running.close();
        for (int i = 0; i < 10; i++) {
            assertEquals(i, MqttTestPublisher.check("late/x", got.get(i).payload(), 32));
        }
    }

    @Test
    void wildcardFiltersSelectTheTopicsAndKeysAreTheTopicsInUtf8() throws Exception {
        broker = track(MosquittoBroker.started());
        CollectingSink sink = new CollectingSink();
        Running running = start(settings("fleet/+/gnss", "cam/#", "ünï/😀/+"), sink);
        awaitConnected(running.source);

        List<String> matching = List.of("fleet/v1/gnss", "fleet/v2/gnss", "cam", "cam/front/jpeg", "ünï/😀/x");
        List<String> other = List.of("fleet/v1/imu", "fleet/v1/gnss/raw", "camera/x", "ünï/x/y");
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
            for (int seq = 0; seq < 5; seq++) {
                for (String topic : other) {
                    publisher.publish(topic, MqttTestPublisher.payload(topic, seq, 16));
                }
                for (String topic : matching) {
                    publisher.publish(topic, MqttTestPublisher.payload(topic, seq, 16));
                }
            }
            publisher.awaitAcked(WAIT);
        }
        sink.awaitSize(matching.size() * 5, WAIT);
        Thread.sleep(300); // anything that should not have come would be here by now
        List<Captured> got = sink.records();
        running.close();
        assertEquals(matching.size() * 5, got.size());
        Map<String, Integer> counts = new HashMap<>();
        for (Captured c : got) {
            String topic = c.keyString();
            assertArrayEquals(topic.getBytes(StandardCharsets.UTF_8), c.key());
            assertTrue(matching.contains(topic), () -> "not subscribed: " + topic);
            MqttTestPublisher.check(topic, c.payload(), 16);
            counts.merge(topic, 1, Integer::sum);
        }
        for (String topic : matching) {
            assertEquals(5, counts.get(topic), topic);
        }
    }

    @Test
    void utf8EncodingMatchesTheJdk() {
        String[] samples = {"", "a/b", "ünï/😀/x", "日本語/トピック", "\uD83D", "x\uDC00y", "\u07FF\u0800\uFFFF"};
        for (String sample : samples) {
            byte[] dst = new byte[sample.length() * 3];
            int n = MqttSubscriberSource.encodeUtf8(sample, dst);
            assertArrayEquals(sample.getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(dst, n), sample);
        }
    }

    @Test
    void settingsNameTheBadField() {
        assertMessage("brokerUri", () -> MqttSourceSettings.of("http://x:1", "id", "a"));
        assertMessage("clientId", () -> MqttSourceSettings.of("tcp://x:1", " ", "a"));
        assertMessage("topicFilters", () -> MqttSourceSettings.of("tcp://x:1", "id"));
        assertMessage("topicFilters[1]", () -> MqttSourceSettings.of("tcp://x:1", "id", "a", "a/#/b"));
        assertMessage("qos", () -> MqttSourceSettings.of("tcp://x:1", "id", "a").withQos(2));
        assertMessage("receiveMaximum", () -> MqttSourceSettings.of("tcp://x:1", "id", "a").withReceiveMaximum(0));
        assertMessage("reconnectBackoffMax", () -> MqttSourceSettings.of("tcp://x:1", "id", "a")
                .withReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertFalse(MqttSourceSettings.of("tcp://x:1", "id", "a").withCredentials("u", "secret").toString()
                .contains("secret"));
    }

    @Test
    void delaysReadNaturally() {
        assertEquals("250 ms", MqttSubscriberSource.formatDelay(TimeUnit.MILLISECONDS.toNanos(250)));
        assertEquals("2 s", MqttSubscriberSource.formatDelay(TimeUnit.MILLISECONDS.toNanos(2000)));
        assertEquals("1.5 s", MqttSubscriberSource.formatDelay(TimeUnit.MILLISECONDS.toNanos(1500)));
    }

    // ---------------------------------------------------------------- helpers

    private MqttSourceSettings settings(String... filters) {
        return MqttSourceSettings.of(broker.uri(), "src-" + testName, filters).withReconnectBackoff(FAST_MIN, FAST_MAX);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private Running start(MqttSourceSettings settings, RecordSink sink) {
        return track(new Running(new MqttSubscriberSource(settings, sink, SystemEpochNanoClock.INSTANCE)));
    }

    private static void awaitConnected(MqttSubscriberSource source) {
        await(source::connected, () -> "not connected; last error " + source.lastError());
    }

    private static int distinct(List<Captured> records) {
        Set<String> seen = new HashSet<>();
        for (Captured c : records) {
            seen.add(c.keyString() + "#" + MqttTestPublisher.sequence(c.payload()));
        }
        return seen.size();
    }

    private static void await(BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out: " + detail.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void assertMessage(String field, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().startsWith(field) || e.getMessage().contains(field + " "),
                () -> "message should name " + field + ": " + e.getMessage());
    }

    /** Runs a source on its own thread the way the agent does, and fails the test if doWork ever threw. */
    private static final class Running implements AutoCloseable {
        final MqttSubscriberSource source;
        final AgentRunner runner;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        boolean closed;

        Running(MqttSubscriberSource source) {
            this.source = source;
            this.runner = new AgentRunner(new SleepingMillisIdleStrategy(1), errors::add, null, source);
            AgentRunner.startOnThread(runner);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            runner.close();
            assertTrue(errors.isEmpty(), () -> "doWork threw: " + errors);
        }
    }

    /** Captures what the source logs through System.Logger (backed by java.util.logging here). */
    private static final class CapturingHandler extends Handler {
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final Logger logger = Logger.getLogger(MqttSubscriberSource.class.getName());

        static CapturingHandler install() {
            CapturingHandler h = new CapturingHandler();
            h.logger.addHandler(h);
            return h;
        }

        void uninstall() {
            logger.removeHandler(this);
        }

        List<String> messages(Level level, String containing) {
            List<String> out = new ArrayList<>();
            for (LogRecord r : records) {
                String text = r.getParameters() == null || r.getParameters().length == 0 ? r.getMessage()
                        : java.text.MessageFormat.format(r.getMessage(), r.getParameters());
                if (r.getLevel().equals(level) && text.contains(containing)) {
                    out.add(text);
                }
            }
            return out;
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
