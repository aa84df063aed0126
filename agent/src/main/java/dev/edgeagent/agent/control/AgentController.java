package dev.edgeagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.pipeline.Pipeline;
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

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's MQTT 5 link to the fleet (Eclipse Paho): publishes critical notices (QoS 1, store and forward, see
 * {@link CriticalNotices}) and health, and takes remote commands ({@link Commands}).
 * <pre>
 * PREFIX/DEVICE/cmd/NAME       commands in (QoS 1): trigger, status, purge, reload
 * PREFIX/DEVICE/reply/NAME     replies, unless the command carried an MQTT 5 response topic (+ correlation data)
 * PREFIX/DEVICE/notice/STREAM  one notice per sealed critical batch (QoS 1)
 * PREFIX/DEVICE/health         health every health-interval (QoS 0, retained: the latest is always there)
 * </pre>
 * Who may command is the broker's decision (client certificates + topic ACL): MQTT does not tell a subscriber who
 * published. The controller outlives pipeline restarts (reload); its own settings (agent.cloud) apply from the
 * agent's next start. One thread ("edge-control") connects, publishes and reports; commands run on Paho's
 * callback thread, serialized, before their PUBACK goes back.
 */
public final class AgentController implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgentController.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PUBACK_TIMEOUT_MS = 10_000;

    private final PipelineHost host;
    private final AgentConfig.CloudConfig cloud;
    private final Path dataDir;
    private final String base;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final ScheduledExecutorService timer;
    private final Commands commands;
    private final HealthReport health = new HealthReport();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicLong noticesSent = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile boolean closed;
    private long nextHealthMs;
    private long nextRecoverMs;
    private long nextConnectMs;
    private volatile String lastError;

    public AgentController(PipelineHost host) throws IOException {
        this.host = host;
        LoadedConfig loaded = host.config();
        AgentConfig config = loaded.agent();
        this.cloud = config.cloud();
        if (!cloud.enabled()) {
            throw new IllegalArgumentException("agent.cloud.mqtt.uri is not configured");
        }
        this.dataDir = config.dataDir();
        AgentConfig.CloudMqttConfig m = cloud.mqtt();
        this.base = m.topicPrefix() + "/" + config.deviceId() + "/";
        this.commands = new Commands(host);
        try {
            dev.edgeagent.protocols.source.mqtt.PahoLogger.install();
            this.client = new MqttAsyncClient(m.uri().get(), m.clientId().orElse(config.deviceId() + "-control"),
                    new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("agent.cloud.mqtt: cannot create the MQTT client: " + e.getMessage(), e);
        }
        this.options = new MqttConnectionOptions();
        // a persistent session: commands sent while the agent is offline wait in the broker
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        options.setKeepAliveInterval((int) m.keepAlive().toSeconds());
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);   // reconnects are paced by the control thread
        m.username().ifPresent(options::setUserName);
        m.password().ifPresent(p -> options.setPassword(p.getBytes(StandardCharsets.UTF_8)));
        if (m.uri().get().startsWith("ssl://")) {
            try {
                options.setSocketFactory(PemTls.socketFactory(m.ca().orElseThrow(), m.cert().orElse(null),
                        m.key().orElse(null)));
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                throw new IOException("agent.cloud.mqtt: cannot load the TLS files: " + e.getMessage(), e);
            }
        }
        client.setCallback(new Callback());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edge-control");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::tick, 0, 200, TimeUnit.MILLISECONDS);
    }

    public boolean connected() {
        return client.isConnected();
    }

    public long noticesSent() {
        return noticesSent.get();
    }

    public long commandsReceived() {
        return commands.received();
    }

    public long commandsRefused() {
        return commands.refused();
    }

    private void tick() {
        try {
            if (closed) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now >= nextRecoverMs && cloud.notices()) {
                nextRecoverMs = now + 30_000;
                CriticalNotices.recover(dataDir);
            }
            if (!client.isConnected()) {
                connect(now);
                return;
            }
            if (cloud.notices()) {
                publishNotices();
            }
            if (!cloud.healthInterval().isZero() && now >= nextHealthMs) {
                nextHealthMs = now + cloud.healthInterval().toMillis();
                publishHealth();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control link: " + e, e);
        }
    }

    private void connect(long now) {
        if (now < nextConnectMs || !connecting.compareAndSet(false, true)) {
            return;
        }
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connecting.set(false);
                    connects.incrementAndGet();
                    lastError = null;
                    LOG.log(Level.INFO, "control link connected to " + cloud.mqtt().uri().get());
                    subscribe();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    connecting.set(false);
                    nextConnectMs = System.currentTimeMillis() + 2_000;
                    if (!String.valueOf(e).equals(lastError)) {
                        LOG.log(Level.WARNING, "control link: cannot connect to " + cloud.mqtt().uri().get() + " (retrying): " + e);
                    }
                    lastError = String.valueOf(e);
                }
            });
        } catch (MqttException | RuntimeException e) {
            connecting.set(false);
            nextConnectMs = now + 2_000;
            lastError = e.toString();
        }
    }

    private void subscribe() {
        if (cloud.linkStatus()) {
            try {
                client.subscribe(new MqttSubscription(base + "link", 1));
            } catch (MqttException e) {
                LOG.log(Level.WARNING, "control link: cannot subscribe to " + base + "link: " + e);
            }
        }
        if (!cloud.commands()) {
            return;
        }
        try {
            client.subscribe(new MqttSubscription(base + "cmd/+", 1));
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "control link: cannot subscribe to " + base + "cmd/+: " + e);
        }
    }

    /** Publishes each pending notice with QoS 1 and marks it sent only once the broker's PUBACK accepted it. */
    private void publishNotices() {
        for (Path f : CriticalNotices.pending(dataDir)) {
            if (!client.isConnected() || closed) {
                return;
            }
            try {
                byte[] body = Files.readAllBytes(f);
                String stream = f.getParent().getFileName().toString();
                IMqttToken token = client.publish(base + "notice/" + stream, body, 1, false);
                token.waitForCompletion(PUBACK_TIMEOUT_MS);
                int[] codes = token.getReasonCodes();
                if (!token.isComplete() || token.getException() != null || (codes != null && codes.length > 0 && codes[0] >= 0x80)) {
                    LOG.log(Level.WARNING, "critical notice " + f.getFileName() + " not accepted by the broker (retrying): "
                            + (codes == null || codes.length == 0 ? String.valueOf(token.getException()) : "reason code 0x"
                            + Integer.toHexString(codes[0])));
                    return;
                }
                CriticalNotices.markSent(dataDir, f);
                noticesSent.incrementAndGet();
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "critical notice " + f + " not sent yet: " + e);
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "critical notice " + f + ": " + e);
                return;
            }
        }
    }

    private void publishHealth() {
        ObjectNode doc;
        synchronized (commands) {
            Pipeline p = host.pipeline();
            if (p == null) {
                return;
            }
            doc = health.build(p, commands.received(), commands.refused());
        }
        doc.put("noticesSent", noticesSent.get());
        try {
            client.publish(base + "health", JSON.writeValueAsBytes(doc), 0, true);
        } catch (MqttException | IOException e) {
            LOG.log(Level.DEBUG, "health not published: " + e);
        }
    }

    /** The status command's answer: the same document as health. */
    ObjectNode status(Pipeline p) {
        ObjectNode doc = health.build(p, commands.received(), commands.refused());
        doc.put("noticesSent", noticesSent.get());
        doc.put("auditEntries", p.audit().entries());
        return doc;
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.log(Level.WARNING, "control link disconnected: " + response);
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.log(Level.WARNING, "control link error: " + e);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (topic.equals(base + "link")) {
                onLinkStatus(message.getPayload());
                return;
            }
            MqttProperties props = message.getProperties();
            String name = topic.startsWith(base + "cmd/") ? topic.substring((base + "cmd/").length()) : topic;
            ObjectNode reply = commands.handle(name, message.getPayload(), AgentController.this);
            String replyTo = props != null && props.getResponseTopic() != null ? props.getResponseTopic()
                    : base + "reply/" + name;
            MqttProperties out = new MqttProperties();
            if (props != null && props.getCorrelationData() != null) {
                out.setCorrelationData(props.getCorrelationData());
            }
            out.setContentType("application/json");
            try {
                MqttMessage m = new MqttMessage(JSON.writeValueAsBytes(reply), 1, false, out);
                client.publish(replyTo, m);
            } catch (MqttException | IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "reply to command " + name + " on " + replyTo + " not sent: " + e);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(PUBACK_TIMEOUT_MS + 2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, "control link disconnect: " + e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, "control link close: " + e);
        }
    }

    /** Writes an audit entry in the running pipeline's log (none while no pipeline runs: logged instead). */
    /** PREFIX/DEVICE/link: metered or unmetered; anything else is refused (logged and counted), the state stays. */
    private void onLinkStatus(byte[] payload) {
        String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8).trim().toLowerCase(java.util.Locale.ROOT);
        Pipeline p = host.pipeline();
        if (!text.equals("metered") && !text.equals("unmetered")) {
            linkStatusRefused.incrementAndGet();
            LOG.log(Level.WARNING, "control link: " + base + "link = \"" + abbreviate(text) + "\": expected metered or unmetered;"
                    + " the link state stays " + (p == null ? "unknown" : p.link().state()));
            return;
        }
        if (p != null) {
            p.link().report(text.equals("unmetered"));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private final java.util.concurrent.atomic.AtomicLong linkStatusRefused = new java.util.concurrent.atomic.AtomicLong();

    /** Link status messages that were neither metered nor unmetered. */
    public long linkStatusRefused() {
        return linkStatusRefused.get();
    }

    static void audit(PipelineHost host, String type, Map<String, ?> fields) {
        Pipeline p = host.pipeline();
        AuditLog log = p == null ? null : p.audit();
        if (log == null) {
            LOG.log(Level.WARNING, "no pipeline runs: audit entry " + type + " " + fields + " only logged");
            return;
        }
        log.record(type, fields);
    }

    static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    static List<String> list(JsonNode n) {
        return n == null ? List.of() : JSON.convertValue(n, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }
}
