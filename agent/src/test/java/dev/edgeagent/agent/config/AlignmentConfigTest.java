package dev.edgeagent.agent.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** agent.alignment: defaults, and each bad setting named with its key and value. */
class AlignmentConfigTest {

    static final String STREAMS = """
            agent:
              device-id: d1
              streams:
                - {id: cam, modality: camera, source: {type: synthetic, count: 5}}
                - {id: imu, modality: imu, source: {type: synthetic, count: 5}}
            """;

    @Test
    void defaultsWithoutAnAlignmentSection() {
        AgentConfig c = AgentConfigLoader.parse("agent.yaml", STREAMS, Map.of()).agent();
        assertEquals(AgentConfig.TimeBase.monotonic, c.alignment().timeBase());
        assertEquals(30, c.alignment().clock().window().toSeconds());
        assertEquals(50, c.alignment().clock().jumpThreshold().toMillis());
        assertTrue(c.alignment().groups().isEmpty());
    }

    @Test
    void aGroupWithItsDefaults() {
        AgentConfig c = AgentConfigLoader.parse("agent.yaml", STREAMS + """
                  alignment:
                    time-base: system
                    groups:
                      - id: front
                        reference: cam
                        members: [{stream: imu, tolerance: 5ms, mode: interpolate, signals: [gyro.x]}]
                """, Map.of()).agent();
        AgentConfig.AlignGroupConfig g = c.alignment().groups().orElseThrow().get(0);
        assertEquals(AgentConfig.TimeBase.system, c.alignment().timeBase());
        assertEquals(AgentConfig.GroupClock.model, g.clock());
        assertEquals(20, g.skewThreshold().toMillis());
        assertEquals(1, g.maxMissing().toSeconds());
        assertEquals(AgentConfig.AlignMode.interpolate, g.members().get(0).mode());
    }

    @Test
    void badGroupsAreNamedWithKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.parse("agent.yaml", STREAMS + """
                  alignment:
                    clock: {window: 100ms, jump-threshold: 0s}
                    groups:
                      - id: front
                        reference: cam1
                        skew-threshold: 0s
                        members:
                          - {stream: lidar, tolerance: 5ms}
                          - {stream: imu, tolerance: 0ms, mode: interpolate}
                      - id: front
                        reference: cam
                        members: [{stream: cam, tolerance: 1ms}]
                """, Map.of()));
        List<String> p = e.problems();
        assertTrue(p.contains("agent.alignment.clock.window = \"PT0.1S\": expected between 1s and 1h (sensor time the clock estimate spans)"), p.toString());
        assertTrue(p.contains("agent.alignment.clock.jump-threshold = \"PT0S\": expected a positive duration such as 50ms"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[0].reference = \"cam1\": expected the id of a configured stream (one of [cam, imu])"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[0].skew-threshold = \"PT0S\": expected a positive duration"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[0].members[0].stream = \"lidar\": expected the id of a configured stream (one of [cam, imu])"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[0].members[1].tolerance = \"PT0S\": expected a positive duration"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[0].members[1].signals: missing; mode interpolate needs the signals to interpolate, e.g. [gyro.x, accel.x]"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[1].members[0].stream = \"cam\": expected a stream other than the group's reference"), p.toString());
        assertTrue(p.contains("agent.alignment.groups[1].id = \"front\": expected a group id used only once"), p.toString());
        assertEquals(9, p.size(), p.toString());
    }

    /** Signals to interpolate from a stream that has none (synthetic payloads) are refused when the pipeline is built. */
    @Test
    void signalsOfAStreamWithoutSignalsAreRefusedAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        LoadedConfig config = AgentConfigLoader.parse("agent.yaml", STREAMS.replace("device-id: d1",
                "device-id: d1\n  data-dir: " + dir) + """
                  alignment:
                    groups:
                      - id: front
                        reference: cam
                        members: [{stream: imu, tolerance: 5ms, mode: interpolate, signals: [gyro.x]}]
                """, Map.of());
        ConfigException e = assertThrows(ConfigException.class,
                () -> dev.edgeagent.agent.pipeline.Pipeline.create(config, "test", true).close());
        assertEquals(List.of("agent.alignment.groups[id=front].members[0].signals = \"[gyro.x]\": expected no signals:"
                + " stream imu (SYNTHETIC) carries no numeric signals (they come from CAN with a DBC, IMU, GNSS and"
                + " MQTT JSON); use mode nearest"), e.problems());
    }
}
