package dev.edgeagent.agent.purge;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.Outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Time ranges of a stream's records that were purged (right to deletion): {@code <dataDir>/purge/tombstones.json}.
 * Capture queues are append-only, so purged records stay in their files until retention removes them; the
 * tombstones make them unreadable to batching and trigger extraction meanwhile. One shared instance per data
 * directory ({@link #of}); reads are lock-free (a volatile array), additions are persisted before they apply.
 */
public final class PurgeTombstones {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, PurgeTombstones> BY_DIR = new ConcurrentHashMap<>();

    /** A purged range of one stream, by record time ({@code RecordView.timeNs()}), both ends included. */
    public record Tombstone(String stream, long fromNs, long toNs, long purgedAtMs) {
    }

    private final Path file;
    private volatile Tombstone[] all;

    private PurgeTombstones(Path dataDir) {
        this.file = dataDir.resolve("purge").resolve("tombstones.json");
        try {
            this.all = Files.exists(file)
                    ? JSON.readValue(file.toFile(), new TypeReference<List<Tombstone>>() { }).toArray(new Tombstone[0])
                    : new Tombstone[0];
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable purge tombstones " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tombstones of a data directory (shared by every stage of the process). */
    public static PurgeTombstones of(Path dataDir) {
        return BY_DIR.computeIfAbsent(dataDir.toAbsolutePath().normalize(), PurgeTombstones::new);
    }

    /** Bumps on every addition: a reader holding records read earlier checks it. */
    public int version() {
        return all.length;
    }

    public boolean isEmpty() {
        return all.length == 0;
    }

    /** True when the stream's record at {@code timeNs} was purged. Any thread, no allocation. */
    public boolean purged(String stream, long timeNs) {
        Tombstone[] t = all;
        for (Tombstone x : t) {
            if (timeNs >= x.fromNs && timeNs <= x.toNs && x.stream.equals(stream)) {
                return true;
            }
        }
        return false;
    }

    /** Persists (fsynced) and then applies a new tombstone. */
    public synchronized Tombstone add(String stream, long fromNs, long toNs) throws IOException {
        Tombstone t = new Tombstone(stream, fromNs, toNs, System.currentTimeMillis());
        List<Tombstone> next = new ArrayList<>(List.of(all));
        next.add(t);
        Files.createDirectories(file.getParent());
        Outbox.writeAtomically(file.resolveSibling(".tombstones.tmp"), file, JSON.writeValueAsBytes(next));
        all = next.toArray(new Tombstone[0]);
        return t;
    }

    public List<Tombstone> list() {
        return List.of(all);
    }
}
