package dev.edgeagent.agent.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.edgeagent.agent.config.AgentConfigLoaderTest.MINIMAL;
import static dev.edgeagent.agent.config.AgentConfigLoaderTest.fails;
import static org.junit.jupiter.api.Assertions.*;

/** The tier, budget and quota keys: read as documented, wrong values named by key. */
class UploadTiersConfigTest {

    @Test
    void tiersBudgetsAndQuotasAreReadAsDocumented() throws Exception {
        AgentConfig c = AgentConfigLoader.parse("agent.yaml", MINIMAL + """
                  upload:
                    link-budget: 2MB/s
                    link-monitor: {command: "cat /run/link", poll: 5s}
                    tiers:
                      standard: {bandwidth: 512K/s, max-age: 30m}
                      bulk: {bandwidth: 1M, when: unmetered, windows: ["01:00-05:00"]}
                  storage:
                    quotas:
                      critical: {bytes: 256M, age: 7d, policy: reject-new}
                      bulk: {bytes: 4G}
                    eviction-order: [bulk, standard]
                """, Map.of()).agent();
        assertEquals(2L << 20, c.upload().linkBudget().bytesPerSecond());
        assertEquals(512L << 10, c.upload().tiers().standard().bandwidth().bytesPerSecond());
        assertEquals(Duration.ofMinutes(30), c.upload().tiers().standard().maxAge().orElseThrow());
        assertTrue(c.upload().tiers().critical().bandwidth().unlimited());
        assertEquals(AgentConfig.UploadWhen.unmetered, c.upload().tiers().bulk().when());
        assertEquals(List.of("01:00-05:00"), c.upload().tiers().bulk().windows().orElseThrow());
        assertEquals(AgentConfig.QuotaPolicy.REJECT_NEW, c.storage().quotas().critical().policy());
        assertEquals(Duration.ofDays(7), c.storage().quotas().critical().age().orElseThrow());
        assertEquals(AgentConfig.QuotaPolicy.DROP_OLDEST, c.storage().quotas().bulk().policy());
        assertEquals(4L << 30, c.storage().quotas().bulk().bytes().orElseThrow().asLongValue());
        assertTrue(c.storage().quotas().standard().bytes().isEmpty());
        assertEquals(List.of(Tier.bulk, Tier.standard), c.storage().evictionOrder());
        assertEquals(64L << 20, c.storage().minFree().asLongValue());
    }

    @Test
    void wrongValuesAreNamedByKey() {
        ConfigException e = fails(MINIMAL + """
                  upload:
                    tiers:
                      bulk: {windows: ["25:00-05:00"]}
                  storage:
                    eviction-order: [critical, bulk]
                """);
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("agent.upload.tiers.bulk.windows[0] = \"25:00-05:00\""), all);
        assertTrue(all.contains("agent.storage.eviction-order"), all);
    }
}
