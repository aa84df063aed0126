package dev.edgeagent.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.Outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Uploads the audit log incrementally as objects {@code device=D/audit/<firstSeq>-<lastSeq>.jsonl}, each entry
 * exactly once. State in {@code <dataDir>/state/audit.uploaded.json}: the byte offset uploaded up to, and the
 * range being uploaded. The range is written (durably) before its upload and the offset raised only after it is
 * confirmed, so a crash repeats the same range to the same key with the same bytes (the log is append-only),
 * never a different cut that would duplicate or skip entries. Uploader thread only.
 */
final class AuditShipper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path log;
    private final Path stateFile;
    private final Path chunkFile;
    private final String deviceId;
    private long offset;
    private Pending pending;

    private record Pending(long from, long to, long firstSeq, long lastSeq) {
        String key(String deviceId) {
            return "device=" + deviceId + "/audit/" + Outbox.batchName(firstSeq, lastSeq) + ".jsonl";
        }
    }

    AuditShipper(Path dataDir, Path log, String deviceId) throws IOException {
        this.log = log;
        this.stateFile = UploadState.dir(dataDir).resolve("audit.uploaded.json");
        this.chunkFile = UploadState.dir(dataDir).resolve(".audit-upload.jsonl");
        this.deviceId = deviceId;
        if (Files.exists(stateFile)) {
            JsonNode n = JSON.readTree(stateFile.toFile());
            offset = n.path("offset").asLong(0);
            JsonNode p = n.path("pending");
            if (p.isObject()) {
                pending = new Pending(p.path("from").asLong(), p.path("to").asLong(), p.path("firstSeq").asLong(),
                        p.path("lastSeq").asLong());
            }
        }
    }

    /** True when there are complete entries not yet uploaded. */
    boolean hasNew() throws IOException {
        return pending != null || (Files.exists(log) && Files.size(log) > offset);
    }

    /**
     * Uploads the next range of complete entries, if any. Returns the number of entries uploaded.
     *
     * @throws UploadException as the target throws it; the range stays pending and is retried as it is
     */
    long ship(UploadTarget target) throws IOException, UploadException {
        if (pending == null && !cut()) {
            return 0;
        }
        Pending p = pending;
        byte[] bytes = read(p.from(), p.to());
        // a new file each time, never rewritten in place: a file target may have hard-linked the last one
        Files.deleteIfExists(chunkFile);
        Files.write(chunkFile, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        target.put(p.key(deviceId), chunkFile, bytes.length, Checksums.sha256Hex(chunkFile, bytes.length),
                "application/x-ndjson");
        offset = p.to();
        pending = null;
        writeState();
        Files.deleteIfExists(chunkFile);
        return p.lastSeq() - p.firstSeq() + 1;
    }

    /** Fixes the next range: from the offset to the end of the last complete line. */
    private boolean cut() throws IOException {
        if (!Files.exists(log)) {
            return false;
        }
        long size = Files.size(log);
        if (size <= offset) {
            return false;
        }
        // at most 4 MiB per object: a long outage does not make one object of the whole log
        byte[] tail = read(offset, Math.min(size, offset + (4 << 20)));
        int end = -1;
        for (int i = tail.length - 1; i >= 0; i--) {
            if (tail[i] == '\n') {
                end = i + 1;
                break;
            }
        }
        if (end <= 0) {
            return false;   // an entry being written: its line is not complete yet
        }
        String text = new String(tail, 0, end, StandardCharsets.UTF_8);
        String[] lines = text.strip().split("\n");
        long first = JSON.readTree(lines[0]).path("seq").asLong(-1);
        long last = JSON.readTree(lines[lines.length - 1]).path("seq").asLong(-1);
        pending = new Pending(offset, offset + end, first, last);
        writeState();
        return true;
    }

    private byte[] read(long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    throw new IOException("audit log " + log + " is shorter than its uploaded offset " + to);
                }
            }
        }
        return buf.array();
    }

    private void writeState() throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("offset", offset);
        if (pending != null) {
            state.put("pending", Map.of("from", pending.from(), "to", pending.to(), "firstSeq", pending.firstSeq(),
                    "lastSeq", pending.lastSeq()));
        }
        Files.createDirectories(stateFile.getParent());
        Outbox.writeAtomically(stateFile.resolveSibling("." + stateFile.getFileName() + ".tmp"), stateFile,
                JSON.writeValueAsBytes(state));
    }
}
