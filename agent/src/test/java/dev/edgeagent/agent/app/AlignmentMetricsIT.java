package dev.edgeagent.agent.app;

import dev.edgeagent.agent.testing.AgentProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 5, acceptance 3: the packaged agent replays the EuRoC camera and IMU at their own timing (as live
 * sensors would arrive) with an alignment group on clock models; /q/metrics shows per-stream clock offset,
 * drift, jitter and jumps, and per member the skew quantiles and missing count.
 */
class AlignmentMetricsIT {

    @TempDir
    Path dir;

    @Test
    void clockAndAlignmentMetricsAreServed() throws Exception {
        Path repo = AgentProcess.repoRoot();
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                agent:
                  device-id: align-rig
                  data-dir: data
                  streams:
                    - id: imu-euroc
                      modality: imu
                      source: {type: replay, file: %s, columns: euroc}
                    - id: camera-euroc
                      modality: camera
                      source: {type: images, directory: %s}
                  alignment:
                    groups:
                      - id: euroc
                        reference: camera-euroc
                        members:
                          - {stream: imu-euroc, tolerance: 10ms, mode: interpolate, signals: [gyro.x, accel.z]}
                  batching: {max-duration: 2s}
                  upload: {target: "file:upload"}
                """.formatted(repo.resolve("samples/euroc/imu0/data.csv"), repo.resolve("samples/euroc/cam0")));
        try (AgentProcess agent = AgentProcess.start(dir, Map.of(), "--config", config.toString())) {
            int port = AgentCommandLineIT.waitForPort(agent);
            HttpClient http = HttpClient.newHttpClient();
            String metrics = "";
            long deadline = System.nanoTime() + 40_000_000_000L;
            // five frames, five sets; the IMU clock converges once its window spans 2 s
            while (value(metrics, "edgeagent_align_sets_total{group=\"euroc\"}") < 5
                    || value(metrics, "edgeagent_clock_converged{modality=\"imu\",stream=\"imu-euroc\",tier=\"standard\"}") < 1) {
                assertTrue(System.nanoTime() < deadline, "no sets or no converged clock in metrics:\n" + metrics);
                Thread.sleep(250);
                metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            String imu = "{modality=\"imu\",stream=\"imu-euroc\",tier=\"standard\"}";
            // EuRoC was recorded in 2014: agent time minus sensor time is about the years since (replayed now)
            double offset = value(metrics, "edgeagent_clock_offset_seconds" + imu);
            assertTrue(offset > 3.5e8, "imu offset " + offset + " s");
            // replayed at the file's own timing: the drift is the replay's pacing error, far below 1000 ppm
            assertTrue(Math.abs(value(metrics, "edgeagent_clock_drift_ppm" + imu)) < 1000, metrics);
            assertTrue(value(metrics, "edgeagent_clock_jitter_seconds" + imu) < 0.05, metrics);
            assertEquals(0, value(metrics, "edgeagent_clock_jumps_total" + imu), metrics);
            assertTrue(metrics.contains("edgeagent_clock_offset_seconds{modality=\"camera\",stream=\"camera-euroc\""), metrics);
            String member = "group=\"euroc\",member=\"imu-euroc\"";
            double maxSkew = value(metrics, "edgeagent_align_skew_seconds{" + member + ",quantile=\"1.0\",reference=\"camera-euroc\"}");
            assertTrue(maxSkew >= 0 && maxSkew <= 0.010, "skew within the tolerance: " + maxSkew);
            assertEquals(0, value(metrics, "edgeagent_align_missing_total{" + member + ",reference=\"camera-euroc\"}"), metrics);
            agent.terminate();
            assertEquals(143, agent.waitFor(20), agent.output());
        }
        // the batchers saved the clock models for the next start, and the manifests say how log times were made
        Path state = dir.resolve("data/state/clock/imu-euroc.json");
        assertTrue(Files.isRegularFile(state), "no " + state);
        assertTrue(Files.readString(state).contains("\"streamId\":\"imu-euroc\""), Files.readString(state));
        try (var manifests = Files.walk(dir)) {   // uploaded, or still in the outbox at the stop
            List<Path> imu = manifests.filter(p -> p.toString().contains("imu-euroc") && p.toString().endsWith(".json")
                    && !p.startsWith(dir.resolve("data/state"))).toList();
            assertFalse(imu.isEmpty());
            for (Path m : imu) {
                assertTrue(Files.readString(m).contains("\"alignment\":{\"clock\":\"sensor\",\"timeBase\":\"monotonic\""),
                        Files.readString(m));
            }
        }
    }

    /** The sample's value, or -1 when the metrics do not have it. */
    static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([-0-9.eE+]+|NaN)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
