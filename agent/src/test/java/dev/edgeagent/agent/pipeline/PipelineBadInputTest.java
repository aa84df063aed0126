package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.config.LoadedConfig;
import dev.edgeagent.agent.observe.AgentMetrics;
import dev.edgeagent.agent.testing.IndependentCaptures;
import dev.edgeagent.agent.testing.UploadedBatches;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.edgeagent.agent.pipeline.PipelineMqttTest.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Acceptance 5 (bad input): a truncated pcap, a garbage pcap and an unreachable broker each say clearly what
 * is wrong and are counted; what is good is kept and the other streams run to completion.
 */
class PipelineBadInputTest {

    @TempDir
    Path dir;

    @Test
    void badFilesAndAnUnreachableBrokerCostNoOtherData() throws Exception {
        Path vlp16 = IndependentCaptures.sample("lidar/velodyne_vlp16.pcap");
        byte[] whole = Files.readAllBytes(vlp16);
        Path truncated = Files.write(dir.resolve("truncated.pcap"), Arrays.copyOf(whole, whole.length - 700));
        byte[] garbage = new byte[50_000];
        new Random(1).nextBytes(garbage);
        garbage[0] = (byte) 0xd4;   // a pcap magic, then nonsense: the worst kind of garbage
        garbage[1] = (byte) 0xc3;
        garbage[2] = (byte) 0xb2;
        garbage[3] = (byte) 0xa1;
        Path garbageFile = Files.write(dir.resolve("garbage.pcap"), garbage);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        LoadedConfig config = AgentConfigLoader.parse("bad-input.yaml", """
                agent:
                  device-id: d1
                  data-dir: %s/data
                  mqtt: {uri: "tcp://127.0.0.1:%d"}
                  streams:
                    - id: can
                      modality: can
                      source: {type: replay, file: %s, timing: max}
                    - id: truncated
                      modality: lidar
                      source: {type: replay, file: %s, ports: [2368], timing: max}
                    - id: garbage
                      modality: lidar
                      source: {type: replay, file: %s, timing: max}
                    - id: telemetry
                      modality: telemetry
                      source: {type: mqtt, topics: ["x/#"]}
                  upload: {target: "file:%s/upload"}
                """.formatted(dir, closedPort, IndependentCaptures.sample("can/honda_civic_typer_2019_turnonanddrive.candump.log"),
                truncated, garbageFile, dir), Map.of());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = Pipeline.create(config, "test", false)) {
            AgentMetrics metrics = new AgentMetrics(registry, pipeline);
            pipeline.start();
            List<Pipeline.StreamRuntime> s = pipeline.streams();
            waitUntil(() -> s.get(0).source().source().exhausted() && s.get(1).source().source().exhausted()
                    && s.get(2).source().source().exhausted(), "replays done");
            waitUntil(() -> s.get(3).source().state().get().startsWith("disconnected"), "broker reported unreachable");
            assertNull(pipeline.sealAndUpload(Duration.ofSeconds(30)));
            metrics.sample();

            String brokerState = s.get(3).source().state().get();
            assertTrue(brokerState.contains("tcp://127.0.0.1:" + closedPort) && brokerState.contains("Connection refused"),
                    brokerState);
            assertTrue(s.get(1).stats().badInput().containsKey("truncated-packet"), s.get(1).stats().badInput().toString());
            assertTrue(s.get(2).stats().badInputTotal() > 0, "garbage counted");
            assertEquals(0, s.get(2).stats().records(), "nothing invented from garbage");
            assertEquals(0, pipeline.agentErrors(), "no exception escaped a source");
            double truncatedErrors = registry.get("edgeagent.input.errors").tags("stream", "truncated", "kind", "truncated-packet")
                    .functionCounter().count();
            assertEquals(1.0, truncatedErrors);
            assertTrue(registry.get("edgeagent.input.errors").tags("stream", "garbage").functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum() > 0);
        }
        UploadedBatches uploaded = UploadedBatches.read(dir.resolve("upload"));
        assertEquals(28_835, uploaded.stream("can").size(), "the good stream is whole");
        List<byte[]> expected = IndependentCaptures.udpPayloads(vlp16, 2368);
        List<UploadedBatches.Message> kept = uploaded.stream("truncated");
        assertEquals(expected.size() - 1, kept.size(), "every packet before the cut is kept, the cut one is not");
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(expected.get(i), kept.get(i).payload());
        }
        assertTrue(uploaded.stream("garbage").isEmpty());
    }
}

