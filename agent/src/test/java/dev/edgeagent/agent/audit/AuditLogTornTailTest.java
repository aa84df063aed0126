package dev.edgeagent.agent.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AuditLogTornTailTest {

    @TempDir
    Path dataDir;

    @Test
    void anAppendCutShortIsDroppedAtOpenAndTheChainContinuesIntact() throws Exception {
        Path file;
        try (AuditLog log = AuditLog.open(dataDir)) {
            log.append("evict", Map.of("stream", "cam", "firstSeq", 0, "lastSeq", 9));
            log.append("evict", Map.of("stream", "cam", "firstSeq", 10, "lastSeq", 19));
            file = log.file();
        }
        // a crash (or ENOSPC) in the middle of the third entry
        Files.write(file, "{\"seq\":2,\"time\":\"2026-".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(dataDir)) {
            assertEquals(2, log.entries());
            log.append("upload", Map.of("stream", "can"));
        }
        AuditLog.Verification v = AuditLog.verify(file);
        assertTrue(v.intact(), v.problem());
        assertEquals(3, v.entries());
    }
}
