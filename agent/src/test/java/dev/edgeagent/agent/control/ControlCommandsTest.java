package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.protocols.testing.MosquittoBroker;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Acceptance 5: trigger, status, purge and reload over a real Mosquitto with TLS client certificates
 * (require_certificate, use_identity_as_username) and the ACL of config/examples/mosquitto/acl; a client with
 * another identity is refused by the broker (PUBACK 0x87) and never reaches the agent; malformed and unknown
 * commands are refused with a clear error; every command is in the audit log and its hash chain verifies.
 */
class ControlCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Received(String topic, JsonNode body, byte[] correlation) {
    }

    @Test
    void commandsOverTlsWithClientCertificatesAndAnAcl() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"));
        pki.client("robot-1");
        pki.client("fleet-cloud");
        pki.client("intruder");
        Path acl = Path.of("").toAbsolutePath().getParent().resolve("config/examples/mosquitto/acl");
        try (MosquittoBroker broker = new MosquittoBroker(List.of(
                "cafile " + pki.ca, "certfile " + pki.cert("server"), "keyfile " + pki.key("server"),
                "require_certificate true", "use_identity_as_username true", "allow_anonymous false",
                "acl_file " + acl)).start()) {
            String uri = "ssl://127.0.0.1:" + broker.port();
            Path configFile = dir.resolve("agent.yaml");
            Files.writeString(configFile, config(uri, pki, ""));
            try (TestHost host = new TestHost(AgentConfigLoader.load(configFile));
                 AgentController controller = new AgentController(host)) {
                controller.start();
                LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
                MqttAsyncClient cloud = client(uri, pki, "fleet-cloud", inbox);
                cloud.subscribe(new MqttSubscription("fleet/robot-1/#", 1)).waitForCompletion(5000);

                // health every second, read from the pipeline's counters
                Received health = await(inbox, r -> r.topic().equals("fleet/robot-1/health")
                        && r.body().path("streams").path("cam").path("records").asLong() > 0, "health");
                assertTrue(health.body().path("disk").path("usableBytes").asLong() > 0);
                assertTrue(health.body().path("backlog").has("critical"));

                // status, with an MQTT 5 response topic and correlation data
                send(cloud, "status", "{}", "fleet/robot-1/reply/console-7", "corr-1".getBytes(StandardCharsets.UTF_8));
                Received status = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/console-7"), "status reply");
                assertArrayEquals("corr-1".getBytes(StandardCharsets.UTF_8), status.correlation());
                assertTrue(status.body().get("ok").asBoolean(), status.body().toString());
                assertTrue(status.body().path("status").path("streams").has("cam"));
                // alignment quality: each captured stream's clock state, as in its manifests
                assertEquals("monotonic", status.body().path("status").path("alignment").path("clocks").path("cam")
                        .path("timeBase").asText(), status.body().toString());

                // the link's state from the fleet (the MQTT variant of the link monitor): decides when bulk goes
                assertEquals(null, host.pipeline().link().state());
                cloud.publish("fleet/robot-1/link", new org.eclipse.paho.mqttv5.common.MqttMessage(
                        "unmetered".getBytes(StandardCharsets.UTF_8), 1, true, null)).waitForCompletion(5000);
                waitUntil(() -> Boolean.TRUE.equals(host.pipeline().link().state()), "link reported unmetered");
                cloud.publish("fleet/robot-1/link", new org.eclipse.paho.mqttv5.common.MqttMessage(
                        "sideways".getBytes(StandardCharsets.UTF_8), 1, false, null)).waitForCompletion(5000);
                waitUntil(() -> controller.linkStatusRefused() == 1, "a bad link state refused");
                assertEquals(Boolean.TRUE, host.pipeline().link().state(), "a refused state changes nothing");
                cloud.publish("fleet/robot-1/link", new org.eclipse.paho.mqttv5.common.MqttMessage(
                        " Metered\n".getBytes(StandardCharsets.UTF_8), 1, true, null)).waitForCompletion(5000);
                waitUntil(() -> Boolean.FALSE.equals(host.pipeline().link().state()), "link reported metered");

                // trigger: replied on the default reply topic, then cut and announced by a critical notice
                send(cloud, "trigger", "{\"pre\":\"1s\",\"post\":\"500ms\",\"reason\":\"driver report\"}", null, null);
                Received trig = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/trigger"), "trigger reply");
                assertTrue(trig.body().get("ok").asBoolean(), trig.body().toString());
                long seq = trig.body().get("seq").asLong();
                Received notice = await(inbox, r -> r.topic().equals("fleet/robot-1/notice/trigger")
                        && r.body().get("firstSeq").asLong() == seq, "notice of the trigger MCAP");
                assertTrue(notice.body().get("count").asLong() > 50, notice.body().toString());
                assertEquals(64, notice.body().get("sha256").asText().length());
                assertTrue(notice.body().get("key").asText().startsWith("device=robot-1/stream=trigger/"));

                // bad input: refused with a reason, the agent runs on
                send(cloud, "trigger", "{not json", null, null);
                Received bad = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/trigger"), "malformed reply");
                assertFalse(bad.body().get("ok").asBoolean());
                assertTrue(bad.body().get("error").asText().startsWith("malformed command JSON"), bad.body().toString());
                send(cloud, "selfdestruct", "{}", null, null);
                Received unknown = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/selfdestruct"), "unknown reply");
                assertEquals("unknown command \"selfdestruct\": expected trigger, status, purge or reload",
                        unknown.body().get("error").asText());
                send(cloud, "purge", "{\"stream\":\"cam\",\"from\":\"yesterday\",\"to\":1}", null, null);
                Received badPurge = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/purge"), "bad purge reply");
                assertTrue(badPurge.body().get("error").asText().startsWith("from = \"yesterday\": expected"),
                        badPurge.body().toString());

                // another identity: the broker refuses its command (PUBACK 0x87), the agent never sees it
                long before = controller.commandsReceived();
                LinkedBlockingQueue<Received> intruderInbox = new LinkedBlockingQueue<>();
                MqttAsyncClient intruder = client(uri, pki, "intruder", intruderInbox);
                IMqttToken denied = intruder.publish("fleet/robot-1/cmd/trigger",
                        new MqttMessage("{}".getBytes(StandardCharsets.UTF_8), 1, false, new MqttProperties()));
                int code;
                try {
                    denied.waitForCompletion(5000);
                    code = denied.getReasonCodes()[0];
                } catch (MqttException e) {
                    code = e.getReasonCode();
                }
                assertEquals(0x87, code, "Not authorized");
                intruder.disconnect().waitForCompletion(5000);
                intruder.close();

                // purge: batches of cam wholly before the purge time go, the batch being written loses its records
                Path camOutbox = Outbox.streamDir(dir.resolve("data"), "cam");
                awaitTrue(() -> manifests(camOutbox).size() >= 2, "sealed cam batches waiting in the outbox");
                long purgeTo = System.currentTimeMillis() * 1_000_000L;
                send(cloud, "purge", "{\"stream\":\"cam\",\"from\":0,\"to\":" + purgeTo + "}", null, null);
                Received purge = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/purge")
                        && r.body().path("ok").asBoolean(), "purge reply");
                assertTrue(purge.body().get("deleted").size() >= 2, purge.body().toString());
                for (JsonNode key : purge.body().get("deleted")) {
                    String name = key.asText().substring(key.asText().lastIndexOf('/') + 1);
                    assertFalse(Files.exists(camOutbox.resolve(name)), "deleted " + name);
                }
                Thread.sleep(2500);   // batches sealed after the purge
                List<BatchManifest> after = manifests(camOutbox);
                assertFalse(after.isEmpty());
                for (BatchManifest m : after) {
                    assertTrue(m.firstSensorTimeNs() > purgeTo, "no purged record batched: " + m.key());
                }

                // reload: an invalid file is rejected and the pipeline runs on; a valid one restarts it
                Pipeline first = host.pipeline();
                Files.writeString(configFile, config(uri, pki, "").replace("rate: 50", "rate: -5"));
                send(cloud, "reload", "", null, null);
                Received rejected = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/reload"), "reload rejected");
                assertFalse(rejected.body().get("ok").asBoolean());
                assertTrue(rejected.body().get("error").asText().contains("agent.streams[0].source.rate = \"-5.0\""),
                        rejected.body().toString());
                assertSame(first, host.pipeline());
                long records = first.streams().get(0).stats().records();
                Thread.sleep(300);
                assertTrue(first.streams().get(0).stats().records() > records, "still capturing");
                Files.writeString(configFile, config(uri, pki, """
                            - id: extra
                              modality: telemetry
                              source: {type: synthetic, rate: 20}
                        """));
                // a trigger whose window is still open when the pipeline restarts: persisted, cut after the restart
                send(cloud, "trigger", "{\"pre\":\"500ms\",\"post\":\"3s\"}", null, null);
                Received open = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/trigger")
                        && r.body().path("ok").asBoolean(), "second trigger reply");
                long openSeq = open.body().get("seq").asLong();
                assertEquals(seq + 1, openSeq);
                long reloadAtNs = System.currentTimeMillis() * 1_000_000L;
                send(cloud, "reload", "{}", null, null);
                Received reloaded = await(inbox, r -> r.topic().equals("fleet/robot-1/reply/reload"), "reload done");
                assertTrue(reloaded.body().get("ok").asBoolean(), reloaded.body().toString());
                assertNotEquals(reloaded.body().get("previousHash").asText(), reloaded.body().get("configHash").asText());
                Pipeline second = host.pipeline();
                assertNotSame(first, second);
                assertEquals(List.of("cam", "ev", "extra"), second.streams().stream().map(Pipeline.StreamRuntime::id).toList());
                awaitTrue(() -> second.streams().get(2).stats().records() > 5, "the new stream captures");
                Received late = await(inbox, r -> r.topic().equals("fleet/robot-1/notice/trigger")
                        && r.body().get("firstSeq").asLong() == openSeq, "the open trigger, cut after the restart");
                assertTrue(late.body().get("lastTimeNs").asLong() > reloadAtNs, "not cut short at the restart: it holds"
                        + " records captured after it");
                assertTrue(late.body().get("lastTimeNs").asLong() <= open.body().get("toNs").asLong());
                assertEquals(before + 4, controller.commandsReceived(), "since the intruder: the purge, a trigger and two reloads");
                cloud.disconnect().waitForCompletion(5000);
                cloud.close();
            }
            Path audit = dir.resolve("data/audit/audit.jsonl");
            AuditLog.Verification v = AuditLog.verify(audit);
            assertTrue(v.intact(), v.problem());
            List<JsonNode> entries = AuditLog.read(audit);
            List<String> commands = entries.stream().filter(e -> e.get("type").asText().equals("command"))
                    .map(e -> e.get("command").asText()).toList();
            assertEquals(List.of("status", "trigger", "trigger", "selfdestruct", "purge", "purge", "reload", "trigger", "reload"),
                    commands);
            List<String> refused = entries.stream().filter(e -> e.get("type").asText().equals("command-refused"))
                    .map(e -> e.get("command").asText()).toList();
            assertEquals(List.of("trigger", "selfdestruct", "purge", "reload"), refused);
            JsonNode purgeEntry = entries.stream().filter(e -> e.get("type").asText().equals("purge")).findFirst().orElseThrow();
            assertEquals("cam", purgeEntry.get("stream").asText());
            assertTrue(purgeEntry.get("deletedBatches").size() >= 2);
            assertTrue(entries.stream().anyMatch(e -> e.get("type").asText().equals("config-reload-rejected")));
            assertTrue(entries.stream().anyMatch(e -> e.get("type").asText().equals("config-reload")));
            assertTrue(entries.stream().anyMatch(e -> e.get("type").asText().equals("trigger")));
        }
    }

    /** The agent's config: uploads go nowhere (a closed port), so sealed batches wait in the outbox. */
    private String config(String uri, TestPki pki, String moreStreams) {
        return """
                agent:
                  device-id: robot-1
                  data-dir: %s/data
                  streams:
                    - id: cam
                      modality: camera
                      source: {type: synthetic, rate: 50, record-bytes: 1000}
                    - id: ev
                      modality: event
                      source: {type: synthetic, rate: 10, record-bytes: 100}
                %s
                  batching: {max-duration: 500ms}
                  upload:
                    target: s3://bucket
                    initial-backoff: 10s
                    s3: {endpoint: "http://127.0.0.1:9", access-key-id: a, secret-access-key: b, path-style: true}
                  triggers:
                    window: {pre: 1s, post: 500ms}
                    settle: 200ms
                  cloud:
                    mqtt: {uri: "%s", ca: %s, cert: %s, key: %s}
                    health-interval: 1s
                    link-status: true
                """.formatted(dir, moreStreams.stripTrailing(), uri, pki.ca, pki.cert("robot-1"), pki.dir.resolve("robot-1.key"));
    }

    static void waitUntil(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    static MqttAsyncClient client(String uri, TestPki pki, String identity, LinkedBlockingQueue<Received> inbox)
            throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(uri, identity + "-test", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setSocketFactory(PemTls.socketFactory(pki.ca, pki.cert(identity), pki.dir.resolve(identity + ".key")));
        c.setCallback(new MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) { }
            @Override public void mqttErrorOccurred(MqttException e) { }
            @Override public void messageArrived(String topic, MqttMessage m) throws Exception {
                inbox.add(new Received(topic, m.getPayload().length == 0 ? JSON.createObjectNode() : JSON.readTree(m.getPayload()),
                        m.getProperties() == null ? null : m.getProperties().getCorrelationData()));
            }
            @Override public void deliveryComplete(IMqttToken t) { }
            @Override public void connectComplete(boolean reconnect, String serverURI) { }
            @Override public void authPacketArrived(int code, MqttProperties p) { }
        });
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    static void send(MqttAsyncClient c, String command, String payload, String responseTopic, byte[] correlation)
            throws Exception {
        MqttProperties p = new MqttProperties();
        if (responseTopic != null) {
            p.setResponseTopic(responseTopic);
            p.setCorrelationData(correlation);
        }
        c.publish("fleet/robot-1/cmd/" + command, new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, p))
                .waitForCompletion(10_000);
    }

    static Received await(LinkedBlockingQueue<Received> inbox, Predicate<Received> what, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Received r = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && what.test(r)) {
                return r;
            }
        }
        throw new AssertionError("timed out waiting for " + name);
    }

    static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static List<BatchManifest> manifests(Path dir) {
        List<BatchManifest> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(Outbox.MANIFEST_SUFFIX)).sorted().toList()) {
                try {
                    out.add(JSON.readValue(f.toFile(), BatchManifest.class));
                } catch (java.io.IOException e) {
                    // removed meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

}
