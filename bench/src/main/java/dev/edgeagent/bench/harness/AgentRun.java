package dev.edgeagent.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.protocols.testing.MqttTestPublisher;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One agent workload: the real packaged daemon (agent/target/quarkus-app, as bin/edge-agent starts it) in a
 * child JVM with a generated configuration, run with {@code --once --report}, its CPU sampled from /proc while
 * it runs; then every uploaded record is read back and checked by sequence number.
 */
final class AgentRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DEVICE = "bench-rig";

    /** A synthetic stream: {@code count} records of {@code bytes} (± jitter %) at {@code rate}/s (0 = max). */
    record Stream(String id, String modality, int bytes, int jitterPercent, double rate, long count, long maxLagMs) {
    }

    /** MQTT telemetry published by the harness through the real broker at {@code rate}/s for {@code seconds}. */
    record Mqtt(String streamId, List<String> topics, double rate, double seconds, int payloadBytes) {
    }

    /** @param preprocess give every synthetic stream a preprocess block (stream quality checks; keep 1 in 10 but cameras) */
    record Spec(String name, List<Stream> streams, Mqtt mqtt, String batchMaxBytes, String batchMaxDuration,
                List<String> jvmOptions, int timeoutSeconds, boolean preprocess) {
        Spec(String name, List<Stream> streams, Mqtt mqtt, String batchMaxBytes, String batchMaxDuration,
             List<String> jvmOptions, int timeoutSeconds) {
            this(name, streams, mqtt, batchMaxBytes, batchMaxDuration, jvmOptions, timeoutSeconds, false);
        }
    }

    /**
     * @param peakMemoryBytes peaks seen in /proc/PID/status while it ran: VmRSS, RssAnon (heap, metaspace,
     *                        stacks: the process' own memory) and RssFile (mapped files: the capture queues'
     *                        pages, which the kernel can write back and reclaim)
     */
    record Outcome(Spec spec, int exitCode, JsonNode report, Verifier.Summary uploaded, Map<String, Long> expected,
                   long mqttPublished, double startupCpuSeconds, double cpuSecondsAtEnd, List<double[]> cpuSamples,
                   Map<String, Long> peakMemoryBytes, String logTail, double wallSeconds, double publishSeconds,
                   long leftInBroker) {
    }

    private AgentRun() {
    }

    static Outcome run(Spec spec, Path work, Path app, String brokerUri) throws Exception {
        Path dir = work.resolve(spec.name());
        Cli.deleteTree(dir);
        Files.createDirectories(dir);
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, yaml(spec, dir, brokerUri));
        if (spec.mqtt() != null) {
            preCreateSession(brokerUri, DEVICE + "-" + spec.mqtt().streamId(), spec.mqtt().topics());
            // the publisher's code is compiled before the agent starts: otherwise the harness JVM's JIT takes
            // CPU from the agent under test during the run (it was ~40 % of the harness' CPU at 4x)
            MqttPublishing.warmUp(brokerUri, spec.mqtt());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + app.resolve("jvm.options")));
        command.addAll(spec.jvmOptions());
        command.addAll(List.of("-jar", app.resolve("quarkus-run.jar").toString(), "--config", config.toString(),
                "--once", "--report", dir.resolve("report.json").toString()));
        Path log = dir.resolve("agent.log");
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("MALLOC_ARENA_MAX", "2");   // as native/edge-agent.service runs it
        Process agent = pb.start();
        List<double[]> samples = new ArrayList<>();
        Map<String, Long> memory = new LinkedHashMap<>();
        double startupCpu = -1;
        long published = 0;
        double publishSeconds = -1;
        MqttPublishing publishing = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.timeoutSeconds());
        try {
            while (agent.isAlive()) {
                double cpu = ProcStat.cpuSeconds(agent.pid());
                double t = (System.nanoTime() - t0) / 1e9;
                if (cpu >= 0) {
                    samples.add(new double[]{t, cpu});
                }
                ProcStat.memory(agent.pid(), memory);
                if (startupCpu < 0 && Files.readString(log).contains("edge agent started")) {
                    startupCpu = cpu;
                    if (spec.mqtt() != null) {
                        publishing = MqttPublishing.start(brokerUri, spec.mqtt());
                    }
                }
                if (System.nanoTime() > deadline) {
                    agent.destroyForcibly();
                    throw new IOException(spec.name() + ": the agent did not finish within " + spec.timeoutSeconds()
                            + " s; log: " + log);
                }
                Thread.sleep(100);
            }
        } finally {
            if (publishing != null) {
                published = publishing.stop();
                publishSeconds = publishing.seconds();
            }
        }
        // what the agent had not taken when it ended is still queued in its broker session: a backlog, not a
        // loss, but it shows the agent fell behind the publisher
        long leftInBroker = spec.mqtt() == null ? 0 : drainSession(brokerUri, DEVICE + "-" + spec.mqtt().streamId());
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpuAtEnd = samples.isEmpty() ? -1 : samples.get(samples.size() - 1)[1];
        Path reportFile = dir.resolve("report.json");
        JsonNode report = Files.exists(reportFile) ? JSON.readTree(reportFile.toFile()) : null;
        Map<String, Long> expected = new LinkedHashMap<>();
        for (Stream s : spec.streams()) {
            expected.put(s.id(), s.count());
        }
        if (spec.mqtt() != null) {
            expected.put(spec.mqtt().streamId(), published);
        }
        Verifier.Summary uploaded = Verifier.read(dir.resolve("upload"));
        List<String> lines = Files.readAllLines(log);
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        return new Outcome(spec, agent.exitValue(), report, uploaded, expected, published, startupCpu, cpuAtEnd,
                samples, memory, tail, wall, publishSeconds, leftInBroker);
    }

    /** Takes (and acknowledges) what the broker still holds for a persistent session; returns how many. */
    private static long drainSession(String uri, String clientId) throws Exception {
        java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        MqttClient c = new MqttClient(uri, clientId, new MemoryPersistence());
        c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
            @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
            @Override public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                count.incrementAndGet();
                last.set(System.nanoTime());
            }
            @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
            @Override public void connectComplete(boolean reconnect, String serverURI) { }
            @Override public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(0L);
        c.connect(o);
        while (System.nanoTime() - last.get() < TimeUnit.MILLISECONDS.toNanos(1500)) {
            Thread.sleep(100);
        }
        c.disconnect();
        c.close();
        return count.get();
    }

    private static String yaml(Spec spec, Path dir, String brokerUri) {
        StringBuilder y = new StringBuilder();
        y.append("agent:\n  device-id: ").append(DEVICE).append("\n  data-dir: ").append(dir.resolve("data")).append('\n');
        y.append("  observability: {status-log-interval: 0s}\n");
        if (System.getenv("BENCH_CAPTURE") != null) {
            // capture settings to compare, e.g. BENCH_CAPTURE='chunk-bytes: 16M, sync-bytes: 0'
            y.append("  capture: {").append(System.getenv("BENCH_CAPTURE")).append("}\n");
        }
        y.append("  batching: {max-bytes: ").append(spec.batchMaxBytes()).append(", max-duration: ")
                .append(spec.batchMaxDuration()).append("}\n");
        y.append("  upload: {target: \"file:").append(dir.resolve("upload")).append("\"}\n");
        if (spec.mqtt() != null) {
            y.append("  mqtt: {uri: \"").append(brokerUri).append("\", session-expiry: 1h}\n");
        }
        y.append("  streams:\n");
        for (Stream s : spec.streams()) {
            y.append("    - id: ").append(s.id()).append("\n      modality: ").append(s.modality()).append('\n')
                    .append("      source: {type: synthetic, payload: prefilled, record-bytes: ").append(s.bytes())
                    .append(", size-jitter-percent: ").append(s.jitterPercent()).append(", rate: ").append(s.rate())
                    .append(", count: ").append(s.count()).append(", max-lag: ").append(s.maxLagMs()).append("ms}\n");
            if (spec.preprocess()) {
                // synthetic payloads carry no signals and are no images: the record-level checks on every stream,
                // a keep-1-in-10 copy of every stream but the cameras (a camera's standard-tier copy is its
                // thumbnails, measured by PreprocessBenchmark.thumbnail)
                y.append("      preprocess:\n        quality: {expected-rate: ").append(s.rate())
                        .append(", rate-tolerance: 0.5, duplicate-timestamps: false, max-gap: 1s}\n");
                if (!s.modality().equals("camera")) {
                    y.append("        decimate: {keep-one-in: 10}\n");
                }
            }
        }
        if (spec.mqtt() != null) {
            y.append("    - id: ").append(spec.mqtt().streamId()).append("\n      modality: telemetry\n")
                    .append("      source: {type: mqtt, topics: [\"bench/#\"]}\n");
        }
        return y.toString();
    }

    /**
     * Makes the broker hold a persistent session for the agent's client id before the agent exists, so QoS 1
     * messages published before the agent connects are queued for it rather than dropped.
     */
    private static void preCreateSession(String uri, String clientId, List<String> topics) throws Exception {
        MqttClient c = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(3600L);
        c.connect(o);
        c.subscribe("bench/#", 1);
        c.disconnect();
        c.close();
    }

    /** A paced QoS 1 publisher on its own thread: {@code rate}/s over the topics, for {@code seconds}. */
    static final class MqttPublishing implements Runnable {
        private final MqttTestPublisher publisher;
        private final Mqtt spec;
        private final Thread thread;
        private volatile long published;
        private volatile double seconds = -1;
        private volatile Exception failure;

        private MqttPublishing(MqttTestPublisher publisher, Mqtt spec) {
            this.publisher = publisher;
            this.spec = spec;
            this.thread = new Thread(this, "bench-mqtt-publisher");
        }

        /** Publishes to topics nobody subscribes to, as fast as the window allows, until the code is compiled. */
        static void warmUp(String uri, Mqtt spec) throws Exception {
            MqttTestPublisher p = MqttTestPublisher.connect(uri, "bench-warmup", 1000);
            try {
                long[] perTopic = new long[spec.topics().size()];
                for (int i = 0; i < 30_000; i++) {
                    int t = i % perTopic.length;
                    String topic = "warmup/" + spec.topics().get(t);
                    p.publish(topic, MqttTestPublisher.payload(topic, perTopic[t]++, spec.payloadBytes()));
                }
                p.awaitAcked(java.time.Duration.ofSeconds(60));
            } finally {
                p.close();
            }
        }

        static MqttPublishing start(String uri, Mqtt spec) throws Exception {
            MqttPublishing p = new MqttPublishing(MqttTestPublisher.connect(uri, "bench-publisher", 1000), spec);
            p.thread.start();
            return p;
        }

        @Override
        public void run() {
            long total = (long) (spec.rate() * spec.seconds());
            long t0 = System.nanoTime();
            long[] perTopic = new long[spec.topics().size()];
            try {
                for (long i = 0; i < total; i++) {
                    long due = t0 + (long) (i * 1e9 / spec.rate());
                    long wait = due - System.nanoTime();
                    if (wait > 200_000) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    int t = (int) (i % perTopic.length);
                    String topic = spec.topics().get(t);
                    publisher.publish(topic, MqttTestPublisher.payload(topic, perTopic[t]++, spec.payloadBytes()));
                    published = i + 1;
                }
                publisher.awaitAcked(java.time.Duration.ofSeconds(60));
                seconds = (System.nanoTime() - t0) / 1e9;
            } catch (Exception e) {
                failure = e;
            }
        }

        /** From the first publish to the broker's last PUBACK; -1 if it did not finish. */
        double seconds() {
            return seconds;
        }

        long stop() throws Exception {
            thread.join(120_000);
            publisher.close();
            if (failure != null) {
                throw failure;
            }
            return published;
        }
    }

    /** Process CPU time from /proc/PID/stat (utime + stime), in seconds; -1 where there is none. */
    static final class ProcStat {
        private static final double TICKS = 100.0;   // USER_HZ on Linux

        /** Raises the peaks of VmRSS, RssAnon and RssFile (bytes) to what /proc/PID/status says now. */
        static void memory(long pid, Map<String, Long> peaks) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    for (String key : List.of("VmRSS", "RssAnon", "RssFile")) {
                        if (line.startsWith(key + ":")) {
                            peaks.merge(key, Long.parseLong(line.replaceAll("\\D", "")) * 1024, Math::max);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended between two samples
            }
        }

        static double cpuSeconds(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
