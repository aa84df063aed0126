package dev.edgeagent.agent.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** agent.triggers and agent.cloud: parsed with their defaults, and every bad value named with its key. */
class TriggerCloudConfigTest {

    private static final String STREAMS = """
            agent:
              device-id: d1
              streams:
                - id: can0
                  modality: can
                  source: {type: synthetic, count: 1}
            """;

    @Test
    void validTriggersAndCloudParse() {
        AgentConfig c = AgentConfigLoader.parse("t.yaml", STREAMS + """
                  triggers:
                    window: {pre: 20s}
                    rules:
                      - {id: slow, stream: can0, signal: A.B, below: 1.5, max-rate: 6/h, pre: 45s}
                  cloud:
                    mqtt: {uri: "tcp://broker:1883"}
                """, Map.of()).agent();
        assertEquals(Duration.ofSeconds(20), c.triggers().window().pre());
        assertEquals(Duration.ofSeconds(10), c.triggers().window().post());
        AgentConfig.TriggerRuleConfig r = c.triggers().rules().orElseThrow().get(0);
        assertEquals(1.5, r.below().orElseThrow());
        assertEquals(Duration.ofSeconds(45), r.pre().orElseThrow());
        assertEquals(Duration.ofSeconds(2), r.debounce());
        assertEquals(new MaxRate(6, Duration.ofHours(1)), MaxRate.parse(r.maxRate().orElseThrow()));
        assertEquals(Duration.ofSeconds(45), AgentConfigValidator.longestPre(c));
        assertTrue(c.cloud().enabled());
        assertEquals("fleet", c.cloud().mqtt().topicPrefix());
        assertEquals(Duration.ofSeconds(30), c.cloud().healthInterval());
        AgentConfig off = AgentConfigLoader.parse("t.yaml", STREAMS, Map.of()).agent();
        assertFalse(off.cloud().enabled());
        assertTrue(off.triggers().rules().orElse(List.of()).isEmpty());
    }

    @Test
    void badValuesAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.parse("t.yaml", STREAMS + """
                  capture: {retention: 10s}
                  triggers:
                    window: {pre: 30s}
                    rules:
                      - {id: x, stream: nope, signal: A.B, below: 1, above: 2, max-rate: 6 per hour}
                  cloud:
                    mqtt: {uri: "ssl://broker:8883", topic-prefix: "fleet/#"}
                """, Map.of()));
        List<String> p = e.problems();
        assertTrue(p.contains("agent.capture.retention = \"PT10S\": expected at least the longest trigger pre-window"
                + " (PT30S), so that the queues still hold a trigger's past"), p.toString());
        assertTrue(p.contains("agent.triggers.rules[0].stream = \"nope\": expected the id of a configured stream (one of [can0])"), p.toString());
        assertTrue(p.contains("agent.triggers.rules[0]: expected exactly one of below or above (the threshold the signal crosses)"), p.toString());
        assertTrue(p.contains("agent.triggers.rules[0].max-rate = \"6 per hour\": expected N/s, N/m, N/h or N/d with N at least 1, e.g. 6/h"), p.toString());
        assertTrue(p.contains("agent.cloud.mqtt.ca: missing; an ssl:// broker needs the PEM CA certificate that signed the broker's certificate"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("agent.cloud.mqtt.topic-prefix = \"fleet/#\"")), p.toString());
    }
}
