package dev.edgeagent.agent.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.EvictionMark;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.batch.OutboxClaims;
import dev.edgeagent.agent.batch.StreamBatcher;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.Tier;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the agent's disk use within its quotas, on its own thread, every {@code storage.monitor-interval}:
 * <ul>
 * <li>a tier over its byte quota: drop-oldest evicts the tier's oldest data; reject-new closes its streams'
 * capture queues ({@link dev.edgeagent.agent.capture.Admission}) until it is under quota again;</li>
 * <li>outbox batches older than their tier's age quota are evicted;</li>
 * <li>the filesystem below {@code min-free} (a full disk) or all tiers above {@code max-bytes}: tiers are
 * evicted in {@code eviction-order}, critical only once no lower tier holds evictable data; what cannot be
 * freed closes the lower tiers' queues so that critical keeps capturing; all reopen when space returns.</li>
 * </ul>
 * Within a tier, oldest first: queue files already batched (no data lost), then outbox batches (object and
 * manifest, skipping the one being uploaded: {@link OutboxClaims}), then queue files not yet batched (deleted
 * by the stream's batcher on its own thread). Every eviction and every rejection period is counted per stream
 * and written to the audit log with what was lost.
 */
public final class StorageGovernor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StorageGovernor.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BATCHER_ANSWER = Duration.ofSeconds(5);

    /** A stream the governor looks after. */
    public record Stream(String id, Tier tier, CaptureQueue queue, StreamBatcher batcher) {
    }

    private record Batch(Stream stream, Path manifest, Path object, long firstSeq, long lastSeq, long bytes, long sealedMs) {
    }

    private final Path dataDir;
    private final AgentConfig.StorageConfig config;
    private final List<Stream> streams;
    private final AuditLog audit;
    private final OutboxClaims claims;
    private final Runnable onEvicted;
    private final StorageStats stats = new StorageStats();
    private final Map<String, StorageStats.StreamCounters> counters = new LinkedHashMap<>();
    private final Map<String, Long> rejectedAtStart = new java.util.HashMap<>();
    private volatile String reason = "";
    private volatile boolean closed;
    private Thread thread;

    public StorageGovernor(Path dataDir, AgentConfig.StorageConfig config, List<Stream> streams, AuditLog audit,
                           OutboxClaims claims, Runnable onEvicted) {
        this.dataDir = dataDir;
        this.config = config;
        this.streams = List.copyOf(streams);
        this.audit = audit;
        this.claims = claims;
        this.onEvicted = onEvicted;
        for (Stream s : streams) {
            counters.put(s.id(), new StorageStats.StreamCounters(s.id(), s.tier()));
            if (s.batcher() != null) {
                s.batcher().onQueueEviction(this::onQueueEviction);
            }
        }
    }

    public StorageStats stats() {
        return stats;
    }

    public Map<String, StorageStats.StreamCounters> counters() {
        return counters;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::run, "edge-storage");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        while (!closed) {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "storage check failed (next in " + config.monitorInterval().toMillis() + " ms): " + e, e);
            } catch (InterruptedException e) {
                return;
            }
            // parked, not interrupted, on close: an interrupt would close the audit log's channel mid-write
            java.util.concurrent.locks.LockSupport.parkNanos(Math.max(10_000_000L, config.monitorInterval().toNanos()));
        }
    }

    private AgentConfig.TierQuotaConfig quota(Tier t) {
        return switch (t) {
            case critical -> config.quotas().critical();
            case standard -> config.quotas().standard();
            case bulk -> config.quotas().bulk();
        };
    }

    /** One measurement and enforcement pass. Governor thread (or a test's). */
    public void check() throws InterruptedException {
        Map<Tier, Long> used = measure();
        long now = System.currentTimeMillis();
        // age quotas: outbox batches waiting longer than their tier allows
        for (Tier t : Tier.values()) {
            Duration age = quota(t).age().orElse(null);
            if (age != null) {
                reason = "age";
                for (Batch b : batches(t)) {
                    if (now - b.sealedMs() > age.toMillis()) {
                        evictBatch(b);
                    }
                }
            }
        }
        // per-tier byte quotas
        for (Tier t : Tier.values()) {
            AgentConfig.TierQuotaConfig q = quota(t);
            long over = q.bytes().isPresent() ? used.get(t) - q.bytes().get().asLongValue() : Long.MIN_VALUE;
            reason = "quota";
            if (over > 0) {
                long freed = evictTier(t, over, q.policy() == AgentConfig.QuotaPolicy.DROP_OLDEST);
                if (q.policy() == AgentConfig.QuotaPolicy.REJECT_NEW && freed < over) {
                    reject(t, "quota");
                }
            } else if (q.policy() == AgentConfig.QuotaPolicy.REJECT_NEW
                    && (q.bytes().isEmpty() || used.get(t) <= q.bytes().get().asLongValue() / 10 * 9)) {
                // reopened below 90%: not on every file that comes and goes at the limit
                admit(t, "quota");
            }
        }
        // the disk, and the total over all tiers
        used = measure();
        long free = stats.freeBytes;
        long need = free >= 0 ? config.minFree().asLongValue() - free : 0;
        if (config.maxBytes().asLongValue() > 0) {
            long total = used.values().stream().mapToLong(Long::longValue).sum();
            need = Math.max(need, total - config.maxBytes().asLongValue());
        }
        if (need > 0) {
            reason = "disk";
            List<Tier> order = new ArrayList<>(config.evictionOrder());
            order.remove(Tier.critical);
            // first what loses nothing: queue files already in sealed batches (kept only for retention), any tier
            for (Tier t : order) {
                need -= need > 0 ? evictQueues(t, need, false) : 0;
            }
            need -= need > 0 ? evictQueues(Tier.critical, need, false) : 0;
            for (Tier t : order) {
                if (need <= 0) {
                    break;
                }
                need -= evictTier(t, need, true);
            }
            if (need > 0 && !lowerTiersHoldEvictable()) {
                need -= evictTier(Tier.critical, need, true);
            }
            if (need > 0) {
                // nothing more to free: the lower tiers yield what is left to critical
                for (Tier t : Tier.values()) {
                    if (t != Tier.critical) {
                        reject(t, "disk");
                    }
                }
            }
        } else {
            for (Tier t : Tier.values()) {
                admit(t, "disk");
            }
        }
        measure();
        stats.lastCheckEpochMs = System.currentTimeMillis();
    }

    private boolean lowerTiersHoldEvictable() {
        for (Stream s : streams) {
            if (s.tier() == Tier.critical) {
                continue;
            }
            if (!batches(s).isEmpty()) {
                return true;
            }
            List<CaptureQueue.CycleFile> files = s.queue().cycleFiles();
            if (files.size() > 1) {
                return true;   // the newest is being written and is never evicted
            }
        }
        return false;
    }

    /**
     * Frees up to {@code bytes} of the tier, oldest first; returns what it freed. Queue files already batched go
     * first (nothing is lost); with {@code mayLoseData}, then outbox batches, then queue files not yet batched.
     */
    private long evictTier(Tier t, long bytes, boolean mayLoseData) throws InterruptedException {
        long freed = evictQueues(t, bytes, false);
        if (freed >= bytes || !mayLoseData) {
            return freed;
        }
        for (Batch b : batches(t)) {
            if (freed >= bytes) {
                return freed;
            }
            freed += evictBatch(b);
        }
        if (freed < bytes) {
            freed += evictQueues(t, bytes - freed, true);
        }
        return freed;
    }

    private long evictQueues(Tier t, long bytes, boolean lossy) throws InterruptedException {
        long freed = 0;
        for (Stream s : streams) {
            if (s.tier() != t || s.batcher() == null || freed >= bytes) {
                continue;
            }
            long before = queueBytes(s);
            s.batcher().evictQueueFiles(bytes - freed, lossy, BATCHER_ANSWER);
            freed += Math.max(0, before - queueBytes(s));
        }
        return freed;
    }

    /** Batcher thread: a queue eviction it did for us. */
    private void onQueueEviction(StreamBatcher.QueueEviction r) {
        StorageStats.StreamCounters c = counters.get(r.streamId());
        c.evictedQueueFiles.addAndGet(r.files());
        c.evictedQueueBytes.addAndGet(r.bytes());
        c.lostQueueRecords.addAndGet(r.lostRecords());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("store", "queue");
        entry.put("stream", r.streamId());
        entry.put("tier", c.tier().name());
        entry.put("reason", reason);
        entry.put("files", r.files());
        entry.put("bytes", r.bytes());
        entry.put("lostRecords", r.lostRecords());
        if (r.lostRecords() > 0) {
            entry.put("firstSeq", r.lostFirstSeq());
            entry.put("lastSeq", r.lostLastSeq());
            LOG.log(Level.WARNING, "stream " + r.streamId() + ": evicted " + r.files() + " capture queue files ("
                    + r.bytes() + " bytes, " + reason + "); records " + r.lostFirstSeq() + "-" + r.lostLastSeq()
                    + " were not yet batched and are lost");
        }
        audit(entry);
    }

    /** Removes one sealed batch unless it is being uploaded; returns the bytes freed. */
    private long evictBatch(Batch b) {
        try {
            long records = records(b);
            if (!claims.evict(b.manifest(), b.object())) {
                return 0;
            }
            EvictionMark.record(dataDir, b.stream().id(), b.lastSeq());
            StorageStats.StreamCounters c = counters.get(b.stream().id());
            c.evictedBatches.incrementAndGet();
            c.evictedBatchBytes.addAndGet(b.bytes());
            c.evictedBatchRecords.addAndGet(records);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("store", "outbox");
            entry.put("stream", b.stream().id());
            entry.put("tier", b.stream().tier().name());
            entry.put("reason", reason);
            entry.put("firstSeq", b.firstSeq());
            entry.put("lastSeq", b.lastSeq());
            entry.put("records", records);
            entry.put("bytes", b.bytes());
            audit(entry);
            LOG.log(Level.WARNING, "stream " + b.stream().id() + ": evicted batch " + b.firstSeq() + "-" + b.lastSeq()
                    + " (" + b.bytes() + " bytes, " + reason + ") from the outbox before upload");
            onEvicted.run();
            return b.bytes();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot evict " + b.manifest() + ": " + e);
            return 0;
        }
    }

    private long records(Batch b) {
        try {
            JsonNode n = JSON.readTree(b.manifest().toFile());
            return n.path("recordCount").asLong(b.lastSeq() - b.firstSeq() + 1);
        } catch (IOException e) {
            return b.lastSeq() - b.firstSeq() + 1;   // batches are contiguous
        }
    }

    private void audit(Map<String, Object> entry) {
        if (audit != null) {
            audit.record(entry.containsKey("store") ? "evict" : "reject", entry);
        }
    }

    private void reject(Tier t, String why) {
        for (Stream s : streams) {
            if (s.tier() == t && s.queue().admission().rejecting() == null) {
                s.queue().admission().reject(why);
                rejectedAtStart.put(s.id(), s.queue().admission().rejected());
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("stream", s.id());
                entry.put("tier", t.name());
                entry.put("reason", why);
                entry.put("state", "start");
                entry.put("lastSeq", s.queue().stats().lastSequence());
                audit(entry);
                LOG.log(Level.WARNING, "stream " + s.id() + ": new records refused (" + why + ")");
            }
        }
        stats.rejecting.set(t.ordinal(), streams.stream().filter(s -> s.tier() == t
                && s.queue().admission().rejecting() != null).count());
    }

    private void admit(Tier t, String why) {
        for (Stream s : streams) {
            if (s.tier() == t && why.equals(s.queue().admission().rejecting())) {
                s.queue().admission().reject(null);
                long refused = s.queue().admission().rejected() - rejectedAtStart.getOrDefault(s.id(), 0L);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("stream", s.id());
                entry.put("tier", t.name());
                entry.put("reason", why);
                entry.put("state", "end");
                entry.put("refusedAppends", refused);
                audit(entry);
                LOG.log(Level.INFO, "stream " + s.id() + ": new records taken again (" + refused + " appends refused)");
            }
        }
        stats.rejecting.set(t.ordinal(), streams.stream().filter(s -> s.tier() == t
                && s.queue().admission().rejecting() != null).count());
    }

    /** Disk use per tier and free space; updates the stats. */
    private Map<Tier, Long> measure() {
        Map<Tier, Long> used = new EnumMap<>(Tier.class);
        long[] q = new long[Tier.values().length];
        long[] o = new long[Tier.values().length];
        long[] n = new long[Tier.values().length];
        for (Stream s : streams) {
            q[s.tier().ordinal()] += queueBytes(s);
            for (Batch b : batches(s)) {
                o[s.tier().ordinal()] += b.bytes();
                n[s.tier().ordinal()]++;
            }
        }
        for (Tier t : Tier.values()) {
            stats.queueBytes.set(t.ordinal(), q[t.ordinal()]);
            stats.outboxBytes.set(t.ordinal(), o[t.ordinal()]);
            stats.outboxBatches.set(t.ordinal(), n[t.ordinal()]);
            used.put(t, q[t.ordinal()] + o[t.ordinal()]);
        }
        try {
            stats.freeBytes = Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException e) {
            stats.freeBytes = -1;
        }
        return used;
    }

    /** What the stream's queue files hold on disk (not their lengths: their unwritten tails are sparse). */
    private static long queueBytes(Stream s) {
        long bytes = 0;
        for (CaptureQueue.CycleFile f : s.queue().cycleFiles()) {
            bytes += s.queue().dataBytes(f);
        }
        return bytes;
    }

    /** The tier's sealed batches, oldest sealed first. */
    private List<Batch> batches(Tier t) {
        List<Batch> all = new ArrayList<>();
        for (Stream s : streams) {
            if (s.tier() == t) {
                all.addAll(batches(s));
            }
        }
        all.sort(Comparator.comparingLong(Batch::sealedMs).thenComparing(b -> b.manifest().toString()));
        return all;
    }

    private List<Batch> batches(Stream s) {
        List<Batch> out = new ArrayList<>();
        Path dir = Outbox.streamDir(dataDir, s.id());
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Outbox.MANIFEST_SUFFIX)) {
            for (Path m : files) {
                String name = m.getFileName().toString();
                String base = name.substring(0, name.length() - Outbox.MANIFEST_SUFFIX.length());
                String[] seqs = base.split("-");
                if (seqs.length != 2) {
                    continue;
                }
                Path object = m.resolveSibling(base + Outbox.MCAP_SUFFIX);
                File mf = m.toFile();
                long bytes = mf.length() + object.toFile().length();
                out.add(new Batch(s, m, object, Long.parseLong(seqs[0]), Long.parseLong(seqs[1]), bytes, mf.lastModified()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot list " + dir + ": " + e);
        }
        out.sort(Comparator.comparingLong(Batch::firstSeq));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            java.util.concurrent.locks.LockSupport.unpark(thread);
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // a refusal period still open ends with the agent: its count goes into the audit log
        for (Tier t : Tier.values()) {
            admit(t, "quota");
            admit(t, "disk");
        }
    }
}
