package dev.edgeagent.agent.trigger;

import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.signal.SignalNames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Rule semantics: crossing (not level), debounce, max-rate, and the magnitude of x/y/z for NAME.norm. */
class TriggerRuleTest {

    private static final long S = 1_000_000_000L;

    private static AgentConfig.TriggerRuleConfig rule(String yaml) {
        return AgentConfigLoader.parse("r.yaml", """
                agent:
                  device-id: d
                  streams:
                    - {id: imu, modality: imu, source: {type: synthetic, count: 1}}
                  triggers:
                    rules:
                      - %s
                """.formatted(yaml), Map.of()).agent().triggers().rules().orElseThrow().get(0);
    }

    @Test
    void firesOnCrossingsRespectingDebounceAndMaxRate() {
        TriggerRule r = new TriggerRule(rule("{id: hot, stream: imu, signal: temp, above: 10, debounce: 5s, max-rate: 2/m}"),
                S, S, List.of());
        SignalNames names = new SignalNames();
        int temp = names.id("temp", "");
        names.id("other", "");
        r.resolve(names);
        List<Long> fired = new ArrayList<>();
        double[] values = {5, 11, 12, 5, 11, 5, 11, 5, 11, 5, 11};   // one value per second
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(r.offer(temp, values[i], i * S))) {
                r.fired(i * S);
                fired.add((long) i);
            }
            assertTrue(Double.isNaN(r.offer(1, 99, i * S)), "another signal never fires it");
        }
        // t=1 fires; 12 at t=2 is no new crossing; t=4 within the 5 s debounce; t=6 fires; then max-rate 2/m holds
        assertEquals(List.of(1L, 6L), fired);
        TriggerRule later = new TriggerRule(rule("{id: hot, stream: imu, signal: temp, above: 10, debounce: 5s, max-rate: 2/m}"),
                S, S, List.of(1 * S, 6 * S));
        later.resolve(names);
        assertTrue(Double.isNaN(later.offer(temp, 11, 30 * S)), "persisted firings count after a restart");
        assertTrue(Double.isNaN(later.offer(temp, 5, 70 * S)));
        assertEquals(11.0, later.offer(temp, 11, 71 * S), 1e-9, "a minute after the firings the rate allows one more");
    }

    @Test
    void normIsTheMagnitudeOfOneSample() {
        TriggerRule r = new TriggerRule(rule("{id: shock, stream: imu, signal: accel.norm, above: 30, debounce: 0s}"),
                S, S, List.of());
        SignalNames names = new SignalNames();
        int x = names.id("accel.x", ""), y = names.id("accel.y", ""), z = names.id("accel.z", "");
        r.resolve(names);
        assertTrue(r.resolved());
        // |(20, 20, 9.8)| = 29.9: below
        assertTrue(Double.isNaN(r.offer(x, 20, S)));
        assertTrue(Double.isNaN(r.offer(y, 20, S)));
        assertTrue(Double.isNaN(r.offer(z, 9.8, S)));
        // |(-20, 20, 15)| = 32.0: above, once the sample's three components are in
        assertTrue(Double.isNaN(r.offer(x, -20, 2 * S)));
        assertTrue(Double.isNaN(r.offer(y, 20, 2 * S)));
        assertEquals(Math.sqrt(400 + 400 + 225), r.offer(z, 15, 2 * S), 1e-9);
    }
}
