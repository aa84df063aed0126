package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Store and forward of critical notices: the broker goes down while critical batches are sealed (and uploaded, so
 * their manifests leave the outbox), the agent is restarted during the outage, the broker comes back on the same
 * port: every sealed critical batch's notice arrives, with its key. Delivery is at least once; the test reports
 * duplicates and requires none to be missing.
 */
class CriticalNoticesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void noticesSurviveABrokerOutageAndAnAgentRestart() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.started()) {
            LoadedConfig config = AgentConfigLoader.parse("notices.yaml", """
                    agent:
                      device-id: rig-2
                      data-dir: %s/data
                      streams:
                        - id: ev
                          modality: event
                          source: {type: synthetic, rate: 40, record-bytes: 100}
                        - id: cam
                          modality: camera
                          source: {type: synthetic, rate: 20, record-bytes: 1000}
                      batching: {max-duration: 300ms}
                      upload: {target: "file:%s/upload"}
                      cloud:
                        mqtt: {uri: "%s"}
                        health-interval: 0s
                    """.formatted(dir, dir, broker.uri()), Map.of());
            Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
            MqttAsyncClient sub = subscriber(broker.uri(), received, true);
            TestHost host = new TestHost(config);
            AgentController controller = new AgentController(host);
            controller.start();
            ControlCommandsTest.awaitTrue(() -> received.size() >= 3, "first notices");

            broker.stop();
            Thread.sleep(1500);
            // the agent restarts during the outage: what is spooled stays spooled
            controller.close();
            host.close();
            host = new TestHost(config);
            controller = new AgentController(host);
            controller.start();
            Thread.sleep(1500);
            int spooledDuringOutage = CriticalNotices.pending(dir.resolve("data")).size();
            assertTrue(spooledDuringOutage >= 5, "notices waiting while the broker is down: " + spooledDuringOutage);
            int pendingUploadedMeanwhile = 0;
            for (Path p : CriticalNotices.pending(dir.resolve("data"))) {
                String name = p.getFileName().toString().replace(".json", ".manifest.json");
                if (!Files.exists(dir.resolve("data/outbox/ev").resolve(name))) {
                    pendingUploadedMeanwhile++;
                }
            }
            assertTrue(pendingUploadedMeanwhile > 0, "some batches were uploaded before their notice could go");

            broker.start();   // same port, saved sessions
            try {
                sub.close(true);
            } catch (MqttException e) {
                // already gone with the broker
            }
            sub = subscriber(broker.uri(), received, false);
            host.close();   // the last batches are sealed; the controller keeps publishing from the spool
            AgentController c = controller;
            ControlCommandsTest.awaitTrue(() -> CriticalNotices.pending(dir.resolve("data")).isEmpty() && c.connected(),
                    "spool drained");
            Set<String> sealed = new HashSet<>();
            try (Stream<Path> files = Stream.concat(Files.walk(dir.resolve("upload")), Files.walk(dir.resolve("data/outbox")))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("/.tmp/")).toList()) {
                    BatchManifest m = JSON.readValue(f.toFile(), BatchManifest.class);
                    if (m.tier().equals("critical")) {
                        sealed.add(m.key());
                    }
                }
            }
            assertTrue(sealed.size() >= 10, "critical batches sealed: " + sealed.size());
            ControlCommandsTest.awaitTrue(() -> received.keySet().containsAll(sealed), "every notice");
            Thread.sleep(500);
            controller.close();
            sub.disconnect().waitForCompletion(5000);
            sub.close();
            assertEquals(sealed, received.keySet(), "a notice for every sealed critical batch and for nothing else");
            long duplicates = received.values().stream().filter(n -> n.get() > 1).count();
            System.out.println("critical notices: " + sealed.size() + " batches, " + spooledDuringOutage
                    + " spooled during the outage, " + duplicates + " delivered more than once");
        }
    }

    private static MqttAsyncClient subscriber(String uri, Map<String, AtomicInteger> received, boolean subscribe)
            throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(uri, "cloud-notices", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        c.setCallback(new MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) { }
            @Override public void mqttErrorOccurred(MqttException e) { }
            @Override public void messageArrived(String topic, MqttMessage m) throws Exception {
                if (topic.startsWith("fleet/rig-2/notice/")) {
                    received.computeIfAbsent(JSON.readTree(m.getPayload()).get("key").asText(), k -> new AtomicInteger())
                            .incrementAndGet();
                }
            }
            @Override public void deliveryComplete(IMqttToken t) { }
            @Override public void connectComplete(boolean reconnect, String serverURI) { }
            @Override public void authPacketArrived(int code, MqttProperties p) { }
        });
        c.connect(o).waitForCompletion(10_000);
        if (subscribe) {
            c.subscribe(new MqttSubscription("fleet/rig-2/notice/#", 1)).waitForCompletion(5000);
        }
        return c;
    }

}
