package dev.edgeagent.agent.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.pipeline.Pipeline;
import dev.edgeagent.agent.testing.IndependentCaptures;
import dev.edgeagent.protocols.mcap.McapMessage;
import dev.edgeagent.protocols.mcap.McapReader;
import dev.edgeagent.protocols.mcap.McapRecord;
import dev.edgeagent.protocols.mcap.McapReferenceCheck;
import dev.edgeagent.protocols.testing.MosquittoBroker;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Acceptance 4: a trigger cuts exactly the records of every stream whose time lies in [t - pre, t + post], none
 * outside, checked against the capture queues read independently of the extraction; the reference MCAP reader
 * accepts the trigger MCAP. Two rules fire: a CAN signal (decoded through the Civic DBC, replayed log time, max-rate
 * 1/h so only its first crossing counts, checked against the candump file) and a value on an MQTT event topic
 * (agent time, aligned with two synthetic streams of other modalities).
 */
class TriggerWindowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CAN_LOG = IndependentCaptures.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log");

    @TempDir
    Path dir;

    @Test
    void triggerMcapHoldsEveryRecordOfEveryStreamInsideTheWindowAndNoneOutside() throws Exception {
        Path dbc = Path.of("").toAbsolutePath().getParent().resolve("config/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc");
        try (MosquittoBroker broker = MosquittoBroker.started()) {
            LoadedConfig config = AgentConfigLoader.parse("trigger-test.yaml", """
                    agent:
                      device-id: rig-1
                      data-dir: %s/data
                      mqtt: {uri: %s}
                      streams:
                        - id: cam
                          modality: camera
                          source: {type: synthetic, rate: 30, record-bytes: 3000}
                        - id: lidar
                          modality: lidar
                          source: {type: synthetic, rate: 200, record-bytes: 600}
                        - id: events
                          modality: event
                          source: {type: mqtt, topics: ["vehicle/events"]}
                        - id: can0
                          modality: can
                          source: {type: replay, file: %s, timing: max}
                          decode: {dbc: %s}
                        - id: imu
                          modality: imu
                          source: {type: replay, file: %s, columns: euroc}
                      batching: {max-duration: 1s}
                      upload: {target: "file:%s/upload"}
                      triggers:
                        window: {pre: 1500ms, post: 1s}
                        settle: 300ms
                        rules:
                          - {id: fast, stream: can0, signal: ENGINE_DATA.XMISSION_SPEED, above: 5, max-rate: 1/h}
                          - {id: event, stream: events, signal: "vehicle/events:severity", above: 2, debounce: 0s}
                    """.formatted(dir, broker.uri(), CAN_LOG, dbc,
                    dev.edgeagent.agent.testing.IndependentCaptures.sample("euroc/imu0/data.csv"), dir), Map.of());
            List<String> streams = List.of("cam", "lidar", "events", "can0");
            try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
                pipeline.start();
                TriggerTransform trigger = (TriggerTransform) pipeline.transforms().stream()
                        .filter(t -> t instanceof TriggerTransform).findFirst().orElseThrow();
                Pipeline.StreamRuntime events = pipeline.streams().get(2);
                waitUntil(() -> "connected".equals(events.source().state().get()), "MQTT source connected");
                waitUntil(() -> pipeline.streams().get(3).source().source().exhausted(), "CAN replay done");
                Thread.sleep(2000);   // pre-window history on every stream
                MqttClient pub = new MqttClient(broker.uri(), "events-pub", new MemoryPersistence());
                pub.connect(new MqttConnectionOptions());
                for (int severity : new int[]{1, 1, 3, 3, 1}) {
                    pub.publish("vehicle/events", ("{\"severity\":" + severity + ",\"kind\":\"test\"}")
                            .getBytes(StandardCharsets.UTF_8), 1, false);
                    Thread.sleep(100);
                }
                pub.disconnect();
                pub.close();
                waitUntil(() -> trigger.sealedTriggers() >= 2, "both triggers sealed");
                Thread.sleep(500);
                assertEquals(2, trigger.firedTriggers(), "the CAN rule fires once (max-rate 1/h), the event rule once"
                        + " (3 then 3 again does not cross the threshold twice)");
                assertNull(pipeline.sealAndUpload(Duration.ofSeconds(30)));
            }

            List<Path> objects;
            try (Stream<Path> files = Files.walk(dir.resolve("upload"))) {
                objects = files.filter(p -> p.toString().contains("stream=trigger/") && p.toString().endsWith(".mcap"))
                        .sorted().toList();
            }
            assertEquals(2, objects.size(), "two trigger MCAPs uploaded: " + objects);
            for (McapReferenceCheck.Result r : McapReferenceCheck.check(objects)) {
                assertTrue(r.ok(), "the reference MCAP reader rejects " + r);
            }
            Map<String, List<long[]>> queues = readQueues(streams);   // stream -> {seq, timeNs}
            Map<String, Map<String, Long>> perRule = new HashMap<>();
            for (Path object : objects) {
                JsonNode manifest = JSON.readTree(Path.of(object.toString().replace(".mcap", ".json")).toFile());
                assertEquals("critical", manifest.get("tier").asText());
                McapReader reader = McapReader.read(object);
                Map<String, String> meta = null;
                for (McapRecord rec : reader.records()) {
                    if (rec instanceof McapRecord.Metadata m && m.name().equals("trigger")) {
                        meta = m.metadata();
                    }
                }
                assertNotNull(meta, "trigger metadata in " + object);
                long from = Long.parseLong(meta.get("fromNs"));
                long to = Long.parseLong(meta.get("toNs"));
                long t = Long.parseLong(meta.get("timeNs"));
                assertEquals(t - 1_500_000_000L, from);
                assertEquals(t + 1_000_000_000L, to);
                Map<String, TreeSet<Long>> got = new HashMap<>();
                for (McapMessage msg : reader.messages()) {
                    String stream = msg.channel().metadata().get("stream");
                    // the window is cut on the agent's time base: the log time (the publish time is the sensor's own)
                    long time = msg.message().logTime();
                    assertTrue(time >= from && time <= to, stream + " record at " + time + " outside [" + from + ", " + to + "]");
                    if (stream.equals("imu")) {
                        assertTrue(msg.message().publishTime() < from - 365L * 86_400_000_000_000L,
                                "the IMU's own clock is the 2014 recording's: " + msg.message().publishTime());
                    }
                    assertTrue(got.computeIfAbsent(stream, k -> new TreeSet<>()).add(msg.message().sequence() & 0xffffffffL),
                            "each record once");
                }
                Map<String, Long> counts = new HashMap<>();
                for (String s : streams) {
                    TreeSet<Long> expected = new TreeSet<>();
                    for (long[] r : queues.get(s)) {
                        if (r[1] >= from && r[1] <= to) {
                            expected.add(r[0] & 0xffffffffL);
                        }
                    }
                    assertEquals(expected, got.getOrDefault(s, new TreeSet<>()), "stream " + s + " in trigger " + meta.get("rule"));
                    counts.put(s, (long) expected.size());
                }
                TreeSet<Long> imu = got.getOrDefault("imu", new TreeSet<>());
                counts.put("imu", (long) imu.size());
                if (!imu.isEmpty()) {
                    assertEquals(imu.last() - imu.first() + 1, imu.size(), "the IMU's records in the window are contiguous");
                }
                assertEquals(counts.values().stream().mapToLong(Long::longValue).sum(), manifest.get("recordCount").asLong());
                perRule.put(meta.get("rule"), counts);
                if (meta.get("rule").equals("fast")) {
                    // independently of the agent's CAN/DBC code: the first 0x158 frame whose speed exceeds 5 kph
                    long[] first = firstFastFrame(5.0);
                    assertEquals(first[0], t, "the CAN trigger fires at the first frame above 5 kph");
                    assertEquals(first[1] / 100.0, Double.parseDouble(meta.get("value")), 1e-9);
                    assertEquals(candumpLinesIn(from, to), counts.get("can0"), "CAN frames of the log inside the window");
                }
            }
            Map<String, Long> event = perRule.get("event");
            assertTrue(event.get("cam") >= 60 && event.get("lidar") >= 400 && event.get("events") >= 3,
                    "the event window holds the aligned streams: " + event);
            assertEquals(0L, event.get("can0"), "the CAN log's time is years before the event");
            // the EuRoC IMU replays at its own pace with its 2014 clock: its clock model maps it onto the agent's time
            // base, so the 2.5 s window holds about 2.5 s of its 200 Hz samples (none on its own clock would)
            assertTrue(event.get("imu") >= 350 && event.get("imu") <= 650, "IMU samples in the event window: " + event);
            Map<String, Long> fast = perRule.get("fast");
            assertTrue(fast.get("can0") > 100, "CAN frames around the CAN trigger: " + fast);
            assertEquals(0L, fast.get("cam"));

            Path audit = dir.resolve("data/audit/audit.jsonl");
            assertTrue(AuditLog.verify(audit).intact());
            assertEquals(2, AuditLog.read(audit).stream().filter(e -> e.get("type").asText().equals("trigger")).count());
        }
    }

    private Map<String, List<long[]>> readQueues(List<String> streams) {
        Map<String, List<long[]>> out = new HashMap<>();
        RecordView view = new RecordView();
        for (String s : streams) {
            List<long[]> records = new ArrayList<>();
            try (CaptureQueue q = new CaptureQueue(dir.resolve("data"), s, "FAST_HOURLY", new StreamStats(s))) {
                ExcerptTailer tailer = q.chronicle().createTailer();
                while (true) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent()) {
                            break;
                        }
                        view.block(dc.wire().bytes());
                        while (view.next()) {
                            records.add(new long[]{view.sequence(), view.timeNs()});
                        }
                    }
                }
            }
            assertFalse(records.isEmpty(), "queue " + s);
            out.put(s, records);
        }
        return out;
    }

    private static final Pattern LINE = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\) \\S+ ([0-9A-F]+)#([0-9A-F]*)$");

    /** {time ns, raw speed} of the first ENGINE_DATA (0x158) frame whose XMISSION_SPEED (bytes 0-1 BE, 0.01 kph) exceeds kph. */
    private static long[] firstFastFrame(double kph) throws Exception {
        for (String line : Files.readAllLines(CAN_LOG)) {
            Matcher m = LINE.matcher(line.trim());
            if (m.matches() && m.group(3).equals("158")) {
                int raw = Integer.parseInt(m.group(4).substring(0, 4), 16);
                if (raw * 0.01 > kph) {
                    return new long[]{Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(m.group(2)) * 1000, raw};
                }
            }
        }
        throw new AssertionError("no frame above " + kph);
    }

    private static long candumpLinesIn(long from, long to) throws Exception {
        long n = 0;
        for (String line : Files.readAllLines(CAN_LOG)) {
            Matcher m = LINE.matcher(line.trim());
            if (m.matches()) {
                long t = Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(m.group(2)) * 1000;
                if (t >= from && t <= to) {
                    n++;
                }
            }
        }
        return n;
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
