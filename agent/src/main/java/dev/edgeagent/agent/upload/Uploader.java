package dev.edgeagent.agent.upload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.batch.BatchManifest;
import dev.edgeagent.agent.batch.Outbox;
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
 * Drains the outbox to one {@link UploadTarget}: critical tier first, then standard, then bulk; oldest
 * sealed first within a tier. One batch per duty cycle; failures back off exponentially with full jitter,
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

    private record Pending(Path manifestFile, BatchManifest manifest) {
        Path object() {
            String name = manifestFile.getFileName().toString();
            return manifestFile.resolveSibling(name.substring(0, name.length() - Outbox.MANIFEST_SUFFIX.length())
                    + Outbox.MCAP_SUFFIX);
        }
    }

    public Uploader(Path dataDir, UploadTarget target, Duration initialBackoff, Duration maxBackoff) {
        this.dataDir = dataDir;
        this.target = target;
        this.initialBackoffNs = Math.max(1, initialBackoff.toNanos());
        this.maxBackoffNs = Math.max(initialBackoffNs, maxBackoff.toNanos());
    }

    public UploaderStats stats() {
        return stats;
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
        if (pending.isEmpty() || now < nextAttemptNs) {
            return 0;
        }
        Pending next = pending.get(0);
        try {
            upload(next);
            pending = pending.subList(1, pending.size());
            stats.backlogBatches = Math.max(0, stats.backlogBatches - 1);
            stats.backlogBytes = Math.max(0, stats.backlogBytes - next.manifest().objectBytes());
            wakeUp = true;   // that stream's next batch is a candidate now
            onSuccess();
        } catch (UploadException e) {
            onFailure(next, e.getMessage(), e.retryable());
        } catch (IOException | RuntimeException e) {
            onFailure(next, e.toString(), true);
        }
        return 1;
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
        stats.batchesUploaded.incrementAndGet();
        stats.bytesUploaded.addAndGet(size + manifestSize);
        stats.lastSuccessEpochMs = System.currentTimeMillis();
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

    private void onFailure(Pending p, String message, boolean retryable) {
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
            LOG.log(retryable ? Level.WARNING : Level.ERROR, "upload of stream " + p.manifest().streamId()
                    + " batch " + p.manifest().firstSeq() + "-" + p.manifest().lastSeq() + " to " + target.describe()
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
                                found.add(new Pending(f, m));
                                bytes += m.objectBytes();
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
        candidates.sort(Comparator.comparingInt((Pending p) -> tierRank(p.manifest().tier()))
                .thenComparingLong(p -> p.manifest().sealedAtNs())
                .thenComparing(p -> p.manifestFile().toString()));
        manifests.keySet().retainAll(found.stream().map(Pending::manifestFile).toList());
        pending = candidates;
        stats.backlogBatches = found.size();
        stats.backlogBytes = bytes;
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
