package dev.edgeagent.agent.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeagent.agent.capture.FileSpace;
import dev.edgeagent.agent.capture.CaptureQueue;
import dev.edgeagent.agent.capture.RecordView;
import dev.edgeagent.agent.decode.DerivedOutput;
import dev.edgeagent.agent.decode.DerivedSchema;
import dev.edgeagent.agent.decode.PrimaryEncoding;
import dev.edgeagent.agent.decode.foxglove.FoxgloveEncoder;
import dev.edgeagent.agent.upload.UploadState;
import dev.edgeagent.protocols.mcap.McapWriter;
import dev.edgeagent.protocols.mcap.McapWriterOptions;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Tails one stream's capture queue and turns it into sealed MCAP batches in the outbox.
 *
 * <p>Exactly-once across crashes rests on two facts: a batch is sealed only when its manifest has been
 * renamed into the outbox (after the object, both fsynced), and every record carries its sequence number.
 * The queue checkpoint (a named Chronicle tailer) advances only after a seal; on restart the batcher also
 * takes the highest sequence already sealed (outbox manifests) or uploaded (upload state), and skips records
 * at or below it. So a crash anywhere re-batches only records that are in no sealed batch.
 */
public final class StreamBatcher implements Agent {

    private static final System.Logger LOG = System.getLogger(StreamBatcher.class.getName());
    static final String CHECKPOINT_TAILER = "batcher";
    private static final int RECORDS_PER_DUTY_CYCLE = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchStream stream;
    private final CaptureQueue queue;
    private final Path dataDir;
    private final BatchSettings settings;
    private final BatcherStats stats = new BatcherStats();
    private final RecordView view = new RecordView();
    private final Path outboxDir;
    private final Path tmpDir;
    private final Runnable onSealed;

    private ExcerptTailer reader;
    private ExcerptTailer checkpoint;
    /** Records with a sequence at or below this are in a sealed batch already. */
    private long sealedHighWater = -1;
    private OpenBatch open;
    private long nextRetryNs;
    private long nextRetentionMs;
    /** Purged time ranges (right to deletion): their records are never batched. */
    private final dev.edgeagent.agent.purge.PurgeTombstones purges;
    /** Called after each seal with the batch's manifest (critical notices); null for none. */
    private volatile java.util.function.Consumer<BatchManifest> sealListener;
    /** A purge arrived while a batch was open: it is dropped and its records read again without the purged ones. */
    private boolean rewindRequested;
    /** Seal as soon as the open batch reaches this sequence (shutdown, --once); -1 = no request. */
    private volatile long flushUpTo = -1;

    // queue eviction, asked for by the storage governor and done on this thread (it owns the tailers)
    private final java.util.concurrent.atomic.AtomicLong evictRequested = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong evictDone = new java.util.concurrent.atomic.AtomicLong();
    private volatile long evictBytes;
    private volatile boolean evictLossy;
    private volatile java.util.function.Consumer<QueueEviction> evictionListener = r -> { };

    /**
     * What one queue eviction removed: whole cycle files, oldest first. Records in them not yet in a sealed batch
     * are lost: {@code lostFirstSeq..lostLastSeq} (both -1 when none were).
     */
    public record QueueEviction(String streamId, int files, long bytes, long lostFirstSeq, long lostLastSeq) {
        public long lostRecords() {
            return lostFirstSeq < 0 ? 0 : lostLastSeq - lostFirstSeq + 1;
        }
    }

    // one writer, digest and channel table per stream, reused for every batch: a batch allocates nothing big
    private McapWriter mcap;
    private final DigestingChannel digesting = new DigestingChannel();
    private final Int2ObjectHashMap<ChannelEntry[]> channels = new Int2ObjectHashMap<>();
    private final FoxgloveEncoder encoder = new FoxgloveEncoder();
    // derived channels (decoded messages) and their schemas, by suffix / schema name, per batch
    private final Map<String, Integer> derivedChannels = new HashMap<>();
    private final Map<String, Integer> derivedSchemas = new HashMap<>();

    /** The batch being written: an MCAP file in the outbox's temp directory. */
    private final class OpenBatch implements DerivedOutput {
        final Path tmpFile;
        final FileChannel file;
        final long openedMonoNs = System.nanoTime();
        long firstSeq = -1;
        long lastSeq;
        long count;
        long rawBytes;
        long firstReceiveNs;
        long lastReceiveNs;
        long firstSensorNs = Long.MIN_VALUE;
        long lastSensorNs = Long.MIN_VALUE;
        long lastExcerptIndex;
        final int schemaId;
        /** The purges seen when its first record was checked: one that came later makes seal() discard it. */
        final int purgeVersion;

        OpenBatch(long firstSeq, int purgeVersion) throws IOException {
            this.purgeVersion = purgeVersion;
            tmpFile = tmpDir.resolve(firstSeq + Outbox.MCAP_SUFFIX);
            file = FileChannel.open(tmpFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            digesting.reset(file);
            if (mcap == null) {
                mcap = new McapWriter(digesting, McapWriterOptions.defaults()
                        .chunkSize(settings.chunkBytes())
                        .compression(settings.lz4() ? McapWriterOptions.Compression.LZ4 : McapWriterOptions.Compression.NONE)
                        .library("edge-agent " + stream.agentVersion()));
            } else {
                mcap.reset(digesting);
            }
            channels.clear();
            derivedChannels.clear();
            derivedSchemas.clear();
            PrimaryEncoding primary = stream.primary();
            schemaId = primary != null
                    ? mcap.addSchema(primary.schema().name(), primary.schema().encoding(), primary.schema().data())
                    : mcap.addSchema(stream.format().schemaName(stream.modality()), PayloadFormat.SCHEMA_ENCODING,
                    stream.format().schemaText());
            messageEncoding = primary != null ? primary.schema().messageEncoding() : stream.format().messageEncoding();
        }

        final String messageEncoding;

        @Override
        public int channel(String suffix, DerivedSchema schema) throws IOException {
            Integer id = derivedChannels.get(suffix);
            if (id != null) {
                return id;
            }
            Integer schemaRef = derivedSchemas.get(schema.name());
            if (schemaRef == null) {
                schemaRef = mcap.addSchema(schema.name(), schema.encoding(), schema.data());
                derivedSchemas.put(schema.name(), schemaRef);
            }
            id = mcap.addChannel(schemaRef, "/" + stream.streamId() + "/" + suffix, schema.messageEncoding(),
                    Map.of("stream", stream.streamId(), "derived", suffix, "modality", stream.modality()));
            derivedChannels.put(suffix, id);
            return id;
        }

        @Override
        public void write(int channel, long sequence, long logTimeNs, long publishTimeNs,
                          org.agrona.DirectBuffer data, int offset, int length) throws IOException {
            mcap.writeMessage(channel, sequence, logTimeNs, publishTimeNs, data, offset, length);
            derivedMessages++;
        }

        long derivedMessages;

        int channelFor(org.agrona.DirectBuffer key) throws IOException {
            int length = key.capacity();
            int hash = 1;
            for (int i = 0; i < length; i++) {
                hash = 31 * hash + key.getByte(i);
            }
            ChannelEntry[] bucket = channels.get(hash);
            if (bucket != null) {
                for (ChannelEntry e : bucket) {
                    if (e.matches(key)) {
                        return e.channelId;
                    }
                }
            }
            // first record with this key in the batch: the only allocation, once per key per batch
            byte[] bytes = new byte[length];
            key.getBytes(0, bytes);
            String keyText = new String(bytes, StandardCharsets.UTF_8);
            String topic = "/" + stream.streamId() + (keyText.isEmpty() ? "" : "/" + keyText);
            int id = mcap.addChannel(schemaId, topic, messageEncoding,
                    Map.of("stream", stream.streamId(), "key", keyText, "modality", stream.modality()));
            ChannelEntry entry = new ChannelEntry(bytes, id);
            if (bucket == null) {
                channels.put(hash, new ChannelEntry[]{entry});
            } else {
                ChannelEntry[] grown = java.util.Arrays.copyOf(bucket, bucket.length + 1);
                grown[bucket.length] = entry;
                channels.put(hash, grown);
            }
            return id;
        }

        void add(RecordView r, long excerptIndex) throws IOException {
            long seq = r.sequence();
            if (firstSeq < 0) {
                firstSeq = seq;
                firstReceiveNs = r.receiveWallNs();
            }
            lastSeq = seq;
            lastReceiveNs = r.receiveWallNs();
            long sensor = r.sensorTimeNs();
            boolean hasSensor = r.hasSensorTime();
            if (hasSensor) {
                if (firstSensorNs == Long.MIN_VALUE) {
                    firstSensorNs = sensor;
                }
                lastSensorNs = sensor;
            }
            int channel = channelFor(r.key());
            // log time: the aligned time (sensor time mapped into the agent's time base) where a clock is kept
            long logTime = clock == null ? r.receiveWallNs() : clock.alignedTime(r);
            if (stream.primary() != null && !stream.primary().passThrough()) {
                int length = stream.primary().encode(r, stream.streamId(), encoder);
                mcap.writeMessage(channel, seq, logTime, hasSensor ? sensor : r.receiveWallNs(),
                        encoder.buffer(), 0, length);
            } else {
                mcap.writeMessage(channel, seq, logTime, hasSensor ? sensor : r.receiveWallNs(),
                        r.payload(), 0, r.payload().capacity());
            }
            if (stream.decoder() != null) {
                stream.decoder().decode(r, this);
            }
            count++;
            rawBytes += r.payload().capacity();
            lastExcerptIndex = excerptIndex;
        }

        void discard() {
            // its state is unknown after a failure: the next batch gets a new writer
            try {
                mcap.close();
            } catch (IOException | RuntimeException ignored) {
                // only frees the LZ4 state
            }
            mcap = null;
            try {
                file.close();
            } catch (IOException ignored) {
                // the file goes anyway
            }
            try {
                Files.deleteIfExists(tmpFile);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete " + tmpFile + ": " + e);
            }
        }
    }

    private record ChannelEntry(byte[] key, int channelId) {
        boolean matches(org.agrona.DirectBuffer other) {
            if (other.capacity() != key.length) {
                return false;
            }
            for (int i = 0; i < key.length; i++) {
                if (other.getByte(i) != key[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    public StreamBatcher(BatchStream stream, CaptureQueue queue, Path dataDir, BatchSettings settings) {
        this(stream, queue, dataDir, settings, () -> { });
    }

    /** @param onSealed called on the batcher thread after each seal (wakes the uploader) */
    public StreamBatcher(BatchStream stream, CaptureQueue queue, Path dataDir, BatchSettings settings, Runnable onSealed) {
        this.onSealed = onSealed;
        this.stream = stream;
        this.queue = queue;
        this.dataDir = dataDir;
        this.settings = settings;
        this.outboxDir = Outbox.streamDir(dataDir, stream.streamId());
        this.tmpDir = Outbox.tmpDir(dataDir).resolve(stream.streamId());
        this.purges = dev.edgeagent.agent.purge.PurgeTombstones.of(dataDir);
    }

    /** Gets each sealed batch's manifest, on the batcher thread, right after the seal; must not throw. */
    public void sealListener(java.util.function.Consumer<BatchManifest> listener) {
        this.sealListener = listener;
    }

    public BatcherStats stats() {
        return stats;
    }

    private volatile BatchManifest.Source source;

    /** Lineage written into every manifest: the stream's source. Set before the batcher starts. */
    public StreamBatcher source(BatchManifest.Source source) {
        this.source = source;
        return this;
    }

    private dev.edgeagent.agent.align.StreamClock clock;

    /** Keeps the stream's clock model: MCAP log times become aligned times. Call before start. */
    public void clock(dev.edgeagent.agent.align.StreamClock clock) {
        this.clock = clock;
    }

    /** The stream's clock, or null when the batcher keeps none (derived streams). */
    public dev.edgeagent.agent.align.StreamClock clock() {
        return clock;
    }

    public String streamId() {
        return stream.streamId();
    }

    /** The stream's decoder (its counters are read from any thread: values may lag), or null. */
    public dev.edgeagent.agent.decode.RecordDecoder decoder() {
        return stream.decoder();
    }

    @Override
    public String roleName() {
        return "batcher-" + stream.streamId();
    }

    /** Runs on the batcher's thread: Chronicle tailers belong to the thread that made them. */
    @Override
    public void onStart() {
        try {
            Files.createDirectories(outboxDir);
            Files.createDirectories(tmpDir);
            recover();
        } catch (IOException e) {
            throw new IllegalStateException("stream " + stream.streamId() + ": cannot prepare outbox " + outboxDir + ": " + e, e);
        }
        checkpoint = queue.chronicle().createTailer(CHECKPOINT_TAILER);
        reader = queue.chronicle().createTailer();
        long index = checkpoint.index();
        if (index > 0 && !reader.moveToIndex(index)) {
            // the checkpointed excerpt is gone (queue files removed): start from what is there
            reader.toStart();
        }
        stats.lastSealedSeq.set(sealedHighWater);
    }

    /**
     * Leftovers of a crash: temp files are discarded, an object whose manifest never landed is not sealed
     * and goes too (its records are batched again); the sealed high-water mark is rebuilt from what is
     * sealed or uploaded.
     */
    private void recover() throws IOException {
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(tmpDir)) {
            for (Path p : tmp) {
                Files.deleteIfExists(p);
            }
        }
        // records of a batch evicted from the outbox are not batched again: their loss is already audited
        long high = Math.max(UploadState.lastUploadedSeq(dataDir, stream.streamId()),
                EvictionMark.lastEvictedSeq(dataDir, stream.streamId()));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(outboxDir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.endsWith(Outbox.MCAP_SUFFIX)) {
                    String base = name.substring(0, name.length() - Outbox.MCAP_SUFFIX.length());
                    if (!Files.exists(outboxDir.resolve(base + Outbox.MANIFEST_SUFFIX))) {
                        LOG.log(Level.INFO, "stream " + stream.streamId() + ": removing unsealed " + p + " left by a crash");
                        Files.deleteIfExists(p);
                    }
                } else if (name.endsWith(Outbox.MANIFEST_SUFFIX)) {
                    BatchManifest m = JSON.readValue(p.toFile(), BatchManifest.class);
                    high = Math.max(high, m.lastSeq());
                }
            }
        }
        sealedHighWater = high;
    }

    @Override
    public int doWork() {
        if (evictRequested.get() != evictDone.get()) {
            evictQueue();
        }
        if (System.nanoTime() < nextRetryNs) {
            return 0;
        }
        int work = 0;
        try {
            while (work < RECORDS_PER_DUTY_CYCLE) {
                try (DocumentContext dc = reader.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    long index = dc.index();
                    view.block(dc.wire().bytes());
                    if (view.lastSequence() <= sealedHighWater) {
                        // a whole block sealed before a restart: skip it without reading its records
                        stats.skippedAlreadySealed.addAndGet(view.blockRecords());
                        work += view.blockRecords();
                        continue;
                    }
                    while (view.next()) {   // an excerpt holds a block of records
                        work++;
                        if (view.sequence() <= sealedHighWater) {
                            stats.skippedAlreadySealed.incrementAndGet();
                            continue;
                        }
                        // read before the check: a purge between the check and the batch's opening is caught at
                        // seal (the version read when the batch opened would already include it)
                        int purgeVersion = purges.version();
                        if (purgeVersion != 0 && purges.purged(stream.streamId(), view.timeNs())) {
                            // right to deletion: never batched; with no batch open it counts as handled, so that
                            // flushes (shutdown, --once) do not wait for a batch that will never hold it
                            if (open == null && view.sequence() > stats.lastSealedSeq.get()) {
                                stats.lastSealedSeq.set(view.sequence());
                            }
                            continue;
                        }
                        if (open != null && view.sequence() != open.lastSeq + 1) {
                            // a gap (queue files evicted under it): a batch holds a contiguous range
                            seal();
                        }
                        if (open == null) {
                            open = new OpenBatch(view.sequence(), purgeVersion);
                        }
                        open.add(view, index);
                        if (open.rawBytes >= settings.maxBytes()) {
                            // mid-block is fine: the checkpoint is this excerpt, and a restart skips what is sealed
                            seal();
                            if (rewindRequested) {
                                break;
                            }
                        }
                    }
                    if (rewindRequested) {
                        break;
                    }
                    if (open != null) {
                        stats.openRecords.lazySet(open.count);
                    }
                }
            }
            long flushTarget = flushUpTo;
            if (open != null && (System.nanoTime() - open.openedMonoNs >= settings.maxDurationNs()
                    || (flushTarget >= 0 && open.firstSeq <= flushTarget && open.lastSeq >= flushTarget))) {
                // (a batch opened after the flush target waits for max-duration: while sources run on,
                // sealAndUpload would otherwise seal a tiny batch every duty cycle)
                seal();
                work++;
            }
            if (rewindRequested) {
                rewind();
            }
        } catch (IOException | RuntimeException | InternalError e) {
            // InternalError: a mapped queue page the filesystem cannot back (a full disk); retried like any failure
            fail(e);
        }
        return work;
    }

    /** Reads again from the checkpoint (outside any open excerpt): the dropped batch's records minus purged ones. */
    private void rewind() {
        rewindRequested = false;
        if (stream.decoder() != null) {
            stream.decoder().reset();
        }
        long index = checkpoint.index();
        if (index <= 0 || !reader.moveToIndex(index)) {
            reader.toStart();
        }
    }

    /** A batch that cannot be written is dropped as a file, not as data: its records are read again. */
    private void fail(Throwable e) {
        stats.failures.incrementAndGet();
        LOG.log(Level.WARNING, "stream " + stream.streamId() + ": batch failed, retrying from the queue in 5 s: " + e);
        if (open != null) {
            open.discard();
            open = null;
            stats.openRecords.lazySet(0);
        }
        if (stream.decoder() != null) {
            stream.decoder().reset();   // its records are read again
        }
        long index = checkpoint.index();
        if (index <= 0 || !reader.moveToIndex(index)) {
            reader.toStart();
        }
        nextRetryNs = System.nanoTime() + 5_000_000_000L;
    }

    /**
     * Asks the batcher (any thread) to seal its open batch as soon as it holds every record up to
     * {@code sequence}, instead of waiting for max-duration; {@link #flushedTo} tells when it has.
     */
    public void requestFlush(long sequence) {
        flushUpTo = Math.max(flushUpTo, sequence);
    }

    /** True once every record up to {@code sequence} is in a sealed batch. Any thread. */
    public boolean flushedTo(long sequence) {
        return stats.lastSealedSeq() >= sequence;
    }

    /** Called on the batcher thread after each queue eviction that removed files (the governor audits it). */
    public void onQueueEviction(java.util.function.Consumer<QueueEviction> listener) {
        this.evictionListener = listener;
    }

    /**
     * Any thread: asks the batcher to delete its queue's cycle files, oldest first, until {@code bytes} are freed,
     * and waits up to {@code timeout} for it. Files whose records are all in sealed batches go first; with
     * {@code lossy}, files with records not yet batched go too (the open batch is sealed first, so only records
     * not yet read are lost). The file being written is never deleted. The result reaches the listener.
     *
     * @return true when the batcher did it within the timeout
     */
    public boolean evictQueueFiles(long bytes, boolean lossy, java.time.Duration timeout) throws InterruptedException {
        long id;
        synchronized (evictRequested) {
            evictBytes = bytes;
            evictLossy = lossy;
            id = evictRequested.incrementAndGet();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (evictDone.get() < id) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    private void evictQueue() {
        long id;
        long want;
        boolean lossy;
        synchronized (evictRequested) {
            id = evictRequested.get();
            want = evictBytes;
            lossy = evictLossy;
        }
        try {
            QueueEviction r = doEvictQueue(want, lossy);
            if (r.files() > 0) {
                evictionListener.accept(r);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stream " + stream.streamId() + ": queue eviction failed: " + e);
        } finally {
            evictDone.set(id);
        }
    }

    private QueueEviction doEvictQueue(long want, boolean lossy) {
        var q = queue.chronicle();
        int current = q.cycle();
        int newest = q.lastCycle();
        long cp = checkpoint == null ? -1 : checkpoint.index();
        int checkpointCycle = cp > 0 ? q.rollCycle().toCycle(cp) : Integer.MIN_VALUE;
        long lastCaptured = queue.stats().lastSequence();   // before any deletion: bounds what can be lost
        long freed = 0;
        int files = 0;
        boolean unbatched = false;
        for (CaptureQueue.CycleFile f : queue.cycleFiles()) {
            if (freed >= want || f.cycle() >= current || f.cycle() >= newest) {
                break;   // never the file the source writes
            }
            if (f.cycle() >= checkpointCycle) {
                if (!lossy) {
                    break;
                }
                if (!unbatched) {
                    unbatched = true;
                    sealOpenBatch();   // what was read is safe in a batch; only unread records can be lost
                }
            }
            long size = FileSpace.onDisk(f.file());
            if (f.file().delete()) {
                freed += size;
                files++;
            } else {
                LOG.log(Level.WARNING, "stream " + stream.streamId() + ": cannot delete queue file " + f.file());
                break;
            }
        }
        if (files == 0) {
            return new QueueEviction(stream.streamId(), 0, 0, -1, -1);
        }
        q.refreshDirectoryListing();
        long lostFirst = -1;
        long lostLast = -1;
        if (unbatched) {
            // the queue now starts at the first remaining record: everything unsealed before it is gone
            long next = firstRemainingSequence();
            long upTo = next >= 0 ? next - 1 : lastCaptured;
            if (upTo > sealedHighWater) {
                lostFirst = sealedHighWater + 1;
                lostLast = upTo;
                sealedHighWater = upTo;
                stats.lastSealedSeq.set(Math.max(stats.lastSealedSeq(), upTo));
            }
            if (open == null) {
                reader.toStart();
                if (stream.decoder() != null) {
                    stream.decoder().reset();
                }
            }
        }
        return new QueueEviction(stream.streamId(), files, freed, lostFirst, lostLast);
    }

    private long firstRemainingSequence() {
        ExcerptTailer t = queue.chronicle().createTailer();
        try (DocumentContext dc = t.toStart().readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            view.block(dc.wire().bytes());
            return view.firstSequence();
        } finally {
            t.close();
        }
    }

    /** Seals the open batch now, if there is one. Batcher thread only. */
    void sealOpenBatch() {
        if (open != null) {
            try {
                seal();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    private void seal() throws IOException {
        OpenBatch b = open;
        if (b.purgeVersion != purges.version()) {
            // a purge arrived while the batch was open: it may hold purged records
            b.discard();
            open = null;
            stats.openRecords.lazySet(0);
            rewindRequested = true;
            return;
        }
        mcap.finish();
        b.file.force(true);
        b.file.close();
        String sha256 = HexFormat.of().formatHex(digesting.digest());
        String name = Outbox.batchName(b.firstSeq, b.lastSeq);
        String key = Outbox.objectKey(stream.deviceId(), stream.streamId(), b.firstReceiveNs, b.firstSeq, b.lastSeq);
        BatchManifest manifest = new BatchManifest(BatchManifest.VERSION, key, stream.deviceId(), stream.streamId(),
                stream.modality(), stream.tier(), stream.tags(), b.firstSeq, b.lastSeq, b.count,
                b.firstReceiveNs, b.lastReceiveNs,
                b.firstSensorNs == Long.MIN_VALUE ? null : b.firstSensorNs,
                b.lastSensorNs == Long.MIN_VALUE ? null : b.lastSensorNs,
                b.rawBytes, digesting.bytes(), settings.lz4() ? "lz4" : "", sha256,
                BatchManifest.MCAP_CONTENT_TYPE, System.currentTimeMillis() * 1_000_000L,
                stream.agentVersion(), stream.configHash(), source, clock == null ? null : clock.manifestState());

        // object first, manifest last: the manifest's arrival is what seals the batch
        Files.move(b.tmpFile, outboxDir.resolve(name + Outbox.MCAP_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        Outbox.writeAtomically(tmpDir.resolve(name + Outbox.MANIFEST_SUFFIX),
                outboxDir.resolve(name + Outbox.MANIFEST_SUFFIX), JSON.writeValueAsBytes(manifest));

        open = null;
        sealedHighWater = b.lastSeq;
        // only now may the queue checkpoint move: the batch is durable in the outbox
        checkpoint.moveToIndex(b.lastExcerptIndex);
        stats.batchesSealed.incrementAndGet();
        stats.recordsSealed.addAndGet(b.count);
        stats.objectBytesSealed.addAndGet(digesting.bytes());
        stats.rawBytesSealed.addAndGet(b.rawBytes);
        stats.lastSealedSeq.set(b.lastSeq);
        stats.openRecords.lazySet(0);
        if (clock != null) {
            clock.save();
        }
        java.util.function.Consumer<BatchManifest> listener = sealListener;
        if (listener != null) {
            listener.accept(manifest);
        }
        onSealed.run();
        applyRetention();
    }

    /** Removes queue files that are batched and older than the retention; at most every 30 s. */
    private void applyRetention() {
        long now = System.currentTimeMillis();
        if (settings.queueRetentionMs() < 0 || now < nextRetentionMs) {
            return;
        }
        nextRetentionMs = now + 30_000;
        int deleted = queue.deleteBatchedFiles(checkpoint.index(), java.time.Duration.ofMillis(settings.queueRetentionMs()), now);
        if (deleted > 0) {
            LOG.log(Level.DEBUG, "stream " + stream.streamId() + ": removed " + deleted + " batched queue files");
        }
    }

    @Override
    public void onClose() {
        sealOpenBatch();
        if (mcap != null) {
            try {
                mcap.close();   // frees the LZ4 state; the channel (the digest) has nothing to close
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the MCAP writer: " + e);
            }
        }
        if (reader != null) {
            reader.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }
}
