package dev.edgeagent.protocols.gnss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.testing.CollectingSink;
import dev.edgeagent.protocols.testing.GpsFake;
import dev.edgeagent.protocols.testing.TestData;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gpsd client against a real gpsd fed by gpsfake. */
class GpsdClientSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void capturesGpsdJsonFromARealGpsdAndReconnectsByItself() throws Exception {
        Path log = TestData.sample("gnss/gpsd_ublox-neo-m9n-nmea.log");
        int port = GpsFake.freePort();
        CollectingSink sink = new CollectingSink();
        List<String> bad = new ArrayList<>();
        GpsdClientSettings settings = GpsdClientSettings.of("127.0.0.1", port)
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
        GpsdClientSource source = new GpsdClientSource(settings, sink, (k, o, d) -> bad.add(k),
                new OffsetEpochNanoClock());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread agent = new Thread(() -> {
            while (running.get()) {
                if (source.doWork() == 0) {
                    Thread.onSpinWait();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            source.onClose();
        }, "gpsd-agent");
        agent.start();
        try {
            // nobody listens yet: the source keeps failing and retrying by itself
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (source.connectFailures() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(source.connectFailures() >= 2, "connect failures " + source.connectFailures());
            assertEquals(0, source.connects());

            try (GpsFake gpsfake = GpsFake.start(log, port, 0.01, tmp)) {
                JsonNode tpv = null;
                CollectingSink.Captured tpvRecord = null;
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (tpv == null && System.nanoTime() < deadline) {
                    for (CollectingSink.Captured c : sink.records()) {
                        if (c.keyString().equals("TPV")) {
                            JsonNode n = JSON.readTree(c.payload());
                            if (n.has("lat") && n.has("time")) {
                                tpv = n;
                                tpvRecord = c;
                                break;
                            }
                        }
                    }
                    Thread.sleep(20);
                }
                assertTrue(tpv != null, "no TPV with a position; gpsfake said: " + gpsfake.output()
                        + "; last error " + source.lastError());

                // every record: payload is one JSON object whose class is the key
                List<CollectingSink.Captured> records = sink.records();
                assertEquals("VERSION", records.get(0).keyString());
                for (CollectingSink.Captured c : records) {
                    JsonNode n = JSON.readTree(c.payload());
                    assertEquals(n.path("class").asText(), c.keyString());
                    String text = new String(c.payload(), StandardCharsets.US_ASCII);
                    assertTrue(text.startsWith("{") && text.endsWith("}"), text);
                    if (n.has("time") && n.get("time").isTextual()) {
                        assertEquals(nanos(Instant.parse(n.get("time").asText())), c.sensorTimeNs());
                    } else {
                        assertEquals(RecordSink.NO_SENSOR_TIME, c.sensorTimeNs());
                    }
                }

                // the first fix: its time names an RMC of the log; lat/lon are that RMC's, worked out by hand
                String time = tpv.get("time").asText(); // e.g. 2020-07-11T22:37:45.000Z
                String hhmmss = time.substring(11, 13) + time.substring(14, 16) + time.substring(17, 19);
                String rmc = null;
                for (String line : java.nio.file.Files.readAllLines(log, StandardCharsets.US_ASCII)) {
                    if (line.startsWith("$GNRMC," + hhmmss + ".")) {
                        rmc = line;
                    }
                }
                assertTrue(rmc != null, "no RMC at " + time);
                String[] f = rmc.split(",");
                double lat = Integer.parseInt(f[3].substring(0, 2)) + Double.parseDouble(f[3].substring(2)) / 60;
                double lon = Integer.parseInt(f[5].substring(0, 3)) + Double.parseDouble(f[5].substring(3)) / 60;
                if (f[4].equals("S")) {
                    lat = -lat;
                }
                if (f[6].equals("W")) {
                    lon = -lon;
                }
                assertEquals(lat, tpv.get("lat").asDouble(), 1e-8); // gpsd prints 9 decimals
                assertEquals(lon, tpv.get("lon").asDouble(), 1e-8);
                String date = f[9]; // ddmmyy
                assertEquals("20" + date.substring(4, 6) + "-" + date.substring(2, 4) + "-" + date.substring(0, 2),
                        time.substring(0, 10));
                assertEquals(nanos(Instant.parse(time)), tpvRecord.sensorTimeNs());
                assertEquals(1, source.connects());
                assertTrue(source.connected());
            }
            // gpsd went away: the source notices and keeps trying
            long failuresBefore = source.connectFailures();
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((source.connected() || source.connectFailures() <= failuresBefore) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(!source.connected() && source.connectFailures() > failuresBefore, source.lastError());
            assertEquals(List.of(), bad);
            assertTrue(!sink.sawConcurrentWriters());
        } finally {
            running.set(false);
            agent.join(10_000);
        }
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
