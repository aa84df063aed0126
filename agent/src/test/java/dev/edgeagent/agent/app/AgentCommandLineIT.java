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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The packaged daemon as users start it: bad files fail fast, metrics and health are served, SIGTERM is quick. */
class AgentCommandLineIT {

    @TempDir
    Path dir;

    @Test
    void aMalformedFileFailsFastWithOneMessageAndExitCode2() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), "agent:\n  device-id: [x\n  streams: y\n");
        try (AgentProcess agent = AgentProcess.start(dir, Map.of(), "--config", config.toString(), "--once")) {
            assertEquals(2, agent.waitFor(60));
            String out = agent.output();
            assertTrue(out.contains("edge-agent: invalid configuration " + config + ": malformed YAML"), out);
            assertFalse(out.contains("\tat "), "no stack trace for a user's mistake:\n" + out);
        }
    }

    @Test
    void anUnknownSourceTypeNamesTheKeyAndTheChoices() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                agent:
                  device-id: d1
                  streams:
                    - id: s
                      modality: can
                      source: {type: flexray}
                """);
        try (AgentProcess agent = AgentProcess.start(dir, Map.of(), "--config", config.toString())) {
            assertEquals(2, agent.waitFor(60));
            assertTrue(agent.output().contains("agent.streams[0].source.type = \"flexray\""), agent.output());
            assertTrue(agent.output().contains("allowed values"), agent.output());
        }
    }

    @Test
    void theDaemonServesMetricsAndHealthAndStopsWithinTenSecondsOfSigterm() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                agent:
                  device-id: d1
                  data-dir: data
                  streams:
                    - id: can
                      modality: can
                      source: {type: synthetic, record-bytes: 16, rate: 1000}
                  batching: {max-duration: 1s}
                  upload: {target: "file:upload"}
                """);
        try (AgentProcess agent = AgentProcess.start(dir, Map.of(), "--config", config.toString())) {
            int port = waitForPort(agent);
            HttpClient http = HttpClient.newHttpClient();
            String metrics = "";
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!metrics.contains("edgeagent_upload_batches_total 1") && !metrics.matches("(?s).*edgeagent_upload_batches_total [1-9].*")) {
                assertTrue(System.nanoTime() < deadline, "no upload seen in metrics:\n" + metrics);
                Thread.sleep(200);
                metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(metrics.contains("edgeagent_capture_records_total{modality=\"can\",stream=\"can\",tier=\"standard\"}"), metrics);
            assertTrue(metrics.contains("edgeagent_capture_latency_seconds{modality=\"can\",quantile=\"0.99\""), metrics);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"can\": \""), health.body());

            long t0 = System.nanoTime();
            agent.terminate();
            // the JVM exits 128+15 after an orderly shutdown on SIGTERM (systemd: SuccessExitStatus=143)
            assertEquals(143, agent.waitFor(20), agent.output());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 10_000, "stopped in " + ms + " ms");
            assertTrue(agent.output().contains("edge agent stopped"), agent.output());
        }
    }

    /** Port 0 lets Quarkus pick a free port; it says which in its start line. */
    static int waitForPort(AgentProcess agent) throws InterruptedException {
        Pattern listening = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(agent.output());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(agent.alive(), "agent exited:\n" + agent.output());
            Thread.sleep(100);
        }
        throw new AssertionError("no HTTP port announced:\n" + agent.output());
    }
}
