package dev.edgeagent.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.Outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Per stream, the highest sequence number confirmed uploaded: {@code <dataDir>/state/<stream>.uploaded.json}.
 * It survives the batch leaving the outbox, so after a crash the batcher never re-batches (and so never
 * uploads twice under a different key) records that already went up.
 */
public final class UploadState {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UploadState() {
    }

    public static Path dir(Path dataDir) {
        return dataDir.resolve("state");
    }

    static Path file(Path dataDir, String streamId) {
        return dir(dataDir).resolve(streamId + ".uploaded.json");
    }

    /** -1 when nothing of the stream was uploaded yet. */
    public static long lastUploadedSeq(Path dataDir, String streamId) {
        Path f = file(dataDir, streamId);
        if (!Files.exists(f)) {
            return -1;
        }
        try {
            JsonNode node = JSON.readTree(f.toFile());
            if (node == null || !node.path("lastSeq").canConvertToLong()) {
                throw new IllegalStateException("upload state " + f + " has no lastSeq: " + node);
            }
            return node.path("lastSeq").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable upload state " + f + ": " + e.getMessage(), e);
        }
    }

    /** Raises the mark (never lowers it), atomically and durably. */
    static void recordUploaded(Path dataDir, String streamId, long lastSeq) throws IOException {
        long current = lastUploadedSeq(dataDir, streamId);
        if (lastSeq <= current) {
            return;
        }
        Files.createDirectories(dir(dataDir));
        Path target = file(dataDir, streamId);
        Outbox.writeAtomically(target.resolveSibling("." + target.getFileName() + ".tmp"), target,
                JSON.writeValueAsBytes(Map.of("streamId", streamId, "lastSeq", lastSeq,
                        "updatedAtMs", System.currentTimeMillis())));
    }
}
