package dev.edgeagent.agent.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLogTest {

    @TempDir
    Path dir;

    @Test
    void entriesChainAcrossReopenAndVerify() throws Exception {
        String first;
        try (AuditLog log = AuditLog.open(dir)) {
            first = log.append("evict", Map.of("stream", "cam", "firstSeq", 10, "lastSeq", 99, "bytes", 123456));
            log.append("upload", Map.of("key", "device=d/stream=cam/x.mcap"));
        }
        try (AuditLog log = AuditLog.open(dir)) {
            assertEquals(2, log.entries());
            log.append("command", Map.of("name", "purge", "from", "cloud"));
        }
        AuditLog.Verification v = AuditLog.verify(dir.resolve("audit/audit.jsonl"));
        assertTrue(v.intact(), v.problem());
        assertEquals(3, v.entries());
        var entries = AuditLog.read(dir.resolve("audit/audit.jsonl"));
        assertEquals(AuditLog.GENESIS, entries.get(0).get("prev").asText());
        assertEquals(first, entries.get(1).get("prev").asText());
        assertEquals("purge", entries.get(2).get("name").asText());
        assertEquals(2, entries.get(2).get("seq").asLong());
    }

    @Test
    void anEditedOrRemovedLineBreaksTheChainFromThere() throws Exception {
        try (AuditLog log = AuditLog.open(dir)) {
            for (int i = 0; i < 4; i++) {
                log.append("evict", Map.of("stream", "cam", "bytes", 1000 + i));
            }
        }
        Path file = dir.resolve("audit/audit.jsonl");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);

        Files.write(file, List.of(lines.get(0), lines.get(1).replace("1001", "9"), lines.get(2), lines.get(3)));
        AuditLog.Verification edited = AuditLog.verify(file);
        assertFalse(edited.intact());
        assertEquals(1, edited.entries());
        assertTrue(edited.problem().startsWith("line 2"), edited.problem());

        Files.write(file, List.of(lines.get(0), lines.get(2), lines.get(3)));
        AuditLog.Verification removed = AuditLog.verify(file);
        assertFalse(removed.intact());
        assertEquals(1, removed.entries());

        Files.write(file, lines);
        assertTrue(AuditLog.verify(file).intact());
        assertNotEquals(lines.get(0), lines.get(1));
    }
}
