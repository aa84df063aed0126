package dev.edgeagent.agent.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Per stream, the highest sequence evicted from the outbox: {@code <dataDir>/state/<stream>.evicted.json}.
 * The batcher's start-up recovery takes it into its sealed high-water mark, so records whose batch was
 * evicted (and audited as lost) are not batched again from the queue after a restart.
 */
public final class EvictionMark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvictionMark() {
    }

    static Path file(Path dataDir, String streamId) {
        return dataDir.resolve("state").resolve(streamId + ".evicted.json");
    }

    /** -1 when nothing of the stream was evicted. */
    public static long lastEvictedSeq(Path dataDir, String streamId) {
        Path f = file(dataDir, streamId);
        if (!Files.exists(f)) {
            return -1;
        }
        try {
            JsonNode node = JSON.readTree(f.toFile());
            return node == null ? -1 : node.path("lastSeq").asLong(-1);
        } catch (IOException e) {
            return -1;   // only a hint for recovery: a torn file means "re-batch", never "lose"
        }
    }

    /** Raises the mark (never lowers it), atomically. */
    public static void record(Path dataDir, String streamId, long lastSeq) throws IOException {
        if (lastSeq <= lastEvictedSeq(dataDir, streamId)) {
            return;
        }
        Path target = file(dataDir, streamId);
        Files.createDirectories(target.getParent());
        Outbox.writeAtomically(target.resolveSibling("." + target.getFileName() + ".tmp"), target,
                JSON.writeValueAsBytes(Map.of("streamId", streamId, "lastSeq", lastSeq)));
    }
}
