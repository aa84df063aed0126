package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.testing.S3ProxyServer;
import dev.edgeagent.agent.testing.UploadedBatches;
import dev.edgeagent.protocols.source.synthetic.SyntheticSource;
import dev.edgeagent.protocols.testing.MosquittoBroker;
import dev.edgeagent.protocols.testing.MqttTestPublisher;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.edgeagent.agent.pipeline.PipelineMqttTest.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/** Acceptance: the MQTT path and a camera-sized stream into a real S3 API (S3Proxy in-process). */
class PipelineS3Test {

    @TempDir
    Path dir;

    @Test
    void mqttAndLargeBatchesGoUpToS3WholeAndMultipartAboveTheThreshold() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.started(); MosquittoBroker broker = MosquittoBroker.started();
             S3Client client = s3.client()) {
            s3.createBucket("fleet-raw");
            LoadedConfig config = AgentConfigLoader.parse("s3-test.yaml", """
                    agent:
                      device-id: truck-7
                      data-dir: %s/data
                      mqtt: {uri: "%s"}
                      streams:
                        - id: telemetry
                          modality: telemetry
                          source: {type: mqtt, topics: ["t/#"]}
                        - id: cam-front
                          modality: camera
                          tags: [pii]
                          source: {type: synthetic, record-bytes: 250000, size-jitter-percent: 30, rate: 0, count: 60}
                      batching: {max-duration: 60s, max-bytes: 32M}
                      upload:
                        target: s3://fleet-raw/ingest/v1
                        s3:
                          endpoint: %s
                          region: us-east-1
                          path-style: true
                          access-key-id: ${S3_KEY}
                          secret-access-key: ${S3_SECRET}
                    """.formatted(dir, broker.uri(), s3.endpoint()),
                    Map.of("S3_KEY", S3ProxyServer.ACCESS_KEY, "S3_SECRET", S3ProxyServer.SECRET_KEY));
            try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
                pipeline.start();
                Pipeline.StreamRuntime telemetry = pipeline.streams().get(0);
                Pipeline.StreamRuntime camera = pipeline.streams().get(1);
                waitUntil(() -> "connected".equals(telemetry.source().state().get()), "source connected");
                try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.uri())) {
                    publisher.publishAll(List.of("t/1", "t/2"), 5000, 200, Duration.ofSeconds(60));
                }
                waitUntil(() -> telemetry.stats().records() >= 10_000 && camera.stats().records() >= 60, "captured");
                assertNull(pipeline.sealAndUpload(Duration.ofSeconds(60)));
                // everything is up and nothing is still failing; a failed attempt the uploader retried is allowed:
                // S3Proxy now and then closes a kept-alive connection while the next PUT's body is sent (about 1 run
                // in 4 here), and the uploader's backoff covers exactly that
                assertEquals(0, pipeline.uploader().stats().backlogBatches());
                assertNull(pipeline.uploader().stats().lastError(), "" + pipeline.uploader().stats().lastError());
            }

            // download the bucket as it is, keys as paths, and check it like a local target
            Path downloaded = dir.resolve("bucket");
            List<S3Object> objects = client.listObjectsV2(b -> b.bucket("fleet-raw")).contents();
            for (S3Object o : objects) {
                if (o.key().startsWith("ingest/v1/device=truck-7/audit/")) {
                    continue;   // the audit log, uploaded beside the batches
                }
                assertTrue(o.key().startsWith("ingest/v1/device=truck-7/stream="), o.key());
                Path p = downloaded.resolve(o.key().substring("ingest/v1/".length()));
                Files.createDirectories(p.getParent());
                Files.write(p, client.getObjectAsBytes(b -> b.bucket("fleet-raw").key(o.key())).asByteArray());
            }
            UploadedBatches uploaded = UploadedBatches.read(downloaded);
            assertEquals(10_000, uploaded.stream("telemetry").size());
            for (UploadedBatches.Message m : uploaded.stream("telemetry")) {
                MqttTestPublisher.check(m.key(), m.payload(), 200);
            }
            List<UploadedBatches.Message> frames = uploaded.stream("cam-front");
            assertEquals(60, frames.size());
            for (UploadedBatches.Message m : frames) {
                assertEquals(m.seq(), SyntheticSource.verifyPattern(new UnsafeBuffer(m.payload()), 0, m.payload().length),
                        "every byte of frame " + m.seq());
            }
            BatchManifest cameraBatch = uploaded.manifests.stream().filter(m -> m.streamId().equals("cam-front"))
                    .findFirst().orElseThrow();
            assertTrue(cameraBatch.objectBytes() > 8 << 20, "camera batch above the multipart threshold");
            assertEquals(List.of("pii"), cameraBatch.tags());
            String etag = client.headObject(b -> b.bucket("fleet-raw").key("ingest/v1/" + cameraBatch.key())).eTag();
            assertTrue(etag.replace("\"", "").matches("[0-9a-f]{32}-[2-9]"), "multipart ETag: " + etag);
            assertEquals(cameraBatch.sha256(), client.headObject(b -> b.bucket("fleet-raw")
                    .key("ingest/v1/" + cameraBatch.key())).metadata().get("sha256"));
        }
    }
}
