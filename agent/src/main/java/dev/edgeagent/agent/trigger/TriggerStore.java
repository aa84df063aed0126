package dev.edgeagent.agent.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeagent.agent.batch.Outbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Durable trigger bookkeeping under {@code <dataDir>/trigger/}: {@code state.json} (next trigger number, last
 * firing time per rule, for debounce and max-rate across restarts) and {@code pending/<seq>.json} (fired, not
 * yet sealed). A trigger is on disk before anyone is told it fired (rule or command reply), and leaves
 * {@code pending/} only after its batch is sealed in the outbox. Thread-safe: rules fire on the transform
 * thread, commands on the control thread.
 */
public final class TriggerStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path pendingDir;
    private long nextSeq;
    private final Map<String, List<Long>> firings = new HashMap<>();

    public TriggerStore(Path dataDir, long sealedHighWater) throws IOException {
        this.dir = dataDir.resolve("trigger");
        this.pendingDir = dir.resolve("pending");
        Files.createDirectories(pendingDir);
        Path state = dir.resolve("state.json");
        long next = sealedHighWater + 1;
        if (Files.exists(state)) {
            JsonNode node = JSON.readTree(state.toFile());
            next = Math.max(next, node.path("nextSeq").asLong(0));
            node.path("firings").fields().forEachRemaining(e -> {
                List<Long> times = new ArrayList<>();
                e.getValue().forEach(t -> times.add(t.asLong()));
                firings.put(e.getKey(), times);
            });
        }
        for (TriggerRequest r : pending()) {
            next = Math.max(next, r.seq() + 1);
        }
        this.nextSeq = next;
    }

    /** Record times of the rule's recent firings (oldest first), as persisted. */
    public synchronized List<Long> firings(String rule) {
        return new ArrayList<>(firings.getOrDefault(rule, List.of()));
    }

    /**
     * Numbers and persists a new trigger (pending file and state, both fsynced) and returns it.
     *
     * @param keepFirings how many firing times of the rule to remember (max-rate's N), 0 for none
     */
    public synchronized TriggerRequest fire(String rule, String stream, String signal, Double value, Double threshold,
                                            long timeNs, long preNs, long postNs, String reason, int keepFirings)
            throws IOException {
        TriggerRequest r = new TriggerRequest(nextSeq, rule, stream, signal, value, threshold, timeNs,
                timeNs - preNs, timeNs + postNs, System.currentTimeMillis(), reason);
        Path file = pendingDir.resolve(r.seq() + ".json");
        Outbox.writeAtomically(pendingDir.resolve("." + r.seq() + ".tmp"), file, JSON.writeValueAsBytes(r));
        nextSeq++;
        if (keepFirings > 0) {
            List<Long> times = firings.computeIfAbsent(rule, k -> new ArrayList<>());
            times.add(timeNs);
            while (times.size() > keepFirings) {
                times.remove(0);
            }
        }
        saveState();
        return r;
    }

    private void saveState() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("nextSeq", nextSeq);
        ObjectNode f = node.putObject("firings");
        firings.forEach((rule, times) -> times.forEach(f.putArray(rule)::add));
        Outbox.writeAtomically(dir.resolve(".state.tmp"), dir.resolve("state.json"), JSON.writeValueAsBytes(node));
    }

    /** Fired and not yet sealed, oldest first. */
    public synchronized List<TriggerRequest> pending() throws IOException {
        List<TriggerRequest> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pendingDir, "*.json")) {
            for (Path p : files) {
                out.add(JSON.readValue(p.toFile(), TriggerRequest.class));
            }
        }
        out.sort(Comparator.comparingLong(TriggerRequest::seq));
        return out;
    }

    /** The trigger's batch is sealed: it is no longer pending. */
    public synchronized void done(long seq) throws IOException {
        Files.deleteIfExists(pendingDir.resolve(seq + ".json"));
        Outbox.fsyncDirectory(pendingDir);
    }
}
