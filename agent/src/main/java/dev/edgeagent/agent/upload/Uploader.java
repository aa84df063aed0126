package dev.edgeagent.agent.upload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.audit.AuditLog;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
import dev.edgeagent.agent.batch.OutboxClaims;
import dev.edgeagent.agent.config.Tier;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains the outbox to one {@link UploadTarget}: the audit log's new entries first, then critical tier, then
 * standard, then bulk (strict priority); oldest sealed first within a tier. A batch waiting longer than its
 * tier's max-age is ranked, budgeted and conditioned as the tier above. Each tier may have a byte budget and
 * the link one overall ({@link TokenBucket}); a tier whose condition does not hold (bulk on a metered link
 * outside its windows) waits. One batch per duty cycle; failures back off exponentially with full jitter,
 * forever (store-and-forward), so an outage costs nothing but time.
 *
 * <p>Per batch, in this order, so that a kill -9 anywhere repeats at most an identical upload to the same
 * key and never loses or duplicates a batch:
 * <ol>
 * <li>check the local object against its manifest (size, SHA-256): a damaged object is quarantined, never sent;</li>
 * <li>upload the object, then the manifest (each confirmed by the target);</li>
 * <li>raise the stream's upload high-water mark ({@link UploadState}), durably;</li>
 * <li>delete the manifest (the batch is no longer sealed in the outbox), then the object.</li>
 * </ol>
 * Killed before 3: the batch is still sealed and goes up again, to the same keys, with the same bytes.
 * Killed between 3 and 4: likewise (the mark only stops the batcher re-batching those records).
 * Killed between the two deletions: an object without manifest, removed by the batcher's start-up recovery.
 */
public final class Uploader implements Agent {

    private static final System.Logger LOG = System.getLogger(Uploader.class.getName());
    // a manifest written by a newer agent may carry fields this one does not know: read what it knows
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final long SCAN_EVERY_NS = 1_000_000_000L;

    private final Path dataDir;
    private final UploadTarget target;
    private final long initialBackoffNs;
    private final long maxBackoffNs;
    private final UploaderStats stats = new UploaderStats();
    private final Map<Path, BatchManifest> manifests = new HashMap<>();
    private final UploadPolicy policy;
    private final OutboxClaims claims;
    private final TokenBucket[] tierBuckets = new TokenBucket[Tier.values().length];
    private final TokenBucket linkBucket;
    private AuditLog audit;
    private AuditShipper auditShipper;
    private long nextAuditShipNs;

    private List<Pending> pending = List.of();
    private long lastScanNs;
    private volatile boolean wakeUp;
    /** drain() asks for a fresh scan by raising this ... */
    private final AtomicLong scanRequests = new AtomicLong();
    /** ... and a scan answers it by publishing, once its backlog figures are set, the request it started after. */
    private volatile long scanRequestsServed;
    private long nextAttemptNs;
    private int attempt;
    private boolean failing;

    /** @param rank the tier it is sent as: its own, or the one above once older than its tier's max-age */
    private record Pending(Path manifestFile, BatchManifest manifest, int rank) {
        Path object() {
            String name = manifestFile.getFileName().toString();
            return manifestFile.resolveSibling(name.substring(0, name.length() - Outbox.MANIFEST_SUFFIX.length())
                    + Outbox.MCAP_SUFFIX);
        }
    }

    public Uploader(Path dataDir, UploadTarget target, Duration initialBackoff, Duration maxBackoff) {
        this(dataDir, target, initialBackoff, maxBackoff, UploadPolicy.unlimited(), new OutboxClaims());
    }

    public Uploader(Path dataDir, UploadTarget target, Duration initialBackoff, Duration maxBackoff,
                    UploadPolicy policy, OutboxClaims claims) {
        this.policy = policy;
        this.claims = claims;
        long now = System.nanoTime();
        for (Tier t : Tier.values()) {
            tierBuckets[t.ordinal()] = new TokenBucket(policy.rule(t).bytesPerSecond(), now);
        }
        this.linkBucket = new TokenBucket(policy.linkBytesPerSecond(), now);
        this.dataDir = dataDir;
        this.target = target;
        this.initialBackoffNs = Math.max(1, initialBackoff.toNanos());
        this.maxBackoffNs = Math.max(initialBackoffNs, maxBackoff.toNanos());
    }

    public UploaderStats stats() {
        return stats;
    }

    /**
     * Records every upload in the audit log and, when the policy's audit-interval is positive, uploads the log
     * itself ahead of every tier. Call before {@link #onStart} runs.
     */
    public void audit(AuditLog audit, String deviceId) throws IOException {
        this.audit = audit;
        if (!policy.auditInterval().isZero() && !policy.auditInterval().isNegative()) {
            this.auditShipper = new AuditShipper(dataDir, audit.file(), deviceId);
        }
    }

    public UploadPolicy policy() {
        return policy;
    }

    @Override
    public String roleName() {
        return "uploader";
    }

    /** A batcher sealed a batch: look at the outbox now rather than at the next periodic scan. Any thread. */
    public void wakeUp() {
        wakeUp = true;
    }

    @Override
    public int doWork() {
        long now = System.nanoTime();
        long requests = scanRequests.get();
        if (wakeUp || now - lastScanNs > SCAN_EVERY_NS || requests > scanRequestsServed) {
            wakeUp = false;
            scan(now);
            scanRequestsServed = requests;
        }
        if (now < nextAttemptNs) {
            return 0;
        }
        if (auditShipper != null && now >= nextAuditShipNs) {
            try {
                if (auditShipper.hasNew()) {
                    // the audit trail goes first: it is what says what happened to everything else
                    long entries = auditShipper.ship(target);
                    stats.auditEntriesUploaded.addAndGet(entries);
                    stats.auditLastUploadEpochMs = System.currentTimeMillis();
                    onSuccess();
                }
                nextAuditShipNs = now + policy.auditInterval().toNanos();
            } catch (UploadException e) {
                onFailure("the audit log", e.getMessage(), e.retryable());
                return 1;
            } catch (IOException | RuntimeException e) {
                onFailure("the audit log", e.toString(), true);
                return 1;
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        Pending next = choose(now);
        if (next == null) {
            return 0;   // every candidate waits for its budget or its condition
        }
        if (!claims.claim(next.manifestFile())) {
            // evicted since the scan: look again
            pending = without(next);
            wakeUp = true;
            return 1;
        }
        try {
            upload(next);
            pending = without(next);
            stats.backlogBatches = Math.max(0, stats.backlogBatches - 1);
            stats.backlogBytes = Math.max(0, stats.backlogBytes - next.manifest().objectBytes());
            int tier = tierRank(next.manifest().tier());
            if (tier < Tier.values().length) {
                stats.tierBacklogBatches.updateAndGet(tier, v -> Math.max(0, v - 1));
                stats.tierBacklogBytes.updateAndGet(tier, v -> Math.max(0, v - next.manifest().objectBytes()));
            }
            wakeUp = true;   // that stream's next batch is a candidate now
            onSuccess();
        } catch (UploadException e) {
            onFailure(describe(next), e.getMessage(), e.retryable());
        } catch (IOException | RuntimeException e) {
            onFailure(describe(next), e.toString(), true);
        } finally {
            claims.release();
        }
        return 1;
    }

    private List<Pending> without(Pending p) {
        List<Pending> rest = new ArrayList<>(pending);
        rest.remove(p);
        return rest;
    }

    /**
     * The first candidate (in rank order) whose tier may go now and whose budgets are not in debt; null when
     * none may. Strict priority: a lower tier goes only while every higher one is empty, held by its condition
     * or by its own budget; the link budget holds everyone.
     */
    private Pending choose(long now) {
        if (linkBucket.nanosUntilReady(now) > 0) {
            return null;
        }
        long epochMs = System.currentTimeMillis();
        for (Pending p : pending) {
            if (p.rank() >= Tier.values().length) {
                return p;   // an unknown tier (a newer agent's manifest): last, unconditioned
            }
            Tier tier = Tier.values()[p.rank()];
            if (policy.allowed(tier, epochMs) && tierBuckets[p.rank()].nanosUntilReady(now) == 0) {
                return p;
            }
        }
        return null;
    }

    private static String describe(Pending p) {
        return "stream " + p.manifest().streamId() + " batch " + p.manifest().firstSeq() + "-" + p.manifest().lastSeq();
    }

    private void upload(Pending p) throws UploadException, IOException {
        BatchManifest m = p.manifest();
        Path object = p.object();
        if (!Files.exists(object)) {
            if (UploadState.lastUploadedSeq(dataDir, m.streamId()) >= m.lastSeq()) {
                // killed between the two deletions of an earlier run: the batch went up already
                Files.deleteIfExists(p.manifestFile());
                return;
            }
            quarantine(p, "its object " + object.getFileName() + " is missing");
            return;
        }
        long size = Files.size(object);
        if (size != m.objectBytes()) {
            quarantine(p, "the object no longer matches its manifest (" + size + " bytes; manifest: "
                    + m.objectBytes() + " bytes)");
            return;
        }
        try {
            // the target checks the SHA-256 in the same pass that sends the bytes
            target.put(m.key(), object, size, m.sha256(), m.contentType());
        } catch (UploadException e) {
            if (e.corruptSource()) {
                quarantine(p, e.getMessage());
                return;
            }
            throw e;
        }
        long manifestSize = Files.size(p.manifestFile());
        target.put(m.manifestKey(), p.manifestFile(), manifestSize, Checksums.sha256Hex(p.manifestFile(), manifestSize),
                "application/json");
        UploadState.recordUploaded(dataDir, m.streamId(), m.lastSeq());
        Files.delete(p.manifestFile());
        Files.deleteIfExists(object);
        manifests.remove(p.manifestFile());
        long nowNs = System.nanoTime();
        linkBucket.consume(size + manifestSize, nowNs);
        if (p.rank() < Tier.values().length) {
            tierBuckets[p.rank()].consume(size + manifestSize, nowNs);
        }
        long nowMs = System.currentTimeMillis();
        stats.batchesUploaded.incrementAndGet();
        stats.bytesUploaded.addAndGet(size + manifestSize);
        stats.lastSuccessEpochMs = nowMs;
        int tier = tierRank(m.tier());
        if (tier < Tier.values().length) {
            stats.tierBatchesUploaded.incrementAndGet(tier);
            stats.tierBytesUploaded.addAndGet(tier, size + manifestSize);
            stats.tierLastSuccessEpochMs.set(tier, nowMs);
        }
        if (audit != null) {
            Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("stream", m.streamId());
            entry.put("tier", m.tier());
            entry.put("sentAs", p.rank() < Tier.values().length ? Tier.values()[p.rank()].name() : m.tier());
            entry.put("firstSeq", m.firstSeq());
            entry.put("lastSeq", m.lastSeq());
            entry.put("records", m.recordCount());
            entry.put("bytes", size);
            entry.put("key", m.key());
            entry.put("sha256", m.sha256());
            entry.put("waitedMs", Math.max(0, nowMs - m.sealedAtNs() / 1_000_000));
            audit.record("upload", entry);
        }
    }

    /** Damaged batches are moved aside for a person to look at; uploading them would spread the damage. */
    private void quarantine(Pending p, String why) throws IOException {
        Path dir = quarantine(p.manifestFile(), p.object(), why);
        manifests.remove(p.manifestFile());
        LOG.log(Level.ERROR, "stream " + p.manifest().streamId() + ": batch " + p.manifest().firstSeq() + "-"
                + p.manifest().lastSeq() + " quarantined in " + dir + ", not uploaded: " + why);
    }

    /** Moves a batch's files to quarantine/&lt;stream&gt;/&lt;time&gt;-&lt;name&gt; with a note saying why. */
    private Path quarantine(Path manifestFile, Path object, String why) throws IOException {
        Path dir = dataDir.resolve("quarantine").resolve(manifestFile.getParent().getFileName());
        Files.createDirectories(dir);
        String stamp = System.currentTimeMillis() + "-";
        if (Files.exists(object)) {
            Files.move(object, dir.resolve(stamp + object.getFileName()));
        }
        Files.move(manifestFile, dir.resolve(stamp + manifestFile.getFileName()));
        Files.writeString(dir.resolve(stamp + manifestFile.getFileName() + ".reason.txt"), why + "\n");
        stats.quarantined.incrementAndGet();
        return dir;
    }

    private void onSuccess() {
        attempt = 0;
        nextAttemptNs = 0;
        if (failing) {
            failing = false;
            LOG.log(Level.INFO, "uploads to " + target.describe() + " work again; backlog " + stats.backlogBatches
                    + " batches");
        }
        stats.lastError = null;
    }

    private void onFailure(String what, String message, boolean retryable) {
        stats.failures.incrementAndGet();
        stats.lastError = message;
        attempt = Math.min(attempt + 1, 62);
        long ceiling = initialBackoffNs << Math.min(attempt - 1, 30);
        if (ceiling <= 0 || ceiling > maxBackoffNs) {
            ceiling = maxBackoffNs;
        }
        long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);   // full jitter: a fleet does not retry in step
        nextAttemptNs = System.nanoTime() + delay;
        if (!failing) {
            failing = true;
            LOG.log(retryable ? Level.WARNING : Level.ERROR, "upload of " + what + " to " + target.describe()
                    + " failed" + (retryable ? "" : " (needs an operator)") + ": " + message
                    + "; batches stay in the outbox and are retried with backoff up to "
                    + Duration.ofNanos(maxBackoffNs).toSeconds() + " s");
        }
    }

    /**
     * Lists sealed batches (manifest present); parses each manifest once. Within a stream batches go up in
     * sequence order (the upload high-water mark relies on it), so each stream offers only its oldest batch;
     * across streams: tier first, then oldest sealed.
     */
    private void scan(long now) {
        lastScanNs = now;
        List<Pending> found = new ArrayList<>();
        long bytes = 0;
        long[] tierBatches = new long[Tier.values().length];
        long[] tierBytes = new long[Tier.values().length];
        long nowWallNs = System.currentTimeMillis() * 1_000_000L;
        Path root = Outbox.root(dataDir);
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> streams = Files.newDirectoryStream(root, Files::isDirectory)) {
                for (Path streamDir : streams) {
                    if (streamDir.getFileName().toString().startsWith(".")) {
                        continue;
                    }
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(streamDir, "*" + Outbox.MANIFEST_SUFFIX)) {
                        for (Path f : files) {
                            BatchManifest m = readManifest(f);
                            if (m != null) {
                                found.add(new Pending(f, m, rank(m, nowWallNs)));
                                bytes += m.objectBytes();
                                int t = tierRank(m.tier());
                                if (t < tierBatches.length) {
                                    tierBatches[t]++;
                                    tierBytes[t] += m.objectBytes();
                                }
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot list the outbox " + root + ": " + e);
            }
        }
        Map<String, Pending> oldestPerStream = new HashMap<>();
        for (Pending p : found) {
            oldestPerStream.merge(p.manifest().streamId(), p,
                    (a, b) -> a.manifest().firstSeq() <= b.manifest().firstSeq() ? a : b);
        }
        List<Pending> candidates = new ArrayList<>(oldestPerStream.values());
        candidates.sort(Comparator.comparingInt(Pending::rank)
                .thenComparingLong(p -> p.manifest().sealedAtNs())
                .thenComparing(p -> p.manifestFile().toString()));
        manifests.keySet().retainAll(found.stream().map(Pending::manifestFile).toList());
        pending = candidates;
        for (int t = 0; t < tierBatches.length; t++) {
            stats.tierBacklogBatches.set(t, tierBatches[t]);
            stats.tierBacklogBytes.set(t, tierBytes[t]);
        }
        stats.backlogBatches = found.size();
        stats.backlogBytes = bytes;
    }

    /** The batch's tier, or the one above once it has waited longer than its tier's max-age. */
    private int rank(BatchManifest m, long nowWallNs) {
        int t = tierRank(m.tier());
        if (t > 0 && t < Tier.values().length && nowWallNs - m.sealedAtNs() > policy.rule(Tier.values()[t]).maxAgeNs()) {
            return t - 1;
        }
        return t;
    }

    /** A manifest that cannot be read is quarantined, so that it cannot hold up the rest of the outbox. */
    private BatchManifest readManifest(Path f) {
        BatchManifest m = manifests.get(f);
        if (m != null) {
            return m;
        }
        try {
            m = JSON.readValue(f.toFile(), BatchManifest.class);
            if (m.key() == null || m.streamId() == null || m.sha256() == null) {
                throw new IOException("key, streamId or sha256 missing");
            }
            manifests.put(f, m);
            return m;
        } catch (IOException e) {
            String name = f.getFileName().toString();
            Path object = f.resolveSibling(name.substring(0, name.length() - Outbox.MANIFEST_SUFFIX.length())
                    + Outbox.MCAP_SUFFIX);
            try {
                Path dir = quarantine(f, object, "unreadable manifest: " + e.getMessage());
                LOG.log(Level.ERROR, "unreadable manifest " + f + " quarantined in " + dir + ": " + e.getMessage());
            } catch (IOException moveFailed) {
                LOG.log(Level.ERROR, "unreadable manifest " + f + " and it cannot be moved aside: " + moveFailed);
            }
            return null;
        }
    }

    private static int tierRank(String tier) {
        try {
            return Tier.valueOf(tier).ordinal();
        } catch (IllegalArgumentException | NullPointerException e) {
            return Tier.values().length;
        }
    }

    /**
     * Waits (on the caller's thread, while this agent runs on its own) until the outbox is empty, as seen
     * by a scan that started after this call. Returns false if time ran out first.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long request = scanRequests.incrementAndGet();
        while (scanRequestsServed < request || stats.backlogBatches() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
