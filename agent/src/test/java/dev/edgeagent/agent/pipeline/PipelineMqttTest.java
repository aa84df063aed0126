package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.testing.UploadedBatches;
import dev.edgeagent.protocols.testing.MosquittoBroker;
import dev.edgeagent.protocols.testing.MqttTestPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Acceptance: MQTT QoS 1 messages through a real Mosquitto all arrive in the uploaded batches. */
class PipelineMqttTest {

    @TempDir
    Path dir;

    @Test
    void tenThousandQos1MessagesArriveByteForByteInOrderPerTopic() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.started()) {
            LoadedConfig config = AgentConfigLoader.parse("mqtt-test.yaml", """
                    agent:
                      device-id: robot-1
                      data-dir: %s/data
                      mqtt:
                        uri: %s
                      streams:
                        - id: telemetry
                          modality: telemetry
                          tags: [fleet]
                          source:
                            type: mqtt
                            topics: ["fleet/+/telemetry"]
                      batching:
                        max-duration: 1s
                        max-bytes: 256K
                      upload:
                        target: file:%s/upload
                    """.formatted(dir, broker.uri(), dir), Map.of());
            List<String> topics = List.of("fleet/a/telemetry", "fleet/b/telemetry", "fleet/c/telemetry");
            try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
                pipeline.start();
                Pipeline.StreamRuntime stream = pipeline.streams().get(0);
                waitUntil(() -> "connected".equals(stream.source().state().get()), "source connected");
                try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
                    publisher.publishAll(topics, 3334, 120, Duration.ofSeconds(60));
                }
                waitUntil(() -> stream.stats().records() >= 10_002, "all messages captured");
                assertNull(pipeline.sealAndUpload(Duration.ofSeconds(30)));
                assertEquals(10_002, stream.stats().records());
            }
            UploadedBatches uploaded = UploadedBatches.read(dir.resolve("upload"));
            List<UploadedBatches.Message> messages = uploaded.stream("telemetry");
            assertEquals(10_002, messages.size());
            assertTrue(uploaded.manifests.size() > 3, "cut into several batches: " + uploaded.manifests.size());
            Map<String, Long> nextPerTopic = new HashMap<>();
            for (UploadedBatches.Message m : messages) {
                assertTrue(topics.contains(m.key()), m.key());
                long expected = nextPerTopic.getOrDefault(m.key(), 0L);
                assertEquals(expected, MqttTestPublisher.sequence(m.payload()), "in order on " + m.key());
                MqttTestPublisher.check(m.key(), m.payload(), 120);
                nextPerTopic.put(m.key(), expected + 1);
            }
            assertEquals(Map.of("fleet/a/telemetry", 3334L, "fleet/b/telemetry", 3334L, "fleet/c/telemetry", 3334L),
                    nextPerTopic);
            assertEquals(List.of("fleet"), uploaded.manifests.get(0).tags());
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
