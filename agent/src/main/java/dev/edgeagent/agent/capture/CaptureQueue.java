package dev.edgeagent.agent.capture;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;

/**
 * The durable capture queue of one stream: a memory-mapped Chronicle Queue in
 * {@code <dataDir>/queues/<streamId>}. One writer (the stream's source thread, through
 * {@link ChronicleRecordSink}); any number of tailers (the batcher, trigger windows).
 */
public final class CaptureQueue implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CaptureQueue.class.getName());

    private final String streamId;
    private final int fingerprint;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final StreamStats stats;
    private final Admission admission = new Admission();
    private final long chunkBytes;
    /** Where the writer is: {@link #encodeWritePosition}, -1 before its first flush. Written by the sink only. */
    private final java.util.concurrent.atomic.AtomicLong writePosition = new java.util.concurrent.atomic.AtomicLong(-1);
    static final int POSITION_BITS = 44;
    static final long POSITION_MASK = (1L << POSITION_BITS) - 1;

    /** Default size of the chunks a queue file is mapped in. */
    public static final long DEFAULT_CHUNK_BYTES = 1L << 20;

    public CaptureQueue(Path dataDir, String streamId, String rollCycle, StreamStats stats) {
        this(dataDir, streamId, rollCycle, DEFAULT_CHUNK_BYTES, stats);
    }

    /**
     * @param chunkBytes the queue file is mapped in chunks of this size; written pages stay resident while their
     *                   chunk is mapped, so small chunks keep the agent's memory small. Records up to a quarter of
     *                   it are written in place (see {@link #chunkBytesFor})
     */
    public CaptureQueue(Path dataDir, String streamId, String rollCycle, long chunkBytes, StreamStats stats) {
        this(dataDir, streamId, rollCycle(rollCycle), chunkBytes, stats, null);
    }

    /** A Chronicle roll cycle by name: the RollCycles ones, and TEST_SECONDLY (one file per second, for tests). */
    public static net.openhft.chronicle.queue.RollCycle rollCycle(String name) {
        try {
            return RollCycles.valueOf(name);
        } catch (IllegalArgumentException e) {
            return net.openhft.chronicle.queue.rollcycles.TestRollCycles.valueOf(name);
        }
    }

    /** Whether the queue takes new records (the storage governor closes it under quota or disk pressure). */
    public Admission admission() {
        return admission;
    }

    /** @param time the queue's clock (which file a record goes to); null for the system clock */
    CaptureQueue(Path dataDir, String streamId, net.openhft.chronicle.queue.RollCycle rollCycle, StreamStats stats,
                 net.openhft.chronicle.core.time.TimeProvider time) {
        this(dataDir, streamId, rollCycle, DEFAULT_CHUNK_BYTES, stats, time);
    }

    private CaptureQueue(Path dataDir, String streamId, net.openhft.chronicle.queue.RollCycle rollCycle, long chunkBytes,
                         StreamStats stats, net.openhft.chronicle.core.time.TimeProvider time) {
        this.streamId = streamId;
        this.fingerprint = CaptureRecord.fingerprint(streamId);
        this.dir = queueDir(dataDir, streamId);
        this.stats = stats;
        this.chunkBytes = chunkBytes;
        SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle)
                .blockSize(chunkBytes);
        if (time != null) {
            builder.timeProvider(time);
        }
        this.queue = builder.build();
        stats.initLastSequence(readLastSequence());
    }

    /**
     * The chunk size for a stream whose records reach {@code maxRecordBytes}: at least {@code minimum}, and at least
     * four times the largest record (a power of two), so that a record never straddles two mappings (Chronicle
     * overlaps chunks by a quarter).
     */
    public static long chunkBytesFor(long maxRecordBytes, long minimum) {
        return chunkBytesFor(maxRecordBytes, minimum, 0);
    }

    /** Largest chunk chosen for a stream's rate: Chronicle's own default block size. */
    public static final long MAX_RATE_CHUNK_BYTES = 64L << 20;

    /**
     * As {@link #chunkBytesFor(long, long)}, and large enough for a third of a second of the stream's writing at
     * {@code bytesPerSecond} (0: not known; a power of two, so up to two thirds), up to {@link #MAX_RATE_CHUNK_BYTES}.
     * Each new chunk is an mmap, and its release a munmap, both under the process' mmap_lock, which every page fault
     * in the agent may wait for: at 1 MB a 30 MB/s camera mapped 30 chunks a second, and its readers as many again;
     * on the 2-core build machine the reference vehicle at 4x lost ten times the records it lost with 16 MB chunks.
     * A chunk's written pages stay resident while it is mapped (page cache, counted in RssFile), which is why it is
     * sized by rate and not large for every stream.
     */
    public static long chunkBytesFor(long maxRecordBytes, long minimum, double bytesPerSecond) {
        long needed = Math.max(minimum, 4 * (maxRecordBytes + CaptureRecord.BLOCK_HEADER_LENGTH + 64));
        if (bytesPerSecond > 0) {
            needed = Math.max(needed, (long) Math.min(bytesPerSecond / 3, MAX_RATE_CHUNK_BYTES));
        }
        return Long.highestOneBit(needed - 1) << 1;
    }

    public static Path queueDir(Path dataDir, String streamId) {
        return dataDir.resolve("queues").resolve(streamId);
    }

    /**
     * Sequence of the newest complete record, -1 for an empty queue. An excerpt cut short by a crash is
     * never complete in Chronicle, so it is not seen here and its record is captured again.
     */
    private long readLastSequence() {
        ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        RecordView view = new RecordView();
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            view.block(dc.wire().bytes());
            checkFingerprint(view);
            return view.lastSequence();   // the last record of the last block
        } finally {
            tailer.close();
        }
    }

    void checkFingerprint(RecordView view) {
        if (view.fingerprint() != fingerprint) {
            throw new IllegalStateException("capture queue " + dir + " holds records of another stream"
                    + " (fingerprint " + Integer.toHexString(view.fingerprint()) + ", expected "
                    + Integer.toHexString(fingerprint) + " for stream " + streamId + ")");
        }
    }

    /** The sink a source writes into. Use it from one thread only. */
    public ChronicleRecordSink newSink() {
        return new ChronicleRecordSink(this);
    }

    public SingleChronicleQueue chronicle() {
        return queue;
    }

    public String streamId() {
        return streamId;
    }

    int fingerprint() {
        return fingerprint;
    }

    /** The size of the chunks the queue file is mapped in. */
    public long chunkBytes() {
        return chunkBytes;
    }

    /**
     * The writer's place, published at the end of each duty cycle for the thread that grows the file ahead of it
     * ({@link QueueFileGrower}): the cycle (its low 20 bits) and the byte offset in that cycle's file, in one long
     * so the two are never seen apart.
     */
    void publishWritePosition(int cycle, long position) {
        writePosition.lazySet(encodeWritePosition(cycle, position));
    }

    static long encodeWritePosition(int cycle, long position) {
        return ((long) cycleBits(cycle) << POSITION_BITS) | (position & POSITION_MASK);
    }

    /** The part of a cycle number that a published write position carries: compare with {@link #writtenCycleBits}. */
    static int cycleBits(int cycle) {
        return cycle & 0xFFFFF;
    }

    /** The cycle bits of an {@link #encodeWritePosition encoded} write position. */
    static int writtenCycleBits(long encoded) {
        return (int) (encoded >>> POSITION_BITS);
    }

    /** {@link #encodeWritePosition} of the writer's place; -1 before its first flush. */
    long writePosition() {
        return writePosition.get();
    }

    /**
     * Bytes of {@code file} that hold data: its data extents ({@link FileSpace#onDisk}), and for the file the writer
     * is in no more than its published place and a chunk. The margin preallocated ahead of the writer
     * ({@link QueueFileGrower}) is not data, but pages the kernel read ahead into it are counted as such by the
     * file system until the writer has moved on and the margin is given back.
     */
    public long dataBytes(CycleFile file) {
        long bytes = FileSpace.onDisk(file.file());
        long w = writePosition.get();
        if (w >= 0 && writtenCycleBits(w) == cycleBits(file.cycle())) {
            bytes = Math.min(bytes, (w & POSITION_MASK) + chunkBytes);
        }
        return bytes;
    }

    public StreamStats stats() {
        return stats;
    }

    public Path dir() {
        return dir;
    }

    /** Next sequence to assign: one after the newest record. */
    public long nextSequence() {
        return stats.lastSequence() + 1;
    }

    /**
     * Deletes queue files whose records are all batched (their cycle is before the one holding the batcher's
     * checkpoint, and before the one being written) and that were last written longer ago than
     * {@code retention}: the queue keeps recent history for replays and trigger windows, and no more.
     * Call from the thread that owns the checkpoint. Returns the number of files deleted.
     */
    public int deleteBatchedFiles(long checkpointIndex, Duration retention, long nowMs) {
        if (checkpointIndex <= 0) {
            return 0;
        }
        int keepFrom = Math.min(queue.rollCycle().toCycle(checkpointIndex), queue.cycle());
        DateTimeFormatter names = DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
        long cycleMs = queue.rollCycle().lengthInMillis();
        File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(SingleChronicleQueue.SUFFIX));
        int deleted = 0;
        if (files == null) {
            return 0;
        }
        for (File f : files) {
            String stem = f.getName().substring(0, f.getName().length() - SingleChronicleQueue.SUFFIX.length());
            int cycle;
            try {
                var parsed = names.parse(stem);
                long epochMs = parsed.isSupported(ChronoField.INSTANT_SECONDS)
                        ? Instant.from(parsed).toEpochMilli()
                        : java.time.LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
                cycle = (int) Math.floorDiv(epochMs, cycleMs);
            } catch (java.time.DateTimeException e) {
                continue;   // not a cycle file of this roll cycle: leave it alone
            }
            if (cycle < keepFrom && nowMs - f.lastModified() > retention.toMillis()) {
                if (f.delete()) {
                    deleted++;
                } else {
                    LOG.log(Level.WARNING, "stream " + streamId + ": cannot delete batched queue file " + f);
                }
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /**
     * Right to deletion: deletes the queue files (never the one being written) whose every record's time
     * ({@link RecordView#timeNs()}) lies in [fromNs, toNs]. Such records are purged (tombstoned) and never batched,
     * so no tailer needs them; a tailer positioned in a deleted file moves on to the next one. Any thread (it reads
     * with its own tailer). Returns the names of the files deleted.
     */
    public java.util.List<String> deleteFilesWithin(long fromNs, long toNs) {
        java.util.List<String> deleted = new java.util.ArrayList<>();
        int current = queue.cycle();
        RecordView view = new RecordView();
        ExcerptTailer tailer = queue.createTailer();
        try {
            for (CycleFile cf : cycleFiles()) {
                File f = cf.file();
                int cycle = cf.cycle();
                if (cycle >= current || !tailer.moveToCycle(cycle)) {
                    continue;
                }
                long records = 0;
                boolean allInside = true;
                while (allInside) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent() || queue.rollCycle().toCycle(dc.index()) != cycle) {
                            break;
                        }
                        view.block(dc.wire().bytes());
                        while (view.next()) {
                            records++;
                            long t = view.timeNs();
                            if (t < fromNs || t > toNs) {
                                allInside = false;
                                break;
                            }
                        }
                    }
                }
                if (allInside && records > 0) {
                    if (f.delete()) {
                        deleted.add(f.getName());
                    } else {
                        LOG.log(Level.WARNING, "stream " + streamId + ": cannot delete purged queue file " + f);
                    }
                }
            }
        } finally {
            tailer.close();
        }
        if (!deleted.isEmpty()) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** A queue file and the roll cycle it holds. */
    public record CycleFile(int cycle, File file) {
    }

    /** The queue's cycle files, oldest first (files of another roll cycle are left out). */
    public java.util.List<CycleFile> cycleFiles() {
        DateTimeFormatter names = DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
        long cycleMs = queue.rollCycle().lengthInMillis();
        File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(SingleChronicleQueue.SUFFIX));
        java.util.List<CycleFile> out = new java.util.ArrayList<>();
        if (files == null) {
            return out;
        }
        for (File f : files) {
            String stem = f.getName().substring(0, f.getName().length() - SingleChronicleQueue.SUFFIX.length());
            try {
                var parsed = names.parse(stem);
                long epochMs = parsed.isSupported(ChronoField.INSTANT_SECONDS)
                        ? Instant.from(parsed).toEpochMilli()
                        : java.time.LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
                out.add(new CycleFile((int) Math.floorDiv(epochMs, cycleMs), f));
            } catch (java.time.DateTimeException e) {
                // not a cycle file of this roll cycle: leave it alone
            }
        }
        out.sort(java.util.Comparator.comparingInt(CycleFile::cycle));
        return out;
    }

    @Override
    public void close() {
        queue.close();
    }
}
