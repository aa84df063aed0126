package dev.edgeagent.agent.upload;

import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.OutboxClaims;
import dev.edgeagent.agent.config.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.edgeagent.agent.upload.UploaderTest.seal;
import static org.junit.jupiter.api.Assertions.*;

/** The uploader's tier rules: conditions, windows, promotion, budgets; and the audit log's upload. */
class TierPolicyTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path uploadDir;

    private static UploadPolicy policy(LinkMonitor link, UploadPolicy.TierRule... rules) {
        return new UploadPolicy(List.of(rules), 0, link, Duration.ZERO, ZoneOffset.UTC);
    }

    private static List<String> objects(UploaderTest.RecordingTarget t) {
        return t.keys.stream().filter(k -> k.endsWith(".mcap")).toList();
    }

    @Test
    void bulkOnUnmeteredWaitsWhileTheLinkFileSaysMeteredAndGoesWhenItSaysUnmetered() throws Exception {
        Path linkFile = dataDir.resolve("link");
        Files.writeString(linkFile, "metered\n");
        LinkMonitor link = new LinkMonitor(linkFile, null, Duration.ofHours(1));
        link.check();
        seal(dataDir, "cam", "bulk", 0, 0, 100, System.currentTimeMillis() * 1_000_000L);
        seal(dataDir, "can", "standard", 0, 0, 100, System.currentTimeMillis() * 1_000_000L);
        UploaderTest.RecordingTarget target = new UploaderTest.RecordingTarget(new FileUploadTarget(uploadDir));
        Uploader u = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10), policy(link,
                new UploadPolicy.TierRule(Tier.bulk, 0, Duration.ofHours(24).toNanos(), true, List.of())), new OutboxClaims());
        for (int i = 0; i < 20; i++) {
            u.doWork();
        }
        assertEquals(1, objects(target).size());
        assertTrue(objects(target).get(0).contains("stream=can/"));
        assertEquals(1, u.stats().backlogBatches(Tier.bulk), "bulk held on a metered link");

        Files.writeString(linkFile, "unmetered\n");
        link.check();
        UploaderTest.runUntilIdle(u, 20);
        assertEquals(2, objects(target).size());
        assertTrue(objects(target).get(1).contains("stream=cam/"));

        link.report(false);   // e.g. a cloud status message over MQTT
        assertFalse(link.unmetered());
    }

    @Test
    void linkCommandAndWindowsDecide() throws Exception {
        LinkMonitor byCommand = new LinkMonitor(null, "echo unmetered", Duration.ofSeconds(5));
        byCommand.check();
        assertTrue(byCommand.unmetered());
        LinkMonitor garbage = new LinkMonitor(null, "echo maybe", Duration.ofSeconds(5));
        garbage.check();
        assertFalse(garbage.unmetered(), "unknown counts as metered");

        UploadPolicy p = policy(LinkMonitor.manual(), new UploadPolicy.TierRule(Tier.bulk, 0, Long.MAX_VALUE, true,
                List.of(UploadPolicy.parseWindow("23:30-02:00"), UploadPolicy.parseWindow("12:00-12:10"))));
        long day = 1_700_006_400_000L;   // 2023-11-15T00:00Z
        assertTrue(p.allowed(Tier.bulk, day + 60_000), "00:01 is inside 23:30-02:00");
        assertTrue(p.allowed(Tier.bulk, day - 10 * 60_000), "23:50 is inside");
        assertFalse(p.allowed(Tier.bulk, day + 2 * 3_600_000), "02:00 is the end");
        assertTrue(p.allowed(Tier.bulk, day + 12 * 3_600_000 + 5 * 60_000));
        assertFalse(p.allowed(Tier.bulk, day + 11 * 3_600_000));
        assertTrue(p.allowed(Tier.standard, day + 11 * 3_600_000), "standard has no condition");
    }

    @Test
    void aBatchOlderThanItsTiersMaxAgeGoesAsTheTierAbove() throws Exception {
        long now = System.currentTimeMillis() * 1_000_000L;
        seal(dataDir, "can", "standard", 0, 0, 100, now - 1_000_000_000L);
        seal(dataDir, "cam", "bulk", 0, 0, 100, now - Duration.ofHours(2).toNanos());   // older than bulk's 1h
        seal(dataDir, "lidar", "bulk", 0, 0, 100, now - 2_000_000_000L);                // not yet
        UploaderTest.RecordingTarget target = new UploaderTest.RecordingTarget(new FileUploadTarget(uploadDir));
        Uploader u = new Uploader(dataDir, target, Duration.ofMillis(1), Duration.ofMillis(10), policy(LinkMonitor.manual(),
                new UploadPolicy.TierRule(Tier.bulk, 0, Duration.ofHours(1).toNanos(), false, List.of())), new OutboxClaims());
        UploaderTest.runUntilIdle(u, 20);
        List<String> order = objects(target);
        assertEquals(3, order.size());
        assertTrue(order.get(0).contains("stream=cam/"), "promoted to standard, and older: " + order);
        assertTrue(order.get(1).contains("stream=can/"), order.toString());
        assertTrue(order.get(2).contains("stream=lidar/"), order.toString());
    }

    @Test
    void aTokenBucketLetsOneObjectIntoDebtAndHoldsTheNextUntilRepaid() {
        TokenBucket b = new TokenBucket(1000, 0);
        assertEquals(0, b.nanosUntilReady(0));
        b.consume(3000, 0);   // 1000 of burst, 2000 of debt
        assertEquals(2_000_000_000L, b.nanosUntilReady(0), 1_000_000);
        assertEquals(1_000_000_000L, b.nanosUntilReady(1_000_000_000L), 1_000_000);
        assertEquals(0, b.nanosUntilReady(2_000_000_000L));
        assertTrue(new TokenBucket(0, 0).unlimited());
    }

    /** Fails the first put, then behaves. */
    static final class FlakyTarget implements UploadTarget {
        final UploadTarget inner;
        final List<String> attempts = new ArrayList<>();
        boolean failNext = true;

        FlakyTarget(UploadTarget inner) {
            this.inner = inner;
        }

        @Override
        public void put(String key, Path file, long size, String sha256Hex, String contentType) throws UploadException {
            attempts.add(key);
            if (failNext) {
                failNext = false;
                throw new UploadException("link down", true);
            }
            inner.put(key, file, size, sha256Hex, contentType);
        }

        @Override
        public String describe() {
            return "flaky";
        }
    }

    @Test
    void theAuditLogGoesUpInRangesThatARestartRepeatsExactlyNeverOverlapping() throws Exception {
        try (AuditLog log = AuditLog.open(dataDir)) {
            for (int i = 0; i < 5; i++) {
                log.append("test", Map.of("i", i));
            }
            FlakyTarget target = new FlakyTarget(new FileUploadTarget(uploadDir));
            AuditShipper first = new AuditShipper(dataDir, log.file(), "dev1");
            assertThrows(UploadException.class, () -> first.ship(target));
            // more entries arrive, then the agent restarts: the pending range goes up as it was cut
            for (int i = 5; i < 8; i++) {
                log.append("test", Map.of("i", i));
            }
            AuditShipper second = new AuditShipper(dataDir, log.file(), "dev1");
            assertEquals(5, second.ship(target));
            assertEquals(3, second.ship(target));
            assertEquals(0, second.ship(target));
            assertFalse(second.hasNew());
            assertEquals(List.of("device=dev1/audit/00000000000000000000-00000000000000000004.jsonl",
                    "device=dev1/audit/00000000000000000000-00000000000000000004.jsonl",
                    "device=dev1/audit/00000000000000000005-00000000000000000007.jsonl"), target.attempts);
            byte[] joined = concat(uploadDir.resolve(target.attempts.get(0)), uploadDir.resolve(target.attempts.get(2)));
            assertArrayEquals(Files.readAllBytes(log.file()), joined);
        }
    }

    private static byte[] concat(Path a, Path b) throws Exception {
        byte[] x = Files.readAllBytes(a);
        byte[] y = Files.readAllBytes(b);
        byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
