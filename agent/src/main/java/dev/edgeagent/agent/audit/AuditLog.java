package dev.edgeagent.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The agent's append-only audit log: uploads, evictions, purges, commands, config reloads. One JSON object
 * per line in {@code <dataDir>/audit/audit.jsonl}:
 * <pre>
 * {"seq":12,"time":"2026-11-23T10:00:00.123Z","type":"evict","stream":"cam","firstSeq":..,"prev":"&lt;hash of entry 11&gt;","hash":"&lt;hex&gt;"}
 * </pre>
 * {@code hash} is SHA-256 over the previous entry's hash and this entry's JSON without {@code hash} (UTF-8,
 * fields in the order written), so removing, reordering or editing a line breaks the chain from there on;
 * {@link #verify} checks it. Entry 0's {@code prev} is 64 zeros. Each append is fsynced: the log records what
 * was lost or deleted, so it must itself survive a crash. Appends are serialized (never on a capture path).
 */
public final class AuditLog implements AutoCloseable {

    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private long nextSeq;
    private String lastHash;

    /** Opens (creating) the log under {@code dataDir/audit}, continuing the chain of what is there. */
    public static AuditLog open(Path dataDir) throws IOException {
        return new AuditLog(dataDir.resolve("audit").resolve("audit.jsonl"));
    }

    public AuditLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            cutTornTail(file);
        }
        Verification v = Files.exists(file) ? verify(file) : new Verification(true, 0, GENESIS, null);
        if (!v.intact()) {
            // a torn last line (crash mid-append) is cut off; anything else is evidence and is kept as is
            System.getLogger(AuditLog.class.getName()).log(System.Logger.Level.WARNING,
                    "audit log " + file + " does not verify (" + v.problem() + "); new entries chain to the last valid one");
        }
        this.nextSeq = v.entries();
        this.lastHash = v.lastHash();
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * Every entry ends with a newline: bytes after the last one are an append cut short (crash, full disk) and
     * would merge with the next entry into one unreadable line. They are cut off, as the class says.
     */
    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            cutTornTail(channel);
        }
    }

    private static void cutTornTail(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
            one.clear();
            channel.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end < size) {
            channel.truncate(end);
            channel.force(true);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one entry and makes it durable.
     *
     * @param type   what happened: upload, evict, reject, purge, command, command-refused, config-reload, ...
     * @param fields the entry's details (values: strings, numbers, booleans, lists, maps)
     * @return the entry's hash
     */
    public synchronized String append(String type, Map<String, ?> fields) throws IOException {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("seq", nextSeq);
        entry.put("time", java.time.Instant.now().toString());
        entry.put("type", type);
        for (Map.Entry<String, ?> f : fields.entrySet()) {
            if (!f.getKey().equals("seq") && !f.getKey().equals("prev") && !f.getKey().equals("hash")) {
                entry.set(f.getKey(), JSON.valueToTree(f.getValue()));
            }
        }
        entry.put("prev", lastHash);
        String hash = hash(lastHash, JSON.writeValueAsString(entry));
        entry.put("hash", hash);
        byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        long before = channel.size();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            // a full disk may take part of the line: take it back, so the next entry starts on a line of its own
            try {
                channel.truncate(before);
            } catch (IOException | RuntimeException truncateFailed) {
                e.addSuppressed(truncateFailed);
            }
            throw e;
        }
        nextSeq++;
        lastHash = hash;
        return hash;
    }

    /** Like {@link #append} but never throws: an audit failure is logged, it must not stop the caller's work. */
    public void record(String type, Map<String, ?> fields) {
        try {
            append(type, fields);
        } catch (IOException | RuntimeException e) {
            System.getLogger(AuditLog.class.getName()).log(System.Logger.Level.ERROR,
                    "cannot write audit entry " + type + " " + fields + ": " + e);
        }
    }

    public synchronized long entries() {
        return nextSeq;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /**
     * The result of checking a log's chain.
     *
     * @param entries  valid entries from the start
     * @param lastHash hash of the last valid entry (GENESIS when none)
     * @param problem  null when intact, else the first broken line and why
     */
    public record Verification(boolean intact, long entries, String lastHash, String problem) {
    }

    /** Recomputes every entry's hash and link; stops at the first that does not match. */
    public static Verification verify(Path file) throws IOException {
        long n = 0;
        String prev = GENESIS;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    return new Verification(false, n, prev, "line " + (n + 1) + ": not JSON (" + e.getMessage() + ")");
                }
                if (!(node instanceof ObjectNode entry) || !entry.has("hash") || !entry.has("prev")) {
                    return new Verification(false, n, prev, "line " + (n + 1) + ": no hash/prev fields");
                }
                if (!prev.equals(entry.get("prev").asText())) {
                    return new Verification(false, n, prev, "line " + (n + 1) + ": prev does not name entry " + n + "'s hash");
                }
                if (entry.path("seq").asLong(-1) != n) {
                    return new Verification(false, n, prev, "line " + (n + 1) + ": seq " + entry.path("seq") + ", expected " + n);
                }
                String stated = entry.remove("hash").asText();
                String actual = hash(prev, JSON.writeValueAsString(entry));
                if (!actual.equals(stated)) {
                    return new Verification(false, n, prev, "line " + (n + 1) + ": hash does not match its content");
                }
                prev = stated;
                n++;
            }
        }
        return new Verification(true, n, prev, null);
    }

    /** Entries of a log as JSON objects, in order (for tests, the status command, uploads). */
    public static java.util.List<JsonNode> read(Path file) throws IOException {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static String hash(String prev, String entryJson) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) '\n');
            sha.update(entryJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
